-- Staffing rows that survive typing, validation and de-duplication: one row per
-- (manufacturing_location, line_type, dt).
{{ config(materialized='view') }}  -- small, read once by the next stage

select
    manufacturing_location,
    line_type,
    dt,
    lines_staffed,
    _row_number
from {{ ref('int_staffing__checked') }}
where qa_code is null
