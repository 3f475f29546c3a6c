-- Every staged items row with the first QA code it fails (NULL = valid), in
-- qa.md order: type (8), validate active rows (2, then 3; D6: inactive rows are
-- only typed), then de-duplicate the valid active rows (6).
with staged as (
    select * from {{ ref('stg_sheets__items') }}
),

validated as (
    select
        staged.*,
        case
            when type_error is not null then '8'
            when not is_active then null
            when units_per_line_day <= 0 then '2'
            when target_days_of_supply < safety_stock_days
              or changeover_lines < 0
              or safety_stock_days < 0
              or target_days_of_supply < 0 then '3'
        end as invalid_code
    from staged
),

-- D6: only the valid active rows of one item compete
{{ pst_highest_row_wins('validated', ['item_id', 'manufacturing_location'], '6', competing='is_active') }}

select
    _row_number,
    item_id,
    item_name,
    manufacturing_location,
    line_type,
    is_automated,
    units_per_line_day,
    changeover_lines,
    safety_stock_days,
    target_days_of_supply,
    is_active,
    type_error,
    winning_row_number,
    qa_code,
    cast(case qa_code
        when '8' then {{ pst_type_error_message('items') }}
        when '2' then {{ pst_sheet_row('items') }} || ' (' || item_id || ' at ' || manufacturing_location
            || '): units_per_line_day ' || units_per_line_day_text
            || ' must be greater than 0. The item is not scheduled until it is fixed.'
        when '3' then {{ pst_sheet_row('items') }} || ' (' || item_id || ' at ' || manufacturing_location || '): '
            || substring(
                   coalesce(case when changeover_lines < 0 then '; changeover_lines ' || changeover_lines_text || ' is negative' end, '')
                || coalesce(case when safety_stock_days < 0 then '; safety_stock_days ' || safety_stock_days_text || ' is negative' end, '')
                || coalesce(case when target_days_of_supply < 0 then '; target_days_of_supply ' || target_days_of_supply_text || ' is negative' end, '')
                || coalesce(case when target_days_of_supply < safety_stock_days
                                 then '; target_days_of_supply ' || target_days_of_supply_text
                                      || ' is below safety_stock_days ' || safety_stock_days_text end, '')
               from 3)
            || '. The item is not scheduled until it is fixed.'
        when '6' then {{ pst_sheet_row('items') }} || ' (' || item_id || ' at ' || manufacturing_location
            || ') is active like row ' || cast(winning_row_number as varchar(20))
            || ' for the same item_id and manufacturing_location; row ' || cast(winning_row_number as varchar(20))
            || ' is used and this row is ignored. Delete or deactivate the row that is wrong.'
    end as {{ pst_text_type() }}) as qa_message
from coded
