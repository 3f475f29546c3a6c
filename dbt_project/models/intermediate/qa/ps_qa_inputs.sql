-- QA findings on the inputs (qa.md codes 1-8): one row per excluded row, and
-- for code 1 one row per DC and source with its row count. Kept per run_date
-- (the qa/ folder's configuration in dbt_project.yml).
with staffing as (
    select
        qa_code as code, qa_message as message, 'staffing' as source, _row_number as row_number,
        cast(null as {{ pst_text_type() }}) as item_id, manufacturing_location, line_type,
        cast(null as {{ pst_text_type() }}) as distribution_center, dt, cast(null as integer) as row_count
    from {{ ref('int_staffing__checked') }}
    where qa_code is not null
),

staffing_defaults as (
    select
        qa_code, qa_message, 'staffing_defaults', _row_number,
        null, manufacturing_location, line_type,
        null, cast(null as date), cast(null as integer)
    from {{ ref('int_staffing_defaults__checked') }}
    where qa_code is not null
),

items as (
    select
        qa_code, qa_message, 'items', _row_number,
        item_id, manufacturing_location, line_type,
        null, cast(null as date), cast(null as integer)
    from {{ ref('int_items__checked') }}
    where qa_code is not null
),

dc_mapping as (
    select
        qa_code, qa_message, 'dc_mapping', _row_number,
        null, manufacturing_location, null,
        distribution_center, cast(null as date), cast(null as integer)
    from {{ ref('int_dc_mapping__checked') }}
    where qa_code is not null
),

-- codes 8 (key or date) and 7 (units): one row per unusable row, with the
-- row's own keys (D29: the location is not a key of a forecast or inventory row)
forecast_rows as (
    select
        qa_code, qa_message, 'forecasts', _row_number,
        item_id, null, null,
        distribution_center, forecast_date, cast(null as integer)
    from {{ ref('int_forecasts__checked') }}
    where qa_code in ('8', '7')
),

inventory_rows as (
    select
        qa_code, qa_message, 'inventory_snapshot', _row_number,
        item_id, null, null,
        distribution_center, snapshot_dt, cast(null as integer)
    from {{ ref('int_inventory__checked') }}
    where qa_code in ('8', '7')
),

-- code 1: one row per DC and source, with the number of rows it excludes
forecast_dcs as (
    select
        '1', 'distribution center ' || distribution_center
            || ' has no valid row in the dc_mapping tab; forecast rows left out of demand: '
            || cast(count(*) as varchar(20)) || ' (forecast dates ' || cast(min(forecast_date) as varchar(10))
            || ' to ' || cast(max(forecast_date) as varchar(10)) || '). Add (or fix) its dc_mapping row.',
        'forecasts', cast(null as integer),
        null, null, null,
        distribution_center, cast(null as date), cast(count(*) as integer)
    from {{ ref('int_forecasts__checked') }}
    where qa_code = '1'
    group by distribution_center
),

inventory_dcs as (
    select
        '1', 'distribution center ' || distribution_center
            || ' has no valid row in the dc_mapping tab; inventory rows left out of on-hand inventory: '
            || cast(count(*) as varchar(20)) || ' (snapshot ' || cast(max(snapshot_dt) as varchar(10))
            || '). Add (or fix) its dc_mapping row.',
        'inventory_snapshot', cast(null as integer),
        null, null, null,
        distribution_center, cast(null as date), cast(count(*) as integer)
    from {{ ref('int_inventory__checked') }}
    where qa_code = '1'
    group by distribution_center
),

findings as (
    select * from staffing
    union all select * from staffing_defaults
    union all select * from items
    union all select * from dc_mapping
    union all select * from forecast_rows
    union all select * from inventory_rows
    union all select * from forecast_dcs
    union all select * from inventory_dcs
)

select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    cast(code as varchar(2)) as code,
    cast(message as {{ pst_text_type() }}) as message,
    cast(source as varchar(32)) as source,
    cast(row_number as integer) as row_number,
    cast(item_id as {{ pst_text_type() }}) as item_id,
    cast(manufacturing_location as {{ pst_text_type() }}) as manufacturing_location,
    cast(line_type as {{ pst_text_type() }}) as line_type,
    cast(distribution_center as {{ pst_text_type() }}) as distribution_center,
    cast(dt as date) as dt,
    cast(row_count as integer) as row_count
from findings
