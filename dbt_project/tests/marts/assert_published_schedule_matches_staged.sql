-- Audit of the publish step (write-audit-publish): for this run_date the
-- published schedule holds exactly the staged rows, once each. Fails with the
-- counts when a publish lost, duplicated or kept stale rows.
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'fact_production_schedule'}}}) }}

with staged as (
    select count(*) as n_rows from {{ ref('fact_production_schedule_staged') }}
    where run_date = {{ pst_run_date() }}
),

published as (
    select
        count(*) as n_rows,
        count(distinct {{ pst_concat_keys(['fps_dt', 'manufacturing_location', 'line_type', 'item_id']) }}) as n_keys
    from {{ ref('fact_production_schedule') }}
    where run_date = {{ pst_run_date() }}
)

select staged.n_rows as staged_rows, published.n_rows as published_rows, published.n_keys
from staged cross join published
where staged.n_rows <> published.n_rows or published.n_keys <> published.n_rows
