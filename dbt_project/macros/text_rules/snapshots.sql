{#- scheduling.md section 1: every input is taken as it stood on run_date.

    The snapshot in force is read from raw.source_loads, the loaders' log of
    every snapshot they landed (one row per source and snapshot_dt), not from
    the rows themselves: a tab or a pull with no rows is still a snapshot (an
    empty staffing tab must not bring back an older one). -#}

{#- Rows of the latest snapshot at or before run_date of this raw table. -#}
{#- load_source names the raw table in the log (e.g. 'sheets_items'); it is
    passed explicitly because in dbt unit tests the relation is a fixture. -#}
{% macro pst_latest_snapshot_filter(column, load_source) -%}
  {{ column }} = (
      select max(snapshot_dt) from {{ source('loads', 'source_loads') }}
      where source = '{{ load_source }}' and snapshot_dt <= {{ pst_run_date() }})
{%- endmacro %}

{#- Used as a pre_hook of the Sheets staging views: a run with no snapshot at
    or before its run_date fails with a message that says so (instead of
    scheduling from an empty tab). Renders no SQL. -#}
{% macro pst_require_snapshot(load_source, tab) -%}
  {%- if execute -%}
    {%- set sql -%}
      select
        sum(case when snapshot_dt <= {{ pst_run_date() }} then 1 else 0 end) as loads_as_of,
        cast(min(snapshot_dt) as varchar) as first_snapshot
      from {{ source('loads', 'source_loads') }}
      where source = '{{ load_source }}'
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {%- if not row[0] -%}
      {{ exceptions.raise_compiler_error(
          "No snapshot of the '" ~ tab ~ "' sheet at or before run_date " ~ pst_run_date_str()
          ~ " (raw." ~ load_source ~ ": "
          ~ ("it was never loaded" if row[1] is none else "its first snapshot is " ~ row[1])
          ~ "). Land the sources for this run_date first: `make land RUN_DATE=" ~ pst_run_date_str()
          ~ "` (or `make run RUN_DATE=" ~ pst_run_date_str() ~ "`, which also builds and publishes"
          ~ " the schedule).") }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- The *_history views (sources.md "A load keeps history"): every landed row
    of every snapshot of a tab, as text, flagged is_selected_dt when its
    snapshot is the one in force on run_date (the same rule the staging views
    select with). -#}
{% macro pst_sheet_history(source_relation, load_source) -%}
select
    history.*,
    coalesce({{ pst_latest_snapshot_filter('history._snapshot_dt', load_source) }}, false) as is_selected_dt
from {{ source_relation }} as history
{%- endmacro %}
