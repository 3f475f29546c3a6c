-- Missing inputs of the run (qa.md):
--   code 1: no valid staffing (explicit or default) for a pool of active items
--           on a plan date, one row per pool and date (D8); the pool gets 0 lines;
--   code 2: no forecast row at all (valid or not) in the selected Supplybuy pull
--           for a date of the window run_date + 1 ... run_date + H + W - 1 (D13).
-- Kept per run_date: a re-run replaces its own run_date rows only (also when it
-- has no findings: the pre-hook deletes them first).
{%- set window_days = pst_horizon_days() + pst_demand_window_days() - 1 %}
with missing_staffing as (
    select
        '1' as code,
        'No staffing for pool ' || manufacturing_location || ' / ' || line_type || ' on '
            || cast(dt as varchar(10)) || ': no valid staffing row for that date and no valid'
            || ' staffing_defaults row for ISO day of week ' || cast(iso_dow as varchar(1))
            || '. The pool gets 0 lines that day, so its items cannot be scheduled;'
            || ' add the staffing (or default staffing) row.' as message,
        manufacturing_location,
        line_type,
        dt
    from {{ ref('ps_staffing_by_dt') }}
    where lines_source = 'missing'
      and has_active_items
),

window_days as (
    {{ pst_run_days(window_days) | indent(4) }}
),

-- every row of the selected pull (int_forecasts__checked keeps them all, valid
-- or not, with their typed forecast_date; it is a table, the staging view is not)
pulled_dates as (
    select distinct forecast_date
    from {{ ref('int_forecasts__checked') }}
    where forecast_date is not null
),

missing_forecast_dates as (
    select
        '2' as code,
        'No forecast rows at all for forecast_date ' || cast(window_days.dt as varchar(10))
            || ' in the Supplybuy pull in force on run_date: demand of that date counts as 0'
            || ' for every item. Check the Supplybuy pull for that date and re-run.' as message,
        cast(null as {{ pst_text_type() }}) as manufacturing_location,
        cast(null as {{ pst_text_type() }}) as line_type,
        window_days.dt
    from window_days
    left join pulled_dates
        on pulled_dates.forecast_date = window_days.dt
    where pulled_dates.forecast_date is null
),

findings as (
    select code, message, manufacturing_location, line_type, dt from missing_staffing
    union all
    select code, message, manufacturing_location, line_type, dt from missing_forecast_dates
)

select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    cast(code as varchar(2)) as code,
    cast(message as {{ pst_text_type() }}) as message,
    cast(manufacturing_location as {{ pst_text_type() }}) as manufacturing_location,
    cast(line_type as {{ pst_text_type() }}) as line_type,
    cast(dt as date) as dt
from findings
