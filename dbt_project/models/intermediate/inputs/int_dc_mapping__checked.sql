-- Every staged dc_mapping row with the first QA code it fails (NULL = valid):
-- type (8), then de-duplicate (5).
with staged as (
    select * from {{ ref('stg_sheets__dc_mapping') }}
),

-- D7: among the valid rows of one DC the highest _row_number wins
ranked as (
    select
        staged.*,
        case when type_error is not null then '8' end as invalid_code,
        max(case when type_error is null then _row_number end)
            over (partition by distribution_center) as winning_row_number
    from staged
),

coded as (
    select
        ranked.*,
        coalesce(invalid_code, case when _row_number < winning_row_number then '5' end) as qa_code
    from ranked
)

select
    _row_number,
    distribution_center,
    manufacturing_location,
    type_error,
    winning_row_number,
    qa_code,
    cast(case qa_code
        when '8' then {{ pst_type_error_message('dc_mapping') }}
        when '5' then {{ pst_sheet_row('dc_mapping') }} || ' (' || distribution_center || ' -> ' || manufacturing_location
            || ') has the same distribution_center as row ' || cast(winning_row_number as varchar(20))
            || ', which is used; this row is ignored. Delete the row that is wrong.'
    end as {{ pst_text_type() }}) as qa_message
from coded
