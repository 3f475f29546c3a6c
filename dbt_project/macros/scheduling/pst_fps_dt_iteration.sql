{#- The daily iteration (legacy fps_dt_iteration, scheduling.md section 4).

    pst_fps_dt_iteration_step(state_sql, inputs, plan_day) is one plan date: a
    single set-based SELECT over every item of the run (candidates or not) that
    joins the items' state entering the day (state_sql: item_id,
    manufacturing_location, projected_inventory, was_bumped) with the day's
    static inputs (ps_fps_dt_inputs), classifies, ranks each pool with window
    functions and rounds lines against the pool's capacity.

    The materialization `pst_fps_dt_iteration` runs it once per plan date inside
    one dbt invocation (a temp table per day, state read from the previous day's
    temp table). The model's own SQL, pst_fps_dt_iteration_unrolled(), chains the
    same step as one CTE per day: it is what `dbt compile` shows and what dbt
    unit tests execute (with a small horizon_days), so the unit tests exercise
    exactly the SQL the materialization runs.
-#}

{% macro pst_fps_dt_iteration_columns() -%}
  {{ return([
    'run_date', 'fps_dt', 'plan_day', 'manufacturing_location', 'line_type', 'item_id', 'is_automated',
    'units_per_line_day', 'changeover_lines', 'safety_stock_days', 'target_days_of_supply',
    'lines_available', 'forecast_units', 'window_sum', 'avg_demand',
    'projected_inventory', 'was_bumped', 'days_of_supply', 'target_units', 'need_units', 'is_candidate',
    'schedule_priority', 'schedule_class', 'rank_over_manufacturing_location_line_type',
    'required_lines', 'cum_required_lines_before', 'room_lines', 'production_lines',
    'production_goal_total', 'is_within_capacity', 'is_tomorrow_production_schedule',
  ]) }}
{%- endmacro %}

{#- State entering the first plan date: inv0, not bumped. -#}
{% macro pst_fps_initial_state(inputs) -%}
  select item_id, manufacturing_location,
         {{ pst_qty('initial_inventory') }} as projected_inventory,
         false as was_bumped
  from {{ inputs }}
  where plan_day = 1
{%- endmacro %}

{#- State entering d + 1 from the rows of d, for every item (candidates or not). -#}
{% macro pst_fps_carry_state(previous_day) -%}
  select item_id, manufacturing_location,
         {{ pst_fps_next_projected_inventory() }} as projected_inventory,
         {{ pst_fps_next_was_bumped() }} as was_bumped
  from {{ previous_day }}
{%- endmacro %}

{% macro pst_fps_dt_iteration_step(state_sql, inputs, plan_day) -%}
select
    fps.run_date,
    fps.fps_dt,
    fps.plan_day,
    fps.manufacturing_location,
    fps.line_type,
    fps.item_id,
    fps.is_automated,
    fps.units_per_line_day,
    fps.changeover_lines,
    fps.safety_stock_days,
    fps.target_days_of_supply,
    fps.lines_available,
    fps.forecast_units,
    fps.window_sum,
    fps.avg_demand,
    fps.projected_inventory,
    fps.was_bumped,
    fps.days_of_supply,
    fps.target_units,
    fps.need_units,
    fps.is_candidate,
    cast(fps.schedule_priority as integer) as schedule_priority,
    cast(fps.schedule_class as varchar(32)) as schedule_class,
    fps.rank_over_manufacturing_location_line_type,
    fps.required_lines,
    {{ pst_qty('fps.cum_required_lines_before') }} as cum_required_lines_before,
    fps.room_lines,
    {{ pst_qty('fps.production_lines') }} as production_lines,
    {{ pst_qty(pst_fps_production_goal_total()) }} as production_goal_total,
    cast({{ pst_fps_is_within_capacity() }} as integer) as is_within_capacity,
    cast(case when fps.plan_day = 1 then 1 else 0 end as integer) as is_tomorrow_production_schedule
from (
    -- line rounding: production lines within the pool's room
    select rooms.*, {{ pst_fps_production_lines() }} as production_lines
    from (
        select ranked.*, {{ pst_fps_room_lines() }} as room_lines
        from (
            -- ranking within the pool and the lines required before each candidate
            select classified.*,
                   {{ pst_automated_ranking_rank() }} as rank_over_manufacturing_location_line_type,
                   {{ pst_fps_cum_required_lines_before() }} as cum_required_lines_before
            from (
                -- schedule class and required lines
                select need.*,
                       {{ pst_fps_schedule_priority() }} as schedule_priority,
                       {{ pst_fps_schedule_class() }} as schedule_class,
                       {{ pst_fps_required_lines() }} as required_lines
                from (
                    -- manufacturing need
                    select base.*,
                           {{ pst_fps_days_of_supply() }} as days_of_supply,
                           {{ pst_fps_target_units() }} as target_units,
                           {{ pst_fps_need_units() }} as need_units,
                           {{ pst_fps_is_candidate() }} as is_candidate,
                           {{ pst_fps_is_below_safety_stock() }} as is_below_safety_stock
                    from (
                        select
                            i.run_date, i.fps_dt, i.plan_day,
                            i.manufacturing_location, i.line_type, i.item_id, i.is_automated,
                            i.units_per_line_day, i.changeover_lines, i.safety_stock_days, i.target_days_of_supply,
                            i.lines_available, i.forecast_units, i.window_sum, i.avg_demand,
                            s.projected_inventory, s.was_bumped
                        from {{ inputs }} as i
                        inner join ({{ state_sql }}) as s
                            on s.item_id = i.item_id
                           and s.manufacturing_location = i.manufacturing_location
                        where i.plan_day = {{ plan_day }}
                    ) as base
                ) as need
            ) as classified
        ) as ranked
    ) as rooms
) as fps
{%- endmacro %}

{#- The whole iteration as one SELECT (one CTE per plan date). Used as the
    model's SQL for compile/docs and dbt unit tests; never run at H = 31 (the
    materialization runs the same steps one statement per day). -#}
{% macro pst_fps_dt_iteration_unrolled(inputs, horizon_days=none) -%}
{%- set h = horizon_days if horizon_days is not none else pst_horizon_days() -%}
with
{%- for d in range(1, h + 1) %}
fps_day_{{ d }} as (
    {%- if d == 1 %}
    {{ pst_fps_dt_iteration_step(pst_fps_initial_state(inputs), inputs, d) | indent(4) }}
    {%- else %}
    {{ pst_fps_dt_iteration_step(pst_fps_carry_state('fps_day_' ~ (d - 1)), inputs, d) | indent(4) }}
    {%- endif %}
){% if not loop.last %},{% endif %}
{%- endfor %}
{%- for d in range(1, h + 1) %}
select * from fps_day_{{ d }}
{%- if not loop.last %}
union all{% endif %}
{%- endfor %}
{%- endmacro %}
