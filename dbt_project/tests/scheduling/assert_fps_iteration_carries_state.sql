-- The iteration's wiring (scheduling.md section 4), checked on the built table
-- with one aggregate pass (cheap at scale): every plan date has one row per
-- active item; the first plan date starts from inv0, not bumped; each later
-- date starts from the state carried from the day before:
--   projected_inventory(d + 1) = max(0, inv + production_goal_total - forecast(d))
--   was_bumped(d + 1)          = is_automated and candidate on d and is_within_capacity = 0
-- (compared as per-date totals, recomputed here from the rows of d).
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'ps_fps_dt_iteration'}}}) }}

with per_day as (
    select
        plan_day,
        count(*) as item_rows,
        sum(projected_inventory) as projected_inventory,
        sum(case when was_bumped then 1 else 0 end) as bumped_items,
        sum(greatest(0, projected_inventory + production_goal_total - forecast_units)) as carried_inventory,
        sum(case when is_automated and is_candidate and is_within_capacity = 0 then 1 else 0 end) as carried_bumped_items
    from {{ ref('ps_fps_dt_iteration') }}
    group by plan_day
),

first_day as (
    select count(*) as item_rows, sum(initial_inventory) as initial_inventory
    from {{ ref('ps_fps_dt_inputs') }}
    where plan_day = 1
),

items as (
    select count(*) as item_rows from {{ ref('int_items__valid') }}
),

plan_days as (
    {{ pst_run_days(pst_horizon_days()) | indent(4) }}
)

select plan_days.plan_day, 'missing plan date or item rows' as problem
from plan_days
cross join items
left join per_day on per_day.plan_day = plan_days.plan_day
where coalesce(per_day.item_rows, 0) <> items.item_rows

union all

select per_day.plan_day, 'first plan date does not start from inv0, not bumped'
from per_day
cross join first_day
where per_day.plan_day = 1
  and (per_day.projected_inventory <> first_day.initial_inventory or per_day.bumped_items <> 0)

union all

select today.plan_day, 'state not carried from the day before'
from per_day as today
inner join per_day as yesterday
    on yesterday.plan_day = today.plan_day - 1
where today.projected_inventory <> yesterday.carried_inventory
   or today.bumped_items <> yesterday.carried_bumped_items
