-- Candidates of schedule class 'automated' per plan date (scheduling.md section 4):
-- is_automated and not was_bumped; priority 1.
select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    is_automated,
    was_bumped,
    schedule_priority,
    schedule_class,
    projected_inventory,
    forecast_units,
    avg_demand,
    days_of_supply,
    safety_stock_days,
    need_units
from {{ ref('ps_fps_dt_iteration') }}
where is_candidate
  and schedule_class = 'automated'
