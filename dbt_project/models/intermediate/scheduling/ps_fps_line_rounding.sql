-- Line rounding and capacity per candidate (scheduling.md section 4):
-- required_lines = ceil((need_units / rate + changeover_lines) / R - 1e-9) * R,
-- cum_required_lines_before (candidates ranked before it in the pool),
-- room_lines = floor(max(0, L - cum_before) / R + 1e-9) * R,
-- production_lines = min(required, room), 0 when <= changeover_lines + 1e-9,
-- production_goal_total = (production_lines - changeover_lines) * rate.
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    is_automated,
    schedule_class,
    rank_over_manufacturing_location_line_type,
    need_units,
    units_per_line_day,
    changeover_lines,
    required_lines,
    cum_required_lines_before,
    lines_available,
    room_lines,
    production_lines,
    production_goal_total,
    is_within_capacity,
    is_tomorrow_production_schedule
from {{ ref('ps_fps_dt_iteration') }}
where is_candidate
