{#- The parallel run's comparison with the legacy schedule (models/parallel_run/).

    The key of a schedule row (scheduling.md section 5) and the columns compared:
    numbers within 0.01 absolute or 1e-6 relative (scheduling.md: "row for row,
    numbers within 0.01 absolute or 1e-6 relative"), classes, ranks and flags exactly. -#}

{% macro pst_parallel_run_keys() -%}
  {{ return(['run_date', 'fps_dt', 'manufacturing_location', 'line_type', 'item_id']) }}
{%- endmacro %}

{% macro pst_parallel_run_columns() -%}
  {{ return([
    ('is_automated', 'exact'), ('schedule_class', 'exact'),
    ('rank_over_manufacturing_location_line_type', 'exact'),
    ('projected_inventory', 'number'), ('forecast_units', 'number'), ('avg_demand', 'number'),
    ('days_of_supply', 'number'), ('need_units', 'number'), ('changeover_lines', 'number'),
    ('required_lines', 'number'), ('production_lines', 'number'), ('lines_available', 'number'),
    ('production_goal_total', 'number'), ('is_within_capacity', 'exact'),
    ('is_tomorrow_production_schedule', 'exact'),
  ]) }}
{%- endmacro %}

{#- 1 when the legacy and the platform value agree, else 0 (null only equals null). -#}
{% macro pst_parallel_run_agree(legacy, platform, kind) -%}
  case
    when {{ legacy }} is null and {{ platform }} is null then 1
    when {{ legacy }} is null or {{ platform }} is null then 0
    {%- if kind == 'number' %}
    when abs({{ legacy }} - {{ platform }}) <= cast(0.01 as numeric(38,12)) then 1
    when abs({{ legacy }} - {{ platform }})
         <= cast(0.000001 as numeric(38,12)) * greatest(abs({{ legacy }}), abs({{ platform }})) then 1
    {%- else %}
    when {{ legacy }} = {{ platform }} then 1
    {%- endif %}
    else 0
  end
{%- endmacro %}

{#- Whether a relation exists when the model runs (the legacy schedule may not exist
    yet: then nothing is compared). At parse/compile time: assume it does. -#}
{% macro pst_relation_exists(relation) -%}
  {%- if not execute -%}{{ return(true) }}{%- endif -%}
  {{ return(load_relation(relation) is not none) }}
{%- endmacro %}

{#- One QA table's rows of the run_date by code (production_capacity_alerting: ''). -#}
{% macro pst_parallel_run_qa_counts(name, has_code, relation) -%}
    select cast('{{ name }}' as varchar(64)) as qa_table,
           {{ "cast(code as varchar(8))" if has_code else "cast('' as varchar(8))" }} as code,
           cast(count(*) as integer) as findings
    from {{ relation }}
    where run_date = {{ pst_run_date() }}
    group by {{ "cast(code as varchar(8))" if has_code else "1" }}
{%- endmacro %}
