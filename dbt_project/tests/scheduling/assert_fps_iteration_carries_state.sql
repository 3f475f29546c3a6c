-- The iteration's invariants (scheduling.md section 4), checked on the built
-- table: every active item has exactly one row per plan date; the first plan
-- date starts from inv0 and not bumped; each later date carries
--   projected_inventory(d + 1) = max(0, inv + production_goal_total - forecast(d))
--   was_bumped(d + 1) = is_automated and candidate on d and is_within_capacity = 0
-- from the row of d.
{{ config(severity='error') }}

with iteration as (
    select * from {{ ref('ps_fps_dt_iteration') }}
),

inputs as (
    select * from {{ ref('ps_fps_dt_inputs') }}
),

missing_rows as (
    select inputs.item_id, inputs.manufacturing_location, inputs.fps_dt, 'no iteration row' as problem
    from inputs
    left join iteration
        on iteration.item_id = inputs.item_id
       and iteration.manufacturing_location = inputs.manufacturing_location
       and iteration.fps_dt = inputs.fps_dt
    where iteration.item_id is null
),

first_day as (
    select inputs.item_id, inputs.manufacturing_location, inputs.fps_dt, 'first plan date is not inv0 / not bumped' as problem
    from inputs
    inner join iteration
        on iteration.item_id = inputs.item_id
       and iteration.manufacturing_location = inputs.manufacturing_location
       and iteration.fps_dt = inputs.fps_dt
    where inputs.plan_day = 1
      and (iteration.projected_inventory <> inputs.initial_inventory or iteration.was_bumped)
),

carried as (
    select today.item_id, today.manufacturing_location, today.fps_dt, 'state not carried from the day before' as problem
    from iteration as today
    inner join iteration as yesterday
        on yesterday.item_id = today.item_id
       and yesterday.manufacturing_location = today.manufacturing_location
       and yesterday.plan_day = today.plan_day - 1
    where today.projected_inventory <> greatest(0, yesterday.projected_inventory + yesterday.production_goal_total - yesterday.forecast_units)
       or today.was_bumped <> (yesterday.is_automated and yesterday.is_candidate and coalesce(yesterday.is_within_capacity, 1) = 0)
)

select * from missing_rows
union all
select * from first_day
union all
select * from carried
