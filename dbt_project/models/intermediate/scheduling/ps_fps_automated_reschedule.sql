-- Candidates of schedule class 'automated_reschedule' per plan date (scheduling.md section 4):
-- is_automated and was_bumped (an automated candidate that did not get all the lines it required the day before); priority 0.
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

{{ pst_schedule_class_slice('automated_reschedule') }}
