-- Unknown production capacity (qa.md, D12): forecast demand of valid, mapped
-- window forecast rows for an (item_id, manufacturing_location) with no valid
-- active items row. One row per pair with its row count and total units (even
-- when 0). That demand is excluded from the schedule.
-- Kept per run_date: a re-run replaces its own run_date rows only.
with forecast_rows as (
    -- every valid, mapped window row (before repeated records are summed)
    select item_id, manufacturing_location, forecast_date, forecast_units
    from {{ ref('int_forecasts__checked') }}
    where qa_code is null
),

unknown as (
    select
        forecast_rows.item_id,
        forecast_rows.manufacturing_location,
        count(*) as row_count,
        sum(forecast_rows.forecast_units) as total_forecast_units,
        min(forecast_rows.forecast_date) as first_forecast_date,
        max(forecast_rows.forecast_date) as last_forecast_date
    from forecast_rows
    left join {{ ref('int_items__valid') }} as items
        on items.item_id = forecast_rows.item_id
       and items.manufacturing_location = forecast_rows.manufacturing_location
    where items.item_id is null
    group by forecast_rows.item_id, forecast_rows.manufacturing_location
)

select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    cast(item_id as {{ pst_text_type() }}) as item_id,
    cast(manufacturing_location as {{ pst_text_type() }}) as manufacturing_location,
    {{ pst_qty('total_forecast_units') }} as total_forecast_units,
    cast(row_count as integer) as row_count,
    cast('Unknown production capacity: item ' || item_id || ' has forecast demand at '
        || manufacturing_location || ' (' || cast(row_count as varchar(20)) || ' forecast rows, '
        || cast(first_forecast_date as varchar(10)) || ' to ' || cast(last_forecast_date as varchar(10))
        || ') but no valid active items row for that location, so it is not scheduled.'
        || ' Add (or fix) its items row.' as {{ pst_text_type() }}) as message
from unknown
