-- The automated candidates (classes 0 automated_reschedule and 1 automated) with
-- their rank in the pool (scheduling.md section 4): row number within
-- (manufacturing_location, line_type, fps_dt) by priority, round(days_of_supply, 6),
-- item_id in byte order. Non-automated candidates rank after them in the same
-- pools (see ps_fps_line_rounding for every candidate).
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    schedule_priority,
    schedule_class,
    days_of_supply,
    need_units,
    rank_over_manufacturing_location_line_type
from {{ ref('ps_fps_dt_iteration') }}
where is_candidate
  and schedule_priority in (0, 1)
