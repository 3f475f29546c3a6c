{#- Date helpers that differ between PostgreSQL and Redshift.
    dbt-redshift falls back to postgres__ macros, so every postgres__ that uses
    PostgreSQL-only syntax has a redshift__ sibling. -#}

{#- A date literal n days after run_date, computed in Jinja: no date
    arithmetic in SQL, identical on every target. -#}
{% macro pst_run_date_plus_days(n) -%}
  {%- set run_date = modules.datetime.date.fromisoformat(pst_run_date_str()) -%}
  cast('{{ (run_date + modules.datetime.timedelta(days=n | int)).isoformat() }}' as date)
{%- endmacro %}

{#- Build a date from validated year/month/day text parts. Callers check the
    parts first (pst_is_real_date): Redshift's to_date silently rolls
    2026-02-30 over to March, and PostgreSQL raises. -#}
{% macro pst_make_date(year_text, month_text, day_text) -%}
  {{ return(adapter.dispatch('pst_make_date')(year_text, month_text, day_text)) }}
{%- endmacro %}

{% macro default__pst_make_date(year_text, month_text, day_text) -%}
  cast(lpad({{ year_text }}, 4, '0') || '-' || lpad({{ month_text }}, 2, '0') || '-' || lpad({{ day_text }}, 2, '0') as date)
{%- endmacro %}

{% macro postgres__pst_make_date(year_text, month_text, day_text) -%}
  make_date(cast({{ year_text }} as integer), cast({{ month_text }} as integer), cast({{ day_text }} as integer))
{%- endmacro %}

{% macro redshift__pst_make_date(year_text, month_text, day_text) -%}
  {{ default__pst_make_date(year_text, month_text, day_text) }}
{%- endmacro %}
