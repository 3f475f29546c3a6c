-- The static inputs of the daily iteration: one row per active item and plan
-- date d = run_date + plan_day (plan_day 1..H) with the item's parameters, its
-- pool's lines_available, forecast(d), window_sum(d) = sum of forecast over
-- d ... d + W - 1, avg_demand = window_sum / W, and inv0 (initial_inventory:
-- on-hand units of the DCs mapped to the location, as of run_date).
{%- set W = pst_demand_window_days() %}
{{ config(
    indexes=([{'columns': ['plan_day', 'item_id', 'manufacturing_location'], 'unique': true}] if target.type == 'postgres' else []),
    sort=['plan_day', 'manufacturing_location', 'item_id'],
    dist='item_id',
) }}

with sales_forecast as (
    select
        item_id,
        manufacturing_location,
        forecast_date,
        forecast_day,
        forecast_units,
        sum(forecast_units) over (
            partition by item_id, manufacturing_location
            order by forecast_date
            rows between current row and {{ 'current row' if W == 1 else (W - 1) ~ ' following' }}
        ) as window_sum
    from {{ ref('ps_sales_forecast') }}
),

inventory as (
    select item_id, manufacturing_location, sum(on_hand_units) as on_hand_units
    from {{ ref('int_inventory__valid') }}
    group by item_id, manufacturing_location
)

select
    {{ pst_run_date() }} as run_date,
    sales_forecast.forecast_date as fps_dt,
    sales_forecast.forecast_day as plan_day,
    items.manufacturing_location,
    items.line_type,
    items.item_id,
    items.is_automated,
    {{ pst_qty('items.units_per_line_day') }} as units_per_line_day,
    {{ pst_qty('items.changeover_lines') }} as changeover_lines,
    {{ pst_qty('items.safety_stock_days') }} as safety_stock_days,
    {{ pst_qty('items.target_days_of_supply') }} as target_days_of_supply,
    {{ pst_coalesce_qty('staffing.lines_available', '0') }} as lines_available,
    sales_forecast.forecast_units,
    {{ pst_qty('sales_forecast.window_sum') }} as window_sum,
    {{ pst_qty(pst_div('sales_forecast.window_sum', W)) }} as avg_demand,
    {{ pst_coalesce_qty('inventory.on_hand_units', '0') }} as initial_inventory
from {{ ref('int_items__valid') }} as items
inner join sales_forecast
    on sales_forecast.item_id = items.item_id
   and sales_forecast.manufacturing_location = items.manufacturing_location
   and sales_forecast.forecast_day <= {{ pst_horizon_days() }}
left join {{ ref('ps_staffing_by_dt') }} as staffing
    on staffing.manufacturing_location = items.manufacturing_location
   and staffing.line_type = items.line_type
   and staffing.dt = sales_forecast.forecast_date
left join inventory
    on inventory.item_id = items.item_id
   and inventory.manufacturing_location = items.manufacturing_location
-- stored day by day: each step of the iteration reads one plan_day
order by plan_day
