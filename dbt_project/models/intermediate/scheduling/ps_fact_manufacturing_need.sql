-- Manufacturing need per active item and plan date (scheduling.md sections 3
-- and 4): projected_inventory carried by the iteration, forecast(d), the demand
-- window, days_of_supply = W * inv / window_sum, need_units.
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    is_automated,
    projected_inventory,
    was_bumped,
    forecast_units,
    window_sum,
    avg_demand,
    days_of_supply,
    safety_stock_days,
    target_days_of_supply,
    target_units,
    need_units,
    is_candidate
from {{ ref('ps_fps_dt_iteration') }}
