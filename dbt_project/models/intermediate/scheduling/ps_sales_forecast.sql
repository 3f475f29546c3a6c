-- forecast(item, loc, day) for every active item and every day of the pulled
-- window run_date + 1 ... run_date + H + W - 1, 0 where there is none
-- (scheduling.md section 3). Demand of (item_id, location) pairs without an
-- active item is not here: it is in production_capacity_alerting (D12).
{%- set window_days = pst_horizon_days() + pst_demand_window_days() - 1 %}
{{ config(
    pre_hook="{{ pst_work_mem() }}",
    indexes=([{'columns': ['item_id', 'manufacturing_location', 'forecast_date'], 'unique': true}] if target.type == 'postgres' else []),
) }}

with window_days as (
    {{ pst_run_days(window_days) | indent(4) }}
),

items as (
    select item_id, manufacturing_location
    from {{ ref('int_items__valid') }}
),

forecast as (
    select item_id, manufacturing_location, forecast_date, sum(forecast_units) as forecast_units
    from {{ ref('int_forecasts__valid') }}
    where forecast_date between {{ pst_date_literal(1) }} and {{ pst_date_literal(window_days) }}
    group by item_id, manufacturing_location, forecast_date
)

select
    {{ pst_run_date() }} as run_date,
    items.item_id,
    items.manufacturing_location,
    window_days.dt as forecast_date,
    window_days.plan_day as forecast_day,
    {{ pst_coalesce_qty('forecast.forecast_units', '0') }} as forecast_units
from items
cross join window_days
left join forecast
    on forecast.item_id = items.item_id
   and forecast.manufacturing_location = items.manufacturing_location
   and forecast.forecast_date = window_days.dt
