{#- Run configuration shared by every model. The run_date is the Dagster
    partition, passed explicitly to every dbt invocation of Dagster in that
    subprocess's own environment as PST_DBT_RUN_DATE (orchestration/defs/dbt/cli.py;
    read at execution only, so a new run_date keeps dbt's partial parse: D78).
    `--vars '{run_date: ...}'` (an analyst's, a unit test's override) wins over it.
    Under Dagster a build without either fails at once (a lost variable must never
    build today's schedule for an old partition); an analyst's plain `dbt build`
    without one builds today, in the plant's time zone, the same "today" as the
    daily schedule. -#}

{% macro pst_run_date_str() -%}
  {%- set explicit = var('run_date', none) -%}
  {%- if explicit -%}
    {{ return(explicit | string) }}
  {%- endif -%}
  {#- only at execution: an env_var read while parsing would tie every model's parse to
      the run_date and make dbt parse them all again for each partition -#}
  {%- if execute -%}
    {%- set passed = env_var('PST_DBT_RUN_DATE', '') -%}
    {%- if passed -%}
      {{ return(passed) }}
    {%- endif -%}
    {%- if env_var('DAGSTER_DBT_CLI', '') == 'true' -%}
      {{ exceptions.raise_compiler_error(
          "run_date is missing: Dagster passes PST_DBT_RUN_DATE=YYYY-MM-DD to every dbt "
          "invocation (orchestration/defs/dbt/cli.py); refusing to build today's schedule instead") }}
    {%- endif -%}
  {%- endif -%}
  {%- set tz = modules.pytz.timezone(env_var('PST_PLANT_TIMEZONE', 'America/Chicago')) -%}
  {{ return(modules.datetime.datetime.now(tz).date().isoformat()) }}
{%- endmacro %}

{% macro pst_run_date() -%}
  cast('{{ pst_run_date_str() }}' as date)
{%- endmacro %}

{% macro pst_horizon_days() -%}{{ return(var('horizon_days') | int) }}{%- endmacro %}
{% macro pst_demand_window_days() -%}{{ return(var('demand_window_days') | int) }}{%- endmacro %}
{% macro pst_line_rounding_increment() -%}{{ return(var('line_rounding_increment') | string) }}{%- endmacro %}

{#- The platform's own targets (what Dagster builds: `local`, `redshift`) write
    the schemas as written (stg, stg2, dwh): the legacy tables are addressed as
    stg2.* and dwh.* by their readers. Every other target (an analyst's `dev`,
    a CI run) writes <target schema>_<schema> (dev_alice_stg2, ...), so a plain
    `dbt build` never replaces the published relations. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- set platform_targets = ['local', 'redshift'] -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema }}
  {%- elif target.name in platform_targets -%}
    {{ custom_schema_name | trim }}
  {%- else -%}
    {{ target.schema }}_{{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
