-- Items whose inventory exceeds their target on the first plan date
-- (scheduling.md section 3): inv0 > target_days_of_supply * avg_demand(run_date + 1),
-- compared exactly as W * inv0 > target_days_of_supply * window_sum.
-- Informational: it does not change the schedule.
select
    run_date,
    item_id,
    manufacturing_location,
    line_type,
    initial_inventory as inv0,
    avg_demand,
    target_days_of_supply,
    {{ pst_fps_target_units() }} as target_units,
    {{ pst_qty('initial_inventory - ' ~ pst_fps_target_units()) }} as excess_units
from {{ ref('ps_fps_dt_inputs') }}
where plan_day = 1
  and {{ pst_demand_window_days() }} * initial_inventory > {{ pst_qty('target_days_of_supply * window_sum') }}
