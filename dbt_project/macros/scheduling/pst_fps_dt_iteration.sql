{#- The daily iteration (legacy fps_dt_iteration, scheduling.md section 4).

    One plan date d is two set-based SELECTs over every item of the run
    (candidates or not):
      pst_fps_need_step(state_sql, inputs, d)
          the items' state entering d (state_sql: item_id, manufacturing_location,
          projected_inventory, was_bumped) joined with the day's static inputs
          (ps_fps_dt_inputs): days_of_supply, target_units, need_units, candidate;
      pst_fps_schedule_step(need_relation)
          schedule class, required lines, rank in the pool (window functions over
          the candidates), line rounding against the pool's room, and the state
          carried to d + 1 (next_projected_inventory, next_was_bumped).
    Splitting the day in two keeps every expression evaluated once per row (a
    planner inlines nested subqueries and would re-evaluate them per reference).

    The materialization `pst_fps_dt_iteration` runs them once per plan date in
    one dbt invocation (temp tables; the state of d + 1 is read from the day
    table of d). The model's own SQL, pst_fps_dt_iteration_unrolled(), chains
    the same two steps as CTEs per day: it is what `dbt compile` shows and what
    dbt unit tests execute (with a small horizon_days), so the unit tests run
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
    'next_projected_inventory', 'next_was_bumped',
  ]) }}
{%- endmacro %}

{#- Columns of the need step, passed through by the schedule step. -#}
{% macro pst_fps_need_columns() -%}
  {{ return([
    'run_date', 'fps_dt', 'plan_day', 'manufacturing_location', 'line_type', 'item_id', 'is_automated',
    'units_per_line_day', 'changeover_lines', 'safety_stock_days', 'target_days_of_supply',
    'lines_available', 'forecast_units', 'window_sum', 'avg_demand',
    'projected_inventory', 'was_bumped', 'days_of_supply', 'target_units', 'need_units', 'is_candidate',
    'is_below_safety_stock',
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

{#- State entering d + 1, carried by the schedule step of d for every item. -#}
{% macro pst_fps_carry_state(previous_day) -%}
  select item_id, manufacturing_location,
         next_projected_inventory as projected_inventory,
         next_was_bumped as was_bumped
  from {{ previous_day }}
{%- endmacro %}

{#- Step 1 of a plan date: the manufacturing need of every item. -#}
{% macro pst_fps_need_step(state_sql, inputs, plan_day) -%}
select
    base.run_date,
    base.fps_dt,
    base.plan_day,
    base.manufacturing_location,
    base.line_type,
    base.item_id,
    base.is_automated,
    {{ pst_qty('base.units_per_line_day') }} as units_per_line_day,
    {{ pst_qty('base.changeover_lines') }} as changeover_lines,
    {{ pst_qty('base.safety_stock_days') }} as safety_stock_days,
    {{ pst_qty('base.target_days_of_supply') }} as target_days_of_supply,
    {{ pst_qty('base.lines_available') }} as lines_available,
    {{ pst_qty('base.forecast_units') }} as forecast_units,
    {{ pst_qty('base.window_sum') }} as window_sum,
    {{ pst_qty('base.avg_demand') }} as avg_demand,
    {{ pst_qty('base.projected_inventory') }} as projected_inventory,
    base.was_bumped,
    {{ pst_qty(pst_fps_days_of_supply()) }} as days_of_supply,
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
{%- endmacro %}

{#- Step 2 of a plan date: classes, ranking and line rounding of the candidates
    (window functions over the candidates only), and the state carried to the
    next date for every item. -#}
{% macro pst_fps_schedule_step(need_relation) -%}
{%- set need_columns = pst_fps_need_columns() -%}
select
    scheduled.*,
    -- carry to the next plan date, for every item (candidates or not)
    {{ pst_fps_next_projected_inventory() }} as next_projected_inventory,
    {{ pst_fps_next_was_bumped() }} as next_was_bumped
from (
select
    {%- for c in need_columns %}
    fps.{{ c }},
    {%- endfor %}
    cast(fps.schedule_priority as integer) as schedule_priority,
    cast(fps.schedule_class as varchar(32)) as schedule_class,
    cast(fps.rank_over_manufacturing_location_line_type as integer) as rank_over_manufacturing_location_line_type,
    {{ pst_qty('fps.required_lines') }} as required_lines,
    {{ pst_qty('fps.cum_required_lines_before') }} as cum_required_lines_before,
    {{ pst_qty('fps.room_lines') }} as room_lines,
    {{ pst_qty('fps.production_lines') }} as production_lines,
    {{ pst_qty(pst_fps_production_goal_total()) }} as production_goal_total,
    cast({{ pst_fps_is_within_capacity() }} as integer) as is_within_capacity,
    cast(case when fps.plan_day = 1 then 1 else 0 end as integer) as is_tomorrow_production_schedule
from (
    -- every item of the day; the candidates' class, rank and lines joined to it
    -- (a join, not a UNION of candidates and the rest: Redshift caps a UNION of
    -- decimals at precision 19, 7 integer digits for numeric(38,12) quantities)
    select
        {%- for c in need_columns %}
        need.{{ c }},
        {%- endfor %}
        scheduled_candidates.schedule_priority,
        scheduled_candidates.schedule_class,
        scheduled_candidates.rank_over_manufacturing_location_line_type,
        scheduled_candidates.required_lines,
        scheduled_candidates.cum_required_lines_before,
        scheduled_candidates.room_lines,
        -- not candidates: no class, no rank, no lines
        case when need.is_candidate then scheduled_candidates.production_lines
             else cast(0 as {{ pst_qty_type() }}) end as production_lines
    from {{ need_relation }} as need
    left join (
        -- candidates: line rounding within the pool's room
        select
            rooms.item_id,
            rooms.manufacturing_location,
            rooms.schedule_priority,
            rooms.schedule_class,
            rooms.rank_over_manufacturing_location_line_type,
            rooms.required_lines,
            rooms.cum_required_lines_before,
            rooms.room_lines,
            {{ pst_qty(pst_fps_production_lines()) }} as production_lines
        from (
            select ranked.*, {{ pst_fps_room_lines() }} as room_lines
            from (
                -- ranking within the pool and the lines required before each candidate
                select classified.*,
                       {{ pst_automated_ranking_rank() }} as rank_over_manufacturing_location_line_type,
                       {{ pst_fps_cum_required_lines_before() }} as cum_required_lines_before
                from (
                    -- schedule class and required lines
                    select candidate.*,
                           {{ pst_fps_schedule_priority() }} as schedule_priority,
                           {{ pst_fps_schedule_class() }} as schedule_class,
                           {{ pst_fps_required_lines() }} as required_lines
                    from {{ need_relation }} as candidate
                    where candidate.is_candidate
                ) as classified
            ) as ranked
        ) as rooms
    ) as scheduled_candidates
        on scheduled_candidates.item_id = need.item_id
       and scheduled_candidates.manufacturing_location = need.manufacturing_location
) as fps
) as scheduled
{%- endmacro %}

{#- The whole iteration as one SELECT (two CTEs per plan date). Used as the
    model's SQL for compile/docs and dbt unit tests; never run at H = 31 (the
    materialization runs the same steps, one statement each). -#}
{% macro pst_fps_dt_iteration_unrolled(inputs, horizon_days=none) -%}
{%- set h = horizon_days if horizon_days is not none else pst_horizon_days() -%}
{%- set columns = pst_fps_dt_iteration_columns() | join(', ') -%}
with
{%- for d in range(1, h + 1) %}
fps_need_{{ d }} as (
    {%- if d == 1 %}
    {{ pst_fps_need_step(pst_fps_initial_state(inputs), inputs, d) | indent(4) }}
    {%- else %}
    {{ pst_fps_need_step(pst_fps_carry_state('fps_day_' ~ (d - 1)), inputs, d) | indent(4) }}
    {%- endif %}
),
fps_day_{{ d }} as (
    {{ pst_fps_schedule_step('fps_need_' ~ d) | indent(4) }}
){% if not loop.last %},{% endif %}
{%- endfor %}
{%- for d in range(1, h + 1) %}
select {{ columns }} from fps_day_{{ d }}
{%- if not loop.last %}
union all{% endif %}
{%- endfor %}
{%- endmacro %}
