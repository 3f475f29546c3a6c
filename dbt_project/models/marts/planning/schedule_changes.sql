-- What changed since the previous plan: this run_date's published schedule against the
-- latest earlier run_date published, for the plan dates both plans cover: one row per
-- item and plan date of either plan, with both values and its change_type: added (a
-- candidate now, not then), removed (then, not now), changed (production_lines or
-- production_goal_total differ by more than 1e-6) or unchanged (kept so that the
-- per-location summary reads one table). Nothing when no earlier run_date was published.
-- A plan covers run_date + 1 .. run_date + H: this run's H, and for the previous plan
-- the last plan date of its explain rows (every active item and plan date), else of
-- its published rows. Kept per run_date (the planning/ folder's configuration).
{%- set run_date = pst_run_date() %}

with published as (
    select run_date, fps_dt, manufacturing_location, line_type, item_id,
           production_lines, production_goal_total
    from {{ ref('fact_production_schedule') }}
),

previous_run as (
    select max(run_date) as previous_run_date
    from published
    where run_date < {{ run_date }}
),

previous_explained as (
    select max(e.fps_dt) as last_fps_dt
    from {{ ref('ps_schedule_explain') }} as e
    inner join previous_run as r on e.run_date = r.previous_run_date
),

previous_published as (
    select max(p.fps_dt) as last_fps_dt
    from published as p
    inner join previous_run as r on p.run_date = r.previous_run_date
),

-- the plan dates both plans cover
covered as (
    select
        r.previous_run_date,
        {{ pst_run_date_plus_days(1) }} as first_fps_dt,
        least(coalesce(e.last_fps_dt, p.last_fps_dt),
              {{ pst_run_date_plus_days(pst_horizon_days()) }}) as last_fps_dt
    from previous_run as r
    cross join previous_explained as e
    cross join previous_published as p
    where r.previous_run_date is not null
),

current_plan as (
    select p.*
    from published as p
    inner join covered as c
        on p.fps_dt between c.first_fps_dt and c.last_fps_dt
    where p.run_date = {{ run_date }}
),

previous_plan as (
    select p.*
    from published as p
    inner join covered as c
        on p.run_date = c.previous_run_date
       and p.fps_dt between c.first_fps_dt and c.last_fps_dt
),

compared as (
    select
        coalesce(cur.fps_dt, prev.fps_dt) as fps_dt,
        coalesce(cur.manufacturing_location, prev.manufacturing_location) as manufacturing_location,
        coalesce(cur.line_type, prev.line_type) as line_type,
        coalesce(cur.item_id, prev.item_id) as item_id,
        case when prev.item_id is null then 'added'
             when cur.item_id is null then 'removed'
             when abs(cur.production_lines - prev.production_lines) > {{ pst_eps_need() }}
               or abs(cur.production_goal_total - prev.production_goal_total) > {{ pst_eps_need() }}
                 then 'changed'
             else 'unchanged' end as change_type,
        prev.production_lines as previous_production_lines,
        cur.production_lines,
        prev.production_goal_total as previous_production_goal_total,
        cur.production_goal_total
    from current_plan as cur
    full outer join previous_plan as prev
        on prev.fps_dt = cur.fps_dt
       and prev.manufacturing_location = cur.manufacturing_location
       and prev.item_id = cur.item_id
)

select
    {{ run_date }} as run_date,
    covered.previous_run_date,
    compared.fps_dt,
    compared.manufacturing_location,
    compared.line_type,
    compared.item_id,
    cast(compared.change_type as varchar(16)) as change_type,
    compared.previous_production_lines,
    compared.production_lines,
    compared.previous_production_goal_total,
    compared.production_goal_total,
    {{ pst_qty(pst_coalesce_qty('compared.production_lines', '0') ~ ' - '
               ~ pst_coalesce_qty('compared.previous_production_lines', '0')) }} as production_lines_delta,
    {{ pst_qty(pst_coalesce_qty('compared.production_goal_total', '0') ~ ' - '
               ~ pst_coalesce_qty('compared.previous_production_goal_total', '0')) }} as production_goal_total_delta
from compared
cross join covered
