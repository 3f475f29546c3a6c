{#- Current time in UTC as a timestamp without time zone (the *_dt_utc columns).
    PostgreSQL's now() is timestamptz; Redshift's getdate() is already UTC. -#}
{% macro pst_now_utc() -%}
  {{ return(adapter.dispatch('pst_now_utc')()) }}
{%- endmacro %}

{% macro default__pst_now_utc() -%}
  cast(current_timestamp as timestamp)
{%- endmacro %}

{% macro postgres__pst_now_utc() -%}
  cast(now() at time zone 'utc' as timestamp)
{%- endmacro %}

{% macro redshift__pst_now_utc() -%}
  cast(getdate() as timestamp)
{%- endmacro %}
