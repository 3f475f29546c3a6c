{#- Generic data tests used by the scheduling models (no dbt_utils offline). -#}

{#- The columns together identify a row (the model's grain). -#}
{% test pst_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Every value of the column satisfies a SQL condition (e.g. '>= 0'). -#}
{% test pst_expression_holds(model, column_name, condition) %}
select {{ column_name }}
from {{ model }}
where not ({{ column_name }} {{ condition }})
{% endtest %}


{#- A *_history table flags exactly one snapshot (the entity is the tab) as
    selected: one when the snapshot in force on run_date has rows, none when it
    is empty or there is no snapshot at or before run_date. Fails with the
    number of selected snapshots found and expected. -#}
{% test pst_exactly_one_selected_snapshot(model, load_source) %}
with found as (
    select count(distinct _snapshot_dt) as selected_snapshots
    from {{ model }}
    where is_selected_dt
),

expected as (
    select count(*) as selected_snapshots
    from {{ source('loads', 'source_loads') }}
    where source = '{{ load_source }}'
      and row_count > 0
      and snapshot_dt = (select max(snapshot_dt) from {{ source('loads', 'source_loads') }}
                         where source = '{{ load_source }}' and snapshot_dt <= {{ pst_run_date() }})
)

select found.selected_snapshots as found, expected.selected_snapshots as expected
from found cross join expected
where found.selected_snapshots <> expected.selected_snapshots
{% endtest %}


{#- Every listed column holds a value on every row: one scan of the model for all of
    them. A not_null test per column ran the model's query once per column and was a
    Dagster check of its own: ~8.5 s of machine CPU per daily run for 121 columns (D79).
    Fails with one row per column that holds NULLs: the column and its NULL rows. -#}
{% test pst_not_null(model, columns) %}
with null_counts as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select cast('{{ column }}' as varchar(128)) as column_name, nulls_{{ loop.index }} as null_rows
from null_counts
where nulls_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{% endtest %}
