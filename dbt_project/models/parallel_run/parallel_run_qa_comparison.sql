-- The parallel run's QA findings: the run_date's rows of each QA table counted by
-- code, the legacy job's (the tables of the same names in PST_LEGACY_QA_SCHEMA,
-- default: the legacy schedule's schema) against the platform's. Only the QA tables
-- the legacy side has are compared; nothing is written when it has none.
-- production_capacity_alerting has no code (''). Kept per run_date compared.
-- (The refs are found at run time, when the legacy tables are known; dbt needs them
-- declared when it parses:)
-- depends_on: {{ ref('ps_qa_inputs') }}, {{ ref('ps_qa_missing_inputs') }}
-- depends_on: {{ ref('ps_fps_errors') }}, {{ ref('production_capacity_alerting') }}
-- depends_on: {{ ref('ps_qa_findings_summary') }}
{%- set default_schema = env_var('PST_LEGACY_SCHEDULE_RELATION', 'legacy.fact_production_schedule').strip().lower().split('.')[0] %}
{%- set legacy_schema = env_var('PST_LEGACY_QA_SCHEMA', default_schema).strip().lower() %}
{%- set qa_tables = [('ps_qa_inputs', true), ('ps_qa_missing_inputs', true),
                     ('ps_fps_errors', true), ('production_capacity_alerting', false)] %}
{%- set present = [] %}
{%- if execute %}
  {%- for name, has_code in qa_tables %}
    {%- set relation = adapter.get_relation(database=target.database, schema=legacy_schema, identifier=name) %}
    {%- if relation is not none %}{% do present.append((name, has_code, relation)) %}{% endif %}
  {%- endfor %}
{%- endif %}



{%- if present %}
with legacy as (
    {%- for name, has_code, relation in present %}
    {{ pst_parallel_run_qa_counts(name, has_code, relation) }}
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
),

platform as (
    {%- for name, has_code, relation in present %}
    {{ pst_parallel_run_qa_counts(name, has_code, ref(name)) }}
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
)

select
    {{ pst_run_date() }} as run_date,
    case when legacy.qa_table is not null then legacy.qa_table else platform.qa_table end as qa_table,
    case when legacy.qa_table is not null then legacy.code else platform.code end as code,
    cast(case when legacy.findings is null then 0 else legacy.findings end as integer) as legacy_findings,
    cast(case when platform.findings is null then 0 else platform.findings end as integer) as platform_findings,
    {{ pst_now_utc() }} as compared_at
from legacy
full outer join platform
    on legacy.qa_table = platform.qa_table
   and legacy.code = platform.code
{%- else %}
-- no legacy QA table: nothing compared
select
    run_date,
    cast(qa_table as varchar(64)) as qa_table,
    cast(code as varchar(8)) as code,
    findings as legacy_findings,
    findings as platform_findings,
    runtime_dt_utc as compared_at
from {{ ref('ps_qa_findings_summary') }}
where 1 = 0
{%- endif %}
