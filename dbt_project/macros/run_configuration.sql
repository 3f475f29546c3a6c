{#- Run configuration shared by every model. The run_date is the Dagster
    partition, passed explicitly by every Dagster invocation as --vars run_date
    (orchestration/defs/dbt/args.py). Under Dagster a build without it fails at
    once (a lost variable must never build today's schedule for an old
    partition); an analyst's plain `dbt build` without it builds today, in the
    plant's time zone, the same "today" as the daily schedule. -#}

{% macro pst_run_date_str() -%}
  {%- set explicit = var('run_date', none) -%}
  {%- if explicit -%}
    {{ return(explicit | string) }}
  {%- endif -%}
  {%- if execute and env_var('DAGSTER_DBT_CLI', '') == 'true' -%}
    {{ exceptions.raise_compiler_error(
        "run_date is missing: Dagster passes --vars '{run_date: YYYY-MM-DD}' to every build "
        "(orchestration/defs/dbt/args.py); refusing to build today's schedule instead") }}
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
