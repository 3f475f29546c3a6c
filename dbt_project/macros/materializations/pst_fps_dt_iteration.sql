{#- Materialization of the daily iteration (scheduling.md section 4).

    Within ONE dbt invocation and one transaction, for d = 1 .. H in order:
      need temp table <- pst_fps_need_step(state entering d, inputs of d)
                         (d = 1: inv0, not bumped; d > 1: the next_* columns of
                         the day table of d - 1)
      day temp table  <- pst_fps_schedule_step(need table): classes, window
                         functions ranking and accumulating each pool, line
                         rounding, and the state carried to d + 1
    then the model's table <- the H day tables (created from day 1, days 2..H
    appended; then renamed like dbt's table materialization, so readers never
    see a partial table).
    No recursive CTE (Redshift limits), no procedural SQL: plain CREATE TEMP
    TABLE ... AS SELECT, portable to PostgreSQL and Redshift. The model's own
    compiled SQL (the unrolled chain) is not executed here; it is the same steps
    chained as CTEs, for unit tests and documentation.

    Inputs: the model ps_fps_dt_inputs (one row per item and plan date, plan_day
    1..H, with initial_inventory); meta.pst_inputs_model may name another.
-#}

{% macro pst_create_temp_table_as(name, sql) -%}
  {{ return(adapter.dispatch('pst_create_temp_table_as')(name, sql)) }}
{%- endmacro %}

{% macro default__pst_create_temp_table_as(name, sql) -%}
  create temporary table {{ name }} as
  {{ sql }}
{%- endmacro %}

{% macro redshift__pst_create_temp_table_as(name, sql) -%}
  create temporary table {{ name }} diststyle key distkey (item_id) as
  {{ sql }}
{%- endmacro %}

{#- Planner statistics on the join keys of the next date's need step: PostgreSQL
    never auto-analyzes temp tables, and without them it sorts both sides of a
    merge join on text keys (~0.2 s a day at scale 100); the two-column ANALYZE
    costs ~0.04 s. Redshift: not needed (hash join on the distribution key). -#}
{% macro pst_analyze_temp_table(name) -%}
  {{ return(adapter.dispatch('pst_analyze_temp_table')(name)) }}
{%- endmacro %}

{% macro default__pst_analyze_temp_table(name) -%}{%- endmacro %}

{% macro postgres__pst_analyze_temp_table(name) -%}analyze {{ name }} (item_id, manufacturing_location){%- endmacro %}

{#- (dbt-redshift would otherwise fall back to the postgres__ macro) -#}
{% macro redshift__pst_analyze_temp_table(name) -%}{%- endmacro %}

{% materialization pst_fps_dt_iteration, default %}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {%- set grant_config = config.get('grants') -%}

  {%- set inputs = ref((model.config.meta or {}).get('pst_inputs_model', 'ps_fps_dt_inputs')) -%}
  {%- set horizon = pst_horizon_days() -%}
  {%- if horizon < 1 -%}
    {{ exceptions.raise_compiler_error('horizon_days must be at least 1 (got ' ~ horizon ~ ')') }}
  {%- endif -%}
  {%- set columns = pst_fps_dt_iteration_columns() | join(', ') -%}
  {#- session-local temp tables; the suffix keeps them apart from any earlier
      model's temp tables on a reused connection -#}
  {%- set suffix = modules.datetime.datetime.utcnow().strftime('%H%M%S%f') -%}
  {%- set need_tables = [] -%}
  {%- set day_tables = [] -%}
  {%- for d in range(1, horizon + 1) -%}
    {%- do need_tables.append('pst_fps_need_' ~ suffix ~ '_' ~ d) -%}
    {%- do day_tables.append('pst_fps_day_' ~ suffix ~ '_' ~ d) -%}
  {%- endfor -%}

  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- 1..H in order: two set-based statements per plan date -#}
  {%- for d in range(1, horizon + 1) -%}
    {%- if d == 1 -%}
      {%- set state_sql = pst_fps_initial_state(inputs) -%}
    {%- else -%}
      {%- set state_sql = pst_fps_carry_state(day_tables[d - 2]) -%}
    {%- endif -%}
    {% call statement('pst_fps_need_' ~ d) -%}
      {{ pst_create_temp_table_as(need_tables[d - 1], pst_fps_need_step(state_sql, inputs, d)) }}
    {%- endcall %}
    {% call statement('pst_fps_day_' ~ d) -%}
      {{ pst_create_temp_table_as(day_tables[d - 1], pst_fps_schedule_step(need_tables[d - 1])) }}
    {%- endcall %}
    {%- set analyze_sql = pst_analyze_temp_table(day_tables[d - 1]) -%}
    {%- if analyze_sql | trim -%}
      {% call statement('pst_fps_analyze_' ~ d) -%}{{ analyze_sql }}{%- endcall %}
    {%- endif -%}
    {% call statement('pst_fps_drop_need_' ~ d) -%}drop table {{ need_tables[d - 1] }}{%- endcall %}
  {%- endfor -%}

  {#- the model's table: created from the first day, the other days appended
      (not a UNION ALL of the day tables: Redshift caps a UNION of decimals at
      precision 19, which would leave numeric(38,12) quantities 7 integer digits) -#}
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, 'select ' ~ columns ~ ' from ' ~ day_tables[0]) }}
  {%- endcall %}
  {%- for t in day_tables[1:] %}
    {% call statement('pst_fps_append_' ~ (loop.index + 1)) -%}
      insert into {{ intermediate_relation }} ({{ columns }}) select {{ columns }} from {{ t }}
    {%- endcall %}
  {%- endfor %}

  {%- for t in day_tables -%}
    {% call statement('pst_fps_drop_' ~ loop.index) -%}drop table {{ t }}{%- endcall %}
  {%- endfor -%}

  {% do create_indexes(intermediate_relation) %}

  {% if existing_relation is not none %}
    {% set existing_relation = load_cached_relation(existing_relation) %}
    {% if existing_relation is not none %}
      {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
  {% endif %}

  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
