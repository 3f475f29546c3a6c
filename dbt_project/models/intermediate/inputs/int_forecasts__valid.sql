-- Usable window forecast rows of mapped DCs, repeated records summed
-- (scheduling.md section 1): one row per (item_id, distribution_center, forecast_date).

select
    item_id,
    distribution_center,
    forecast_date,
    manufacturing_location,
    sum(forecast_units) as forecast_units
from {{ ref('int_forecasts__checked') }}
where qa_code is null
group by item_id, distribution_center, forecast_date, manufacturing_location
