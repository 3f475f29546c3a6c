-- scheduling.md section 6, rule 1 (error: gates the publish): for each pool
-- (manufacturing_location, line_type, fps_dt), sum(production_lines) <= lines_available
-- + 1e-9. Per pool (no 0.1 slack, partial fills included), every plan date; the
-- 1e-9 is the floor guard's rounding (macros/scheduling/pst_fps_rules.sql).
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'fact_production_schedule_staged'}},
                                    'pst_alarm': 'business-rule-violation'}) }}

select
    manufacturing_location,
    line_type,
    fps_dt,
    sum(production_lines) as production_lines,
    max(lines_available) as lines_available
from {{ ref('fact_production_schedule_staged') }}
where run_date = {{ pst_run_date() }}  -- the stage keeps every run_date (D64)
group by manufacturing_location, line_type, fps_dt
having {{ pst_pool_exceeds_lines('sum(production_lines)', 'max(lines_available)') }}
    or max(lines_available) <> min(lines_available)
