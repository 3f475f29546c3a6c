-- Candidates of schedule class 'automated' per plan date (scheduling.md section 4):
-- is_automated and not was_bumped; priority 1.
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

{{ pst_schedule_class_slice('automated') }}
