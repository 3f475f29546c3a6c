-- The DC -> manufacturing location mapping after typing and de-duplication:
-- one row per distribution_center.
{{ config(materialized='view') }}  -- small, read once by the next stage

select
    distribution_center,
    manufacturing_location,
    _row_number
from {{ ref('int_dc_mapping__checked') }}
where qa_code is null
