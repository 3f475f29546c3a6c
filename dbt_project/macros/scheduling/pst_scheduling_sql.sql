{#- Portable SQL building blocks for the scheduling models (PostgreSQL and Redshift).

    Arithmetic policy (scheduling.md section 4 "use exact numeric arithmetic"):
    * every quantity is stored as pst_qty_type() = numeric(38,12);
    * sums, differences and the rules' products (tdos * window_sum,
      (lines - changeover) * rate, ...) are exact for inputs with up to 6
      decimals each; every product is cast back to (38,12) at once (on Redshift
      (38,12) * (38,12) is (38,24): 14 integer digits, ample for units and lines);
    * division is the only inexact operation (avg_demand, days_of_supply,
      need_units, need / rate, x / R), done by pst_div(): >= 16 significant
      digits on PostgreSQL, scale 12 on Redshift (its precision rules, below),
      then rounded to 12 decimals.
      The rules' 1e-9 guards absorb that noise. Projected inventory, lines and
      goals involve no division and are carried exactly from day to day.
      Thresholds that can be evaluated without dividing (candidate, reactive
      class, excess inventory) are evaluated exactly by cross-multiplying;
    * ceil/floor results are cast to numeric(38,0) before * R (Redshift keeps
      the quotient's scale through ceil/floor).
-#}

{% macro pst_qty_type() -%}numeric(38,12){%- endmacro %}

{% macro pst_qty(expr) -%}cast({{ expr }} as {{ pst_qty_type() }}){%- endmacro %}

{#- The first non-null of the quantities given, as pst_qty_type. Not COALESCE: on
    Redshift COALESCE (like UNION) of decimals has precision at most 19
    ("Computations with numeric values"), so coalesce(numeric(38,12), 0) could
    hold 7 integer digits and overflow at 10,000,000 units. CASE keeps each
    branch's cast; on PostgreSQL the values are the same. The outer cast gives
    the column its declared type on both engines (a CASE without ELSE has no
    typmod on PostgreSQL, and dbt's unit tests cast the expected rows to it). -#}
{% macro pst_coalesce_qty() -%}
  {%- set branches -%}
  case {%- for expr in varargs %} when {{ expr }} is not null then {{ pst_qty(expr) }}{%- endfor %} end
  {%- endset -%}
  {{ pst_qty(branches) }}
{%- endmacro %}

{#- A whole number (the result of ceil/floor) as numeric(38,0). -#}
{% macro pst_whole(expr) -%}cast({{ expr }} as numeric(38,0)){%- endmacro %}

{#- Tolerances of scheduling.md section 4, as exact numeric literals (a bare 1e-9
    would be a float on Redshift). -#}
{% macro pst_eps_need() -%}cast(0.000001 as {{ pst_qty_type() }}){%- endmacro %}
{% macro pst_eps_step() -%}cast(0.000000001 as {{ pst_qty_type() }}){%- endmacro %}

{#- R as an exact numeric literal. -#}
{% macro pst_r() -%}cast({{ pst_line_rounding_increment() }} as {{ pst_qty_type() }}){%- endmacro %}

{#- numerator / denominator, exact to well beyond the 1e-9 guards. -#}
{% macro pst_div(numerator, denominator) -%}
  {{ return(adapter.dispatch('pst_div')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__pst_div(numerator, denominator) -%}
  {#- Redshift ("Computations with numeric values"): p1,s1 / p2,s2 has scale
      max(4, s1 + p2 - s2 + 1) and precision p1 - s1 + s2 + scale; above 38 the
      scale is cut to 38 minus the integer digits (p1 - s1 + s2), never below 4.
      (38,12) / (20,10) would be 59 digits, cut to numeric(38,4): 4 decimals.
      (28,12) / (22,10): 16 + 10 = 26 integer digits, scale min(25, 38 - 26) = 12,
      i.e. numeric(38,12). Numerators up to 10^16 units, denominators up to 10^12
      with 10 decimals (the inputs' scale, pst_numeric_type): ample. -#}
  (cast({{ numerator }} as numeric(28,12)) / cast({{ denominator }} as numeric(22,10)))
{%- endmacro %}

{#- dbt-redshift dispatches redshift__, then postgres__, then default__: every
    postgres__ macro here has a redshift__ sibling. -#}
{% macro redshift__pst_div(numerator, denominator) -%}
  {{ default__pst_div(numerator, denominator) }}
{%- endmacro %}

{% macro postgres__pst_div(numerator, denominator) -%}
  {#- PostgreSQL numeric division keeps >= 16 significant digits (20 for 1/7). -#}
  (cast({{ numerator }} as numeric) / cast({{ denominator }} as numeric))
{%- endmacro %}

{#- item_id ascending "in byte order" (scheduling.md section 4): PostgreSQL needs
    COLLATE "C"; Redshift compares bytes already. -#}
{% macro pst_byte_order(expr) -%}
  {{ return(adapter.dispatch('pst_byte_order')(expr)) }}
{%- endmacro %}

{% macro default__pst_byte_order(expr) -%}{{ expr }}{%- endmacro %}

{% macro postgres__pst_byte_order(expr) -%}{{ expr }} collate "C"{%- endmacro %}

{% macro redshift__pst_byte_order(expr) -%}{{ expr }}{%- endmacro %}

{#- Dates of the run, computed at compile time from the run_date (a constant of
    the invocation), so the SQL carries plain date literals on every dialect. -#}
{% macro pst_date_literal(offset_days=0) -%}
  {%- set d = modules.datetime.date.fromisoformat(pst_run_date_str()) + modules.datetime.timedelta(days=offset_days) -%}
  cast('{{ d.isoformat() }}' as date)
{%- endmacro %}

{#- A derived table of the days run_date + 1 ... run_date + n_days:
    plan_day (1-based), dt, iso_dow (1 = Monday). -#}
{% macro pst_run_days(n_days) -%}
  {%- set run_date = modules.datetime.date.fromisoformat(pst_run_date_str()) -%}
  {%- for k in range(1, n_days + 1) -%}
    {%- set d = run_date + modules.datetime.timedelta(days=k) %}
    select {{ k }} as plan_day, cast('{{ d.isoformat() }}' as date) as dt, {{ d.isoweekday() }} as iso_dow
    {%- if not loop.last %} union all{% endif %}
  {%- endfor %}
{%- endmacro %}

{#- Incremental QA/fact tables: a run replaces its own run_date rows, also when it
    produces no rows at all (dbt's delete+insert alone only deletes the keys it
    inserts). Used as a pre_hook; inside the model's transaction. -#}
{% macro pst_delete_current_run_date() -%}
  {%- if is_incremental() -%}
    delete from {{ this }} where run_date = {{ pst_run_date() }}
  {%- endif -%}
{%- endmacro %}

{#- PostgreSQL only: more sort/hash memory for one model's transaction (the
    default 4MB spills the 2M-row forecast aggregation to disk). A pre_hook;
    nothing on Redshift (WLM manages memory). -#}
{% macro pst_work_mem(size='256MB') -%}
  {{ return(adapter.dispatch('pst_work_mem')(size)) }}
{%- endmacro %}

{% macro default__pst_work_mem(size) -%}{%- endmacro %}

{% macro postgres__pst_work_mem(size) -%}set local work_mem = '{{ size }}'{%- endmacro %}

{% macro redshift__pst_work_mem(size) -%}{%- endmacro %}

{#- One text key from several columns (portable: || with explicit casts). -#}
{% macro pst_concat_keys(columns) -%}
  {%- for c in columns -%}
    coalesce(cast({{ c }} as varchar(65535)), '') {{- " || '|' || " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}

{#- One schedule class of the iteration's candidates per plan date (the legacy
    stage tables ps_fps_automated_reschedule, ps_fps_automated,
    ps_fps_non_automated_reactive, ps_fps_non_automated_proactive): the same
    columns, another class. The classes and their rules are pst_fps_rules.sql. -#}
{% macro pst_schedule_class_slice(schedule_class) -%}
select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    is_automated,
    was_bumped,
    schedule_priority,
    schedule_class,
    projected_inventory,
    forecast_units,
    avg_demand,
    days_of_supply,
    safety_stock_days,
    need_units
from {{ ref('ps_fps_dt_iteration') }}
where is_candidate
  and schedule_class = '{{ schedule_class }}'
{%- endmacro %}

{#- The publish's own guard (a post_hook, inside the publish's transaction, D64): the
    published rows of this run_date must be the stage's rows of this run_date, and
    there must be some. Otherwise the statement fails and the transaction rolls back,
    so the pre-hook's delete never commits and the published rows stay as they were.
    SQL has no portable RAISE: casting the verdict to an integer fails with the
    verdict's text in the error (both PostgreSQL and Redshift run it). -#}
{% macro pst_refuse_unstaged_publish(stage) -%}
select cast(verdict as integer) as refused
from (
    select case
        when staged.n_rows = 0 then
            'publish refused: the stage {{ stage.schema }}.{{ stage.identifier }} holds no row for run_date '
            || '{{ pst_run_date_str() }}' || ' (its build failed or never ran)'
        when published.n_rows <> staged.n_rows then
            'publish refused: ' || cast(published.n_rows as varchar(20)) || ' rows written for run_date '
            || '{{ pst_run_date_str() }}' || ', ' || cast(staged.n_rows as varchar(20)) || ' staged'
        else '0'
    end as verdict
    from (select count(*) as n_rows from {{ this }} where run_date = {{ pst_run_date() }}) published
    cross join (select count(*) as n_rows from {{ stage }} where run_date = {{ pst_run_date() }}) staged
) publish_guard
{%- endmacro %}
