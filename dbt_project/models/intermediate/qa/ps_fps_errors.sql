-- Critical schedule errors of the run (qa.md, legacy fps_qa):
--   code 00: a pool's sum(production_lines) exceeds its lines_available by more
--            than 1e-9, one row per pool and plan date (never expected: section 4
--            makes it impossible; the 1e-9 is the floor guard's rounding);
--   code 01: nothing scheduled tomorrow (D16): one row per location with
--            sum(lines_available) > 0 over its pools tomorrow, at least one
--            candidate tomorrow and sum(production_lines) = 0 tomorrow; plus one
--            row with a NULL location when the run has no rows for tomorrow at all.
-- Built from the iteration (not from the staged schedule) so that the findings
-- are written even when the staged schedule fails its audit.
-- Kept per run_date: a re-run replaces its own run_date rows only.
with candidates as (
    select manufacturing_location, line_type, fps_dt, production_lines, lines_available
    from {{ ref('ps_fps_dt_iteration') }}
    where is_candidate
),

pool_overflow as (
    select
        '00' as code,
        manufacturing_location,
        line_type,
        fps_dt,
        sum(production_lines) as production_lines,
        max(lines_available) as lines_available
    from candidates
    group by manufacturing_location, line_type, fps_dt
    having {{ pst_pool_exceeds_lines('sum(production_lines)', 'max(lines_available)') }}
),

tomorrow_staffing as (
    select manufacturing_location, sum(lines_available) as lines_available
    from {{ ref('ps_staffing_by_dt') }}
    where dt = {{ pst_date_literal(1) }}
    group by manufacturing_location
),

tomorrow_schedule as (
    select manufacturing_location, count(*) as candidate_rows, sum(production_lines) as production_lines
    from candidates
    where fps_dt = {{ pst_date_literal(1) }}
    group by manufacturing_location
),

nothing_scheduled as (
    select
        '01' as code,
        tomorrow_schedule.manufacturing_location,
        cast(null as {{ pst_text_type() }}) as line_type,
        {{ pst_date_literal(1) }} as fps_dt,
        tomorrow_schedule.production_lines,
        tomorrow_staffing.lines_available
    from tomorrow_schedule
    inner join tomorrow_staffing
        on tomorrow_staffing.manufacturing_location = tomorrow_schedule.manufacturing_location
    where tomorrow_staffing.lines_available > 0
      and tomorrow_schedule.candidate_rows > 0
      and tomorrow_schedule.production_lines = 0
),

empty_schedule as (
    select
        '01' as code,
        cast(null as {{ pst_text_type() }}) as manufacturing_location,
        cast(null as {{ pst_text_type() }}) as line_type,
        {{ pst_date_literal(1) }} as fps_dt,
        cast(null as {{ pst_qty_type() }}) as production_lines,
        cast(null as {{ pst_qty_type() }}) as lines_available
    from (select count(*) as candidate_rows from candidates where fps_dt = {{ pst_date_literal(1) }}) as tomorrow
    where tomorrow.candidate_rows = 0
),

{#- lines through the UNION at precision 19 on Redshift (pst_union_decimal) -#}
{%- set lines_columns = pst_union_decimal('production_lines', 12) ~ ' as production_lines, '
                        ~ pst_union_decimal('lines_available', 12) ~ ' as lines_available' %}
findings as (
    select code, manufacturing_location, line_type, fps_dt, {{ lines_columns }} from pool_overflow
    union all
    select code, manufacturing_location, line_type, fps_dt, {{ lines_columns }} from nothing_scheduled
    union all
    select code, manufacturing_location, line_type, fps_dt, {{ lines_columns }} from empty_schedule
)

select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    cast(code as varchar(2)) as code,
    cast(case
        when code = '00' then
            'Pool ' || manufacturing_location || ' / ' || line_type || ' on ' || cast(fps_dt as varchar(10))
            || ' is scheduled beyond its staffed lines (production_lines exceed lines_available).'
            || ' The schedule breaks the line-rounding rules: do not use it; investigate the run.'
        when manufacturing_location is not null then
            'Nothing scheduled tomorrow (' || cast(fps_dt as varchar(10)) || ') at ' || manufacturing_location
            || ': it has staffed lines and candidates, but 0 production lines. Check its items'
            || ' (changeover_lines vs staffed lines) and staffing.'
        else
            'The schedule has no rows for tomorrow (' || cast(fps_dt as varchar(10)) || ') at all.'
            || ' Check the inputs of the run (items, forecasts, inventory, staffing).'
    end as {{ pst_text_type() }}) as message,
    cast(manufacturing_location as {{ pst_text_type() }}) as manufacturing_location,
    cast(line_type as {{ pst_text_type() }}) as line_type,
    cast(fps_dt as date) as fps_dt,
    {{ pst_qty('production_lines') }} as production_lines,
    {{ pst_qty('lines_available') }} as lines_available
from findings
