-- Every staged dc_mapping row with the first QA code it fails (NULL = valid):
-- type (8), then de-duplicate (5).
with staged as (
    select * from {{ ref('stg_sheets__dc_mapping') }}
),

validated as (
    select
        staged.*,
        case when type_error is not null then '8' end as invalid_code
    from staged
),

{{ pst_highest_row_wins('validated', ['distribution_center'], '5') }}

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
