-- scheduling.md section 6, rule 2 (warn: depends on the data; the finding is
-- ps_fps_errors code 01, D16): every manufacturing location with
-- lines_available > 0 tomorrow (summed over its pools in ps_staffing_by_dt) and
-- at least one candidate tomorrow has production scheduled tomorrow
-- (run_date + 1, not the wall-clock date).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fact_production_schedule_staged'}}}) }}

with staffed as (
    select manufacturing_location, sum(lines_available) as lines_available
    from {{ ref('ps_staffing_by_dt') }}
    where dt = {{ pst_date_literal(1) }}
    group by manufacturing_location
),

tomorrow as (
    select manufacturing_location, count(*) as candidate_rows, sum(production_lines) as production_lines
    from {{ ref('fact_production_schedule_staged') }}
    where is_tomorrow_production_schedule = 1
    group by manufacturing_location
)

select tomorrow.manufacturing_location, staffed.lines_available, tomorrow.candidate_rows, tomorrow.production_lines
from tomorrow
inner join staffed
    on staffed.manufacturing_location = tomorrow.manufacturing_location
where staffed.lines_available > 0
  and tomorrow.production_lines = 0
