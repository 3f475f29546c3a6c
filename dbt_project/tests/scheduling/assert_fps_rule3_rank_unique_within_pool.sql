-- scheduling.md section 6, rule 3 (error: gates the publish):
-- rank_over_manufacturing_location_line_type is unique within each pool
-- (manufacturing_location, line_type, fps_dt), and never NULL.
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'fact_production_schedule_staged'}},
                                    'pst_alarm': 'business-rule-violation'}) }}

select
    manufacturing_location,
    line_type,
    fps_dt,
    rank_over_manufacturing_location_line_type,
    count(*) as row_count
from {{ ref('fact_production_schedule_staged') }}
where run_date = {{ pst_run_date() }}  -- the stage keeps every run_date (D64)
group by manufacturing_location, line_type, fps_dt, rank_over_manufacturing_location_line_type
having count(*) > 1
    or rank_over_manufacturing_location_line_type is null
