-- The changes since the previous plan per manufacturing location (schedule_changes):
-- how many item-days were added, removed and changed, and the lines and units
-- scheduled over the plan dates both plans cover, then and now. Every location of
-- either plan has a row (0 changes included); nothing when no earlier run_date was
-- published. Kept per run_date (the planning/ folder's configuration).
{%- set run_date = pst_run_date() %}

select
    run_date,
    previous_run_date,
    manufacturing_location,
    cast(sum(case when change_type = 'added' then 1 else 0 end) as integer) as items_added,
    cast(sum(case when change_type = 'removed' then 1 else 0 end) as integer) as items_removed,
    cast(sum(case when change_type = 'changed' then 1 else 0 end) as integer) as items_changed,
    {{ pst_coalesce_qty('sum(previous_production_lines)', '0') }} as previous_production_lines,
    {{ pst_coalesce_qty('sum(production_lines)', '0') }} as production_lines,
    {{ pst_qty('sum(production_lines_delta)') }} as production_lines_delta,
    {{ pst_coalesce_qty('sum(previous_production_goal_total)', '0') }} as previous_production_goal_total,
    {{ pst_coalesce_qty('sum(production_goal_total)', '0') }} as production_goal_total,
    {{ pst_qty('sum(production_goal_total_delta)') }} as production_goal_total_delta
from {{ ref('schedule_changes') }}
where run_date = {{ run_date }}
group by run_date, previous_run_date, manufacturing_location
