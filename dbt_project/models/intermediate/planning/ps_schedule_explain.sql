-- Why each item was (or was not) scheduled: one row per active item and plan date of
-- the run (candidates or not), read from the iteration's own columns (no second
-- implementation of the rules), with a reason code and a sentence a planner reads.
--   not_candidate             need_units <= 1e-6
--   no_lines_available        a candidate in a pool with 0 lines that day
--   scheduled_in_full         production_lines = required_lines (is_within_capacity = 1)
--   partially_scheduled       0 < production_lines < required_lines
--   not_scheduled_no_room     no room left after the candidates ranked before it
--   not_scheduled_changeover  room left, but min(required, room) is not more than the changeover
-- The candidates ranked before it that asked the pool's lines are named (the first
-- five, then "and N more"). Kept per run_date (the planning/ folder's configuration).
{{ config(sort=['fps_dt', 'manufacturing_location', 'line_type'], dist='item_id') }}

{%- set named = 5 %}

with iteration as (
    select *
    from {{ ref('ps_fps_dt_iteration') }}
    where run_date = {{ pst_run_date() }}
),

classified as (
    select
        iteration.*,
        case
            when not is_candidate then 'not_candidate'
            when lines_available <= 0 then 'no_lines_available'
            when is_within_capacity = 1 then 'scheduled_in_full'
            when production_lines > 0 then 'partially_scheduled'
            when room_lines <= 0 then 'not_scheduled_no_room'
            else 'not_scheduled_changeover'
        end as reason_code,
        manufacturing_location || ' / ' || line_type as pool_text,
        to_char(fps_dt, 'YYYY-MM-DD') as fps_dt_text
    from iteration
),

-- the first {{ named }} candidates ranked before each candidate not served in full
ranked_before as (
    select
        c.fps_dt,
        c.manufacturing_location,
        c.item_id,
        {{ pst_string_agg("p.item_id || ' (' || " ~ pst_format_number('p.required_lines') ~ " || ')'",
                          "', '", 'p.rank_over_manufacturing_location_line_type') }} as names_before
    from classified as c
    inner join iteration as p
        on p.fps_dt = c.fps_dt
       and p.manufacturing_location = c.manufacturing_location
       and p.line_type = c.line_type
       and p.is_candidate
       and p.rank_over_manufacturing_location_line_type < c.rank_over_manufacturing_location_line_type
       and p.rank_over_manufacturing_location_line_type <= {{ named }}
    where c.reason_code in ('partially_scheduled', 'not_scheduled_no_room', 'not_scheduled_changeover')
    group by c.fps_dt, c.manufacturing_location, c.item_id
),

-- "the 3 candidates ranked before it (A (2.5), B (1), C (3)) asked 6.5 lines"
before_it as (
    select
        c.*,
        case
            when c.rank_over_manufacturing_location_line_type = 1 then 'it is ranked first'
            else 'the ' || {{ pst_count_noun('c.rank_over_manufacturing_location_line_type - 1', 'candidate', 'candidates') }}
                 || ' ranked before it (' || coalesce(rb.names_before, '')
                 || case when c.rank_over_manufacturing_location_line_type - 1 > {{ named }}
                         then ' and ' || cast(c.rank_over_manufacturing_location_line_type - 1 - {{ named }} as varchar(16)) || ' more'
                         else '' end
                 || ') asked ' || {{ pst_format_lines('c.cum_required_lines_before') }}
        end as before_text
    from classified as c
    left join ranked_before as rb
        on rb.fps_dt = c.fps_dt
       and rb.manufacturing_location = c.manufacturing_location
       and rb.item_id = c.item_id
)

select
    run_date,
    fps_dt,
    manufacturing_location,
    line_type,
    item_id,
    schedule_class,
    rank_over_manufacturing_location_line_type,
    projected_inventory,
    need_units,
    required_lines,
    lines_available,
    cum_required_lines_before,
    room_lines,
    production_lines,
    cast(reason_code as varchar(32)) as reason_code,
    cast(case reason_code
        when 'not_candidate' then
            'No need on ' || fps_dt_text || ': projected inventory ' || {{ pst_format_number('projected_inventory') }}
            || ' covers the target of ' || {{ pst_format_number('target_units') }}
            || ' units plus the day''s forecast of ' || {{ pst_format_number('forecast_units') }} || '.'
        when 'no_lines_available' then
            'Not scheduled: needs ' || {{ pst_format_lines('required_lines') }} || ' ('
            || {{ pst_format_number('need_units') }} || ' units), but ' || pool_text
            || ' has no lines on ' || fps_dt_text || '.'
        when 'scheduled_in_full' then
            'Scheduled in full: ' || {{ pst_format_number('production_lines') }} || ' of '
            || {{ pst_format_lines('required_lines') }} || ' required, rank '
            || cast(rank_over_manufacturing_location_line_type as varchar(16)) || ' in ' || pool_text
            || ' (' || {{ pst_format_lines('lines_available') }} || ' on ' || fps_dt_text || ', '
            || {{ pst_format_number('cum_required_lines_before') }} || ' asked before it).'
        when 'partially_scheduled' then
            'Partially scheduled: ' || {{ pst_format_number('production_lines') }} || ' of '
            || {{ pst_format_lines('required_lines') }} || ' required. ' || pool_text || ' has '
            || {{ pst_format_lines('lines_available') }} || ' on ' || fps_dt_text || '; '
            || before_text || ', leaving ' || {{ pst_format_number('room_lines') }} || '.'
        when 'not_scheduled_no_room' then
            'Not scheduled: needs ' || {{ pst_format_lines('required_lines') }} || ', but no room is left in '
            || pool_text || ' (' || {{ pst_format_lines('lines_available') }} || ' on ' || fps_dt_text || '): '
            || case when rank_over_manufacturing_location_line_type = 1
                    then 'it is ranked first, and ' || {{ pst_format_number('lines_available') }}
                         || ' lines round down to no room in steps of ' || {{ pst_format_number(pst_r()) }}
                    else before_text end
            || '.'
        else
            'Not scheduled: it could get ' || {{ pst_format_number('least(required_lines, room_lines)') }}
            || ' of the ' || {{ pst_format_lines('required_lines') }} || ' it needs ('
            || {{ pst_format_number('room_lines') }} || ' left in ' || pool_text || ' on ' || fps_dt_text
            || '; ' || before_text || '), not more than its changeover of '
            || {{ pst_format_lines('changeover_lines') }} || '.'
    end as {{ pst_text_type() }}) as reason,
    is_automated,
    forecast_units,
    target_units,
    days_of_supply,
    changeover_lines,
    production_goal_total,
    is_within_capacity,
    is_tomorrow_production_schedule
from before_it
