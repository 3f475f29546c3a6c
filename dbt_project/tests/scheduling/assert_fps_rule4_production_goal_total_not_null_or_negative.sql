-- scheduling.md section 6, rule 4 (error: gates the publish):
-- production_goal_total is never NULL or negative.
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'fact_production_schedule_staged'}},
                                    'pst_alarm': 'business-rule-violation'}) }}

select
    manufacturing_location,
    line_type,
    fps_dt,
    item_id,
    production_goal_total
from {{ ref('fact_production_schedule_staged') }}
where run_date = {{ pst_run_date() }}  -- the stage keeps every run_date (D64)
  and (production_goal_total is null
   or production_goal_total < 0)
