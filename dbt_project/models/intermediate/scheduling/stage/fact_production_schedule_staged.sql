-- Write-audit-publish, "write": the run's schedule (one row per candidate and
-- plan date, scheduling.md section 5) staged in stg2. The error-severity tests
-- of section 6 (rules 1, 3, 4) run on this build's run_date; the publish step
-- copies it to dwh.fact_production_schedule only when they pass. Incremental by
-- run_date (dbt_project.yml, D64): a build replaces its own run_date's rows and
-- nothing else, so partitions built one after another never share a stage.
select
    cast(run_date as date) as run_date,
    cast(fps_dt as date) as fps_dt,
    cast(manufacturing_location as {{ pst_text_type() }}) as manufacturing_location,
    cast(line_type as {{ pst_text_type() }}) as line_type,
    cast(item_id as {{ pst_text_type() }}) as item_id,
    cast(is_automated as boolean) as is_automated,
    cast(schedule_class as varchar(32)) as schedule_class,
    cast(rank_over_manufacturing_location_line_type as integer) as rank_over_manufacturing_location_line_type,
    {{ pst_qty('projected_inventory') }} as projected_inventory,
    {{ pst_qty('forecast_units') }} as forecast_units,
    {{ pst_qty('avg_demand') }} as avg_demand,
    {{ pst_qty('days_of_supply') }} as days_of_supply,
    {{ pst_qty('need_units') }} as need_units,
    {{ pst_qty('changeover_lines') }} as changeover_lines,
    {{ pst_qty('required_lines') }} as required_lines,
    {{ pst_qty('production_lines') }} as production_lines,
    {{ pst_qty('lines_available') }} as lines_available,
    {{ pst_qty('production_goal_total') }} as production_goal_total,
    cast(is_within_capacity as integer) as is_within_capacity,
    cast(is_tomorrow_production_schedule as integer) as is_tomorrow_production_schedule,
    {{ pst_now_utc() }} as runtime_dt_utc
from {{ ref('ps_fps_dt_iteration') }}
where is_candidate
