-- The daily iteration (legacy fps_dt_iteration, scheduling.md section 4): one
-- row per active item and plan date with the state carried from the day before
-- (projected_inventory, was_bumped), the manufacturing need, the schedule class,
-- the rank in the pool and the line rounding. Candidates are the rows with
-- is_candidate; every item has a state row on every plan date.
--
-- Built by the `pst_fps_dt_iteration` materialization (macros/materializations):
-- within this single dbt invocation, two set-based statements per plan date, in
-- date order (need, then classes/ranking/line rounding and the carried state).
-- The SQL below is the same two steps chained as CTEs for every plan date: it is
-- what dbt compile shows and what the dbt unit tests run (with a small H).
{{ config(
    materialized='pst_fps_dt_iteration',
    sort=['fps_dt', 'manufacturing_location', 'line_type'],
    dist='item_id',
) }}

{{ pst_fps_dt_iteration_unrolled(ref('ps_fps_dt_inputs')) }}
