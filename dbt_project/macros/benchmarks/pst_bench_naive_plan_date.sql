{#- Benchmark baseline only (benchmarks/scheduling.py): the naive port of the
    legacy fps_dt_iteration, ONE dbt invocation per plan date:

        dbt run-operation pst_bench_naive_plan_date --args '{plan_day: d}'

    It runs the very step macros of the ps_fps_dt_iteration materialization for
    one plan date and keeps the day in a regular table (bench.naive_day_<d>),
    so its output can be compared with the real model. Not used by any model. -#}
{% macro pst_bench_naive_plan_date(plan_day) %}
  {%- set inputs = ref('ps_fps_dt_inputs') -%}
  {%- set day_table = 'bench.naive_day_' ~ plan_day -%}
  {%- set need_table = 'bench.naive_need_' ~ plan_day -%}
  {%- if plan_day | int == 1 -%}
    {%- set state_sql = pst_fps_initial_state(inputs) -%}
  {%- else -%}
    {%- set state_sql = pst_fps_carry_state('bench.naive_day_' ~ (plan_day | int - 1)) -%}
  {%- endif -%}
  {% do run_query('create schema if not exists bench') %}
  {% do run_query('drop table if exists ' ~ day_table) %}
  {% do run_query('drop table if exists ' ~ need_table) %}
  {% do run_query('create table ' ~ need_table ~ ' as ' ~ pst_fps_need_step(state_sql, inputs, plan_day | int)) %}
  {% do run_query('create table ' ~ day_table ~ ' as ' ~ pst_fps_schedule_step(need_table)) %}
  {% do run_query('drop table ' ~ need_table) %}
{% endmacro %}
