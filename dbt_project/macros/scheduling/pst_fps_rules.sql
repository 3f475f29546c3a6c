{#- The legacy scheduling rules (scheduling.md section 4), one macro per rule.
    Each macro returns a SQL expression over the columns of the previous layer of
    pst_fps_need_step() / pst_fps_schedule_step() (pst_fps_dt_iteration.sql); the
    iteration's materialization and its unit tests run these same expressions. -#}

{#- manufacturing need ------------------------------------------------------ -#}

{#- W * need_units, exactly: tdos * window_sum + W * (forecast(d) - inv). -#}
{% macro pst_fps_need_numerator(inv='projected_inventory') -%}
  ({{ pst_qty('target_days_of_supply * window_sum') }} + {{ pst_demand_window_days() }} * (forecast_units - {{ inv }}))
{%- endmacro %}

{#- days_of_supply = W * inv / window_sum (NULL when window_sum = 0). -#}
{% macro pst_fps_days_of_supply(inv='projected_inventory') -%}
  case when window_sum = 0 then null
       else {{ pst_qty(pst_div(pst_demand_window_days() ~ ' * ' ~ inv, 'window_sum')) }} end
{%- endmacro %}

{#- target_units = target_days_of_supply * avg_demand = tdos * window_sum / W. -#}
{% macro pst_fps_target_units() -%}
  {{ pst_qty(pst_div(pst_qty('target_days_of_supply * window_sum'), pst_demand_window_days())) }}
{%- endmacro %}

{#- need_units = max(0, target_units + forecast(d) - inv). -#}
{% macro pst_fps_need_units(inv='projected_inventory') -%}
  {{ pst_qty('greatest(0, ' ~ pst_div(pst_fps_need_numerator(inv), pst_demand_window_days()) ~ ')') }}
{%- endmacro %}

{#- candidate: need_units > 1e-6, evaluated exactly as W * need > W * 1e-6. -#}
{% macro pst_fps_is_candidate(inv='projected_inventory') -%}
  ({{ pst_fps_need_numerator(inv) }} > {{ pst_demand_window_days() }} * {{ pst_eps_need() }})
{%- endmacro %}

{#- days_of_supply < safety_stock_days - 1e-9 (D14), evaluated exactly as
    W * inv < (safety_stock_days - 1e-9) * window_sum; window_sum > 0 for every
    candidate (need > 0 needs forecast demand, inventory is never negative). -#}
{% macro pst_fps_is_below_safety_stock(inv='projected_inventory') -%}
  (window_sum > 0 and {{ pst_demand_window_days() }} * {{ inv }} < {{ pst_qty('(safety_stock_days - ' ~ pst_eps_step() ~ ') * window_sum') }})
{%- endmacro %}

{#- schedule classes, in priority order ---------------------------------------- -#}

{% macro pst_fps_automated_reschedule_condition() -%}(is_automated and was_bumped){%- endmacro %}
{% macro pst_fps_automated_condition() -%}(is_automated and not was_bumped){%- endmacro %}
{% macro pst_fps_non_automated_reactive_condition() -%}(not is_automated and is_below_safety_stock){%- endmacro %}
{% macro pst_fps_non_automated_proactive_condition() -%}(not is_automated and not is_below_safety_stock){%- endmacro %}

{% macro pst_fps_schedule_classes() -%}
  {{ return([
      {'priority': 0, 'class': 'automated_reschedule', 'condition': pst_fps_automated_reschedule_condition()},
      {'priority': 1, 'class': 'automated', 'condition': pst_fps_automated_condition()},
      {'priority': 2, 'class': 'non_automated_reactive', 'condition': pst_fps_non_automated_reactive_condition()},
      {'priority': 3, 'class': 'non_automated_proactive', 'condition': pst_fps_non_automated_proactive_condition()},
  ]) }}
{%- endmacro %}

{#- The class macros below apply to candidates only. -#}
{% macro pst_fps_schedule_priority() -%}
  case
  {%- for c in pst_fps_schedule_classes() %}
       when {{ c.condition }} then {{ c.priority }}
  {%- endfor %}
  end
{%- endmacro %}

{% macro pst_fps_schedule_class() -%}
  case
  {%- for c in pst_fps_schedule_classes() %}
       when {{ c.condition }} then '{{ c.class }}'
  {%- endfor %}
  end
{%- endmacro %}

{#- ranking of the candidates: row number in the pool (the day's rows of one
    manufacturing_location and line_type) by priority, round(days_of_supply, 6)
    (half away from zero, D15), item_id in byte order --------------------------- -#}

{% macro pst_automated_ranking_window() -%}
  partition by manufacturing_location, line_type
  order by schedule_priority, round(days_of_supply, 6) nulls last, {{ pst_byte_order('item_id') }}
{%- endmacro %}

{% macro pst_automated_ranking_rank() -%}
  cast(row_number() over ({{ pst_automated_ranking_window() }}) as integer)
{%- endmacro %}

{#- line rounding and capacity ------------------------------------------------ -#}

{#- required_lines = ceil((need_units / rate + changeover_lines) / R - 1e-9) * R
    (the whole number of increments is cast to scale 0 before multiplying by R:
    Redshift keeps the quotient's scale through ceil, and scale 23 + 12 would
    leave 3 integer digits) -#}
{% macro pst_fps_required_lines() -%}
  {{ pst_qty(pst_whole('ceil(' ~ pst_div(pst_qty(pst_div('need_units', 'units_per_line_day')) ~ ' + changeover_lines', pst_r()) ~ ' - ' ~ pst_eps_step() ~ ')') ~ ' * ' ~ pst_r()) }}
{%- endmacro %}

{#- cum_before = sum of required_lines of the candidates ranked before it -#}
{% macro pst_fps_cum_required_lines_before() -%}
  {{ pst_coalesce_qty('sum(required_lines) over (' ~ pst_automated_ranking_window() ~ ' rows between unbounded preceding and 1 preceding)', '0') }}
{%- endmacro %}

{#- room = floor(max(0, L - cum_before) / R + 1e-9) * R -#}
{% macro pst_fps_room_lines() -%}
  {{ pst_qty(pst_whole('floor(' ~ pst_div('greatest(0, lines_available - cum_required_lines_before)', pst_r()) ~ ' + ' ~ pst_eps_step() ~ ')') ~ ' * ' ~ pst_r()) }}
{%- endmacro %}

{#- production_lines = min(required_lines, room), 0 when <= changeover_lines + 1e-9 -#}
{% macro pst_fps_production_lines() -%}
  case when least(required_lines, room_lines) <= changeover_lines + {{ pst_eps_step() }} then 0
       else least(required_lines, room_lines) end
{%- endmacro %}

{#- production_goal_total = (production_lines - changeover_lines) * rate, 0 when no lines -#}
{% macro pst_fps_production_goal_total() -%}
  case when production_lines = 0 then 0
       else {{ pst_qty('(production_lines - changeover_lines) * units_per_line_day') }} end
{%- endmacro %}

{% macro pst_fps_is_within_capacity() -%}
  case when not is_candidate then null when production_lines = required_lines then 1 else 0 end
{%- endmacro %}

{#- carry to the next day --------------------------------------------------------- -#}

{% macro pst_fps_next_projected_inventory() -%}
  {{ pst_qty('greatest(0, projected_inventory + production_goal_total - forecast_units)') }}
{%- endmacro %}

{% macro pst_fps_next_was_bumped() -%}
  (is_automated and is_candidate and coalesce(is_within_capacity, 1) = 0)
{%- endmacro %}

{#- post-run rule 1 (scheduling.md section 6) / qa.md code 00 --------------------- -#}

{#- A pool is over its lines when sum(production_lines) > lines_available + 1e-9:
    the floor guard of section 4 can round a room up by less than 1e-9
    (lines_available = 1.49999999975 gives a room of 1.5), which is no violation. -#}
{% macro pst_pool_exceeds_lines(production_lines_sum, lines_available) -%}
  ({{ production_lines_sum }} > {{ lines_available }} + {{ pst_eps_step() }})
{%- endmacro %}
