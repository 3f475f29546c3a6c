-- Active items that survive typing, validation and de-duplication: one row per
-- (item_id, manufacturing_location). Every other row is in ps_qa_inputs.
{{ config(materialized='view') }}  -- small, read once by the next stage

select
    item_id,
    item_name,
    manufacturing_location,
    line_type,
    is_automated,
    units_per_line_day,
    changeover_lines,
    safety_stock_days,
    target_days_of_supply,
    _row_number
from {{ ref('int_items__checked') }}
where qa_code is null
  and is_active
