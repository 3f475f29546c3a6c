-- Lines available per pool and plan date (scheduling.md section 2, D8).
-- Pools: (manufacturing_location, line_type) of valid staffing rows (any date),
-- valid staffing_defaults rows and valid active items. Per plan date: the
-- staffing row of that date, else the default of its ISO day of week, else 0
-- (lines_source = 'missing'; ps_qa_missing_inputs code 1 when the pool has items).
{{ config(indexes=([{'columns': ['manufacturing_location', 'line_type', 'dt'], 'unique': true}] if target.type == 'postgres' else [])) }}

with plan_dates as (
    {{ pst_run_days(pst_horizon_days()) | indent(4) }}
),

-- the valid tabs are de-duplicated upstream (code 5); keeping the highest
-- _row_number here again makes a duplicate impossible to double-count
staffing as (
    select manufacturing_location, line_type, dt, lines_staffed
    from (
        select s.*,
               row_number() over (partition by manufacturing_location, line_type, dt
                                  order by _row_number desc) as row_rank
        from {{ ref('int_staffing__valid') }} as s
    ) as ranked
    where row_rank = 1
),

staffing_defaults as (
    select manufacturing_location, line_type, day_of_week, lines_staffed
    from (
        select s.*,
               row_number() over (partition by manufacturing_location, line_type, day_of_week
                                  order by _row_number desc) as row_rank
        from {{ ref('int_staffing_defaults__valid') }} as s
    ) as ranked
    where row_rank = 1
),

item_pools as (
    select distinct manufacturing_location, line_type
    from {{ ref('int_items__valid') }}
),

pools as (
    select manufacturing_location, line_type from {{ ref('int_staffing__valid') }}
    union
    select manufacturing_location, line_type from {{ ref('int_staffing_defaults__valid') }}
    union
    select manufacturing_location, line_type from item_pools
)

select
    {{ pst_run_date() }} as run_date,
    pools.manufacturing_location,
    pools.line_type,
    plan_dates.dt,
    plan_dates.plan_day,
    plan_dates.iso_dow,
    {{ pst_coalesce_qty('staffing.lines_staffed', 'staffing_defaults.lines_staffed', '0') }} as lines_available,
    cast(case
        when staffing.lines_staffed is not null then 'staffing'
        when staffing_defaults.lines_staffed is not null then 'staffing_defaults'
        else 'missing'
    end as varchar(32)) as lines_source,
    item_pools.manufacturing_location is not null as has_active_items
from pools
cross join plan_dates
left join staffing
    on staffing.manufacturing_location = pools.manufacturing_location
   and staffing.line_type = pools.line_type
   and staffing.dt = plan_dates.dt
left join staffing_defaults
    on staffing_defaults.manufacturing_location = pools.manufacturing_location
   and staffing_defaults.line_type = pools.line_type
   and staffing_defaults.day_of_week = plan_dates.iso_dow
left join item_pools
    on item_pools.manufacturing_location = pools.manufacturing_location
   and item_pools.line_type = pools.line_type
