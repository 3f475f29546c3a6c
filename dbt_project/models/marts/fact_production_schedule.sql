-- Write-audit-publish, "publish": the production schedule of every run_date
-- materialized (scheduling.md section 5). Its own dbt invocation (Dagster asset
-- publish_production_schedule), run only after the build and the section 6 tests
-- of fact_production_schedule_staged passed and the blocking checks between
-- the two (orchestration/defs/schedule/checks.py) let it through.
-- A re-run of a run_date replaces that run_date's rows and nothing else (the
-- pre-hook deletes them first, in the same transaction). The stage keeps every
-- run_date (D64), so another partition's build never changes what is published
-- here; the post-hook refuses, inside the transaction, a stage with no row for
-- this run_date or a write that does not match it (nothing is committed then).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='run_date',
    on_schema_change='append_new_columns',
    pre_hook="{{ pst_delete_current_run_date() }}",
    post_hook="{{ pst_refuse_unstaged_publish(ref('fact_production_schedule_staged')) }}",
    indexes=([{'columns': ['run_date', 'fps_dt']}] if target.type == 'postgres' else []),
    sort=['run_date', 'fps_dt'],
    dist='even',
) }}

select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    is_automated,
    schedule_class,
    rank_over_manufacturing_location_line_type,
    projected_inventory,
    forecast_units,
    avg_demand,
    days_of_supply,
    need_units,
    changeover_lines,
    required_lines,
    production_lines,
    lines_available,
    production_goal_total,
    is_within_capacity,
    is_tomorrow_production_schedule,
    runtime_dt_utc
from {{ ref('fact_production_schedule_staged') }}
where run_date = {{ pst_run_date() }}
