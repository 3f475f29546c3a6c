-- The daily iteration (legacy fps_dt_iteration, scheduling.md section 4): one
-- row per active item and plan date with the state carried from the day before
-- (projected_inventory, was_bumped), the manufacturing need, the schedule class,
-- the rank in the pool and the line rounding. Candidates are the rows with
-- is_candidate; every item has a state row on every plan date.
--
-- Built by the `pst_fps_dt_iteration` materialization: one set-based statement
-- per plan date within this single dbt invocation. The SQL below is the same
-- step chained as one CTE per plan date; dbt unit tests run it.
{{ config(
    materialized='pst_fps_dt_iteration',
    sort=['fps_dt', 'manufacturing_location', 'line_type'],
    dist='item_id',
) }}

{{ pst_fps_dt_iteration_unrolled(ref('ps_fps_dt_inputs')) }}
