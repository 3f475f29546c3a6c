-- Default staffing rows that survive typing, validation and de-duplication: one
-- row per (manufacturing_location, line_type, day_of_week), 1 = Monday.
{{ config(materialized='view') }}  -- small, read once by the next stage

select
    manufacturing_location,
    line_type,
    day_of_week,
    lines_staffed,
    _row_number
from {{ ref('int_staffing_defaults__checked') }}
where qa_code is null
