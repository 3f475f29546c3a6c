-- Candidates of schedule class 'non_automated_proactive' per plan date (scheduling.md section 4):
-- not is_automated and days_of_supply >= safety_stock_days - 1e-9 (D14); priority 3.
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
  and schedule_class = 'non_automated_proactive'
