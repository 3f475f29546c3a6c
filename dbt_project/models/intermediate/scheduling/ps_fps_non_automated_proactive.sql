-- Candidates of schedule class 'non_automated_proactive' per plan date (scheduling.md section 4):
-- not is_automated and days_of_supply >= safety_stock_days - 1e-9 (D14); priority 3.
-- A view of the iteration (it holds the last run_date built).
{{ config(materialized='view') }}

{{ pst_schedule_class_slice('non_automated_proactive') }}
