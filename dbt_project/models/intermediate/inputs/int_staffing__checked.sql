-- Every staged staffing row with the first QA code it fails (NULL = valid), in
-- qa.md order: type (8), validate (4), then de-duplicate (5).
with staged as (
    select * from {{ ref('stg_sheets__staffing') }}
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

{{ pst_highest_row_wins('validated', ['manufacturing_location', 'line_type', 'dt'], '5') }}

select
    _row_number,
    manufacturing_location,
    line_type,
    dt,
    dt_text,
    lines_staffed,
    lines_staffed_text,
    type_error,
    winning_row_number,
    qa_code,
    cast(case qa_code
        when '8' then {{ pst_type_error_message('staffing') }}
        when '4' then {{ pst_sheet_row('staffing') }} || ' (' || manufacturing_location || ' / ' || line_type
            || ' / ' || cast(dt as varchar(10)) || '): lines_staffed ' || lines_staffed_text
            || ' is negative. The row is ignored; the day falls back to the staffing_defaults row for its day of week.'
        when '5' then {{ pst_sheet_row('staffing') }} || ' (' || manufacturing_location || ' / ' || line_type
            || ' / ' || cast(dt as varchar(10)) || ') has the same manufacturing_location, line_type and dt as row ' || cast(winning_row_number as varchar(20))
            || ', which is used; this row is ignored. Delete the row that is wrong.'
    end as {{ pst_text_type() }}) as qa_message
from coded
