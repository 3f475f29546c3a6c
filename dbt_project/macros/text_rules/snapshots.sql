{#- scheduling.md section 1: every input is taken as it stood on run_date. -#}

{#- Rows of the latest snapshot at or before run_date (the max is per relation). -#}
{% macro pst_latest_snapshot_filter(relation, column) -%}
  {{ column }} = (select max({{ column }}) from {{ relation }} where {{ column }} <= {{ pst_run_date() }})
{%- endmacro %}

{#- Used as a pre_hook of the Sheets staging views: a run with no snapshot at
    or before its run_date fails with a message that says so (instead of
    scheduling from an empty tab). Renders no SQL. -#}
{% macro pst_require_snapshot(relation, column, tab) -%}
  {%- if execute -%}
    {%- set sql -%}
      select
        sum(case when {{ column }} <= {{ pst_run_date() }} then 1 else 0 end) as rows_as_of,
        cast(min({{ column }}) as varchar) as first_snapshot
      from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {%- if not row[0] -%}
      {{ exceptions.raise_compiler_error(
          "No snapshot of the '" ~ tab ~ "' sheet at or before run_date " ~ pst_run_date_str()
          ~ " in " ~ relation ~ " ("
          ~ ("the table is empty" if row[1] is none else "its first snapshot is " ~ row[1])
          ~ "). Load the Sheets for this run_date (or an earlier one) before building the schedule.") }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}
