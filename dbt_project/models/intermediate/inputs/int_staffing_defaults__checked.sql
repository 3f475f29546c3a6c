-- Every staged staffing_defaults row with the first QA code it fails (NULL =
-- valid), in qa.md order: type (8), validate (4), then de-duplicate (5).
with staged as (
    select * from {{ ref('stg_sheets__staffing_defaults') }}
),

validated as (
    select
        staged.*,
        case
            when type_error is not null then '8'
            when lines_staffed < 0 then '4'
        end as invalid_code
    from staged
),

{{ pst_highest_row_wins('validated', ['manufacturing_location', 'line_type', 'day_of_week'], '5') }}

select
    _row_number,
    manufacturing_location,
    line_type,
    day_of_week,
    day_of_week_text,
    lines_staffed,
    lines_staffed_text,
    type_error,
    winning_row_number,
    qa_code,
    cast(case qa_code
        when '8' then {{ pst_type_error_message('staffing_defaults') }}
        when '4' then {{ pst_sheet_row('staffing_defaults') }} || ' (' || manufacturing_location || ' / ' || line_type
            || ' / day_of_week ' || day_of_week_text || '): lines_staffed ' || lines_staffed_text
            || ' is negative. The row is ignored; dates on that day of week without a staffing row get 0 lines.'
        when '5' then {{ pst_sheet_row('staffing_defaults') }} || ' (' || manufacturing_location || ' / ' || line_type
            || ' / day_of_week ' || day_of_week_text || ') has the same manufacturing_location, line_type and day_of_week as row ' || cast(winning_row_number as varchar(20))
            || ', which is used; this row is ignored. Delete the row that is wrong.'
    end as {{ pst_text_type() }}) as qa_message
from coded
