{#- Run configuration shared by every model. The run_date is the Dagster
    partition: --vars run_date (an analyst's choice) or the environment variable
    PST_RUN_DATE (what Dagster sets: changing it keeps dbt's partial parsing);
    without either it is today in the plant's time zone, the same default the
    daily schedule uses. -#}

{% macro pst_run_date_str() -%}
  {%- set explicit = var('run_date', none) or env_var('PST_RUN_DATE', '') -%}
  {%- if explicit -%}
    {{ return(explicit | string) }}
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
