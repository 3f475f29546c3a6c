-- The Supplybuy pull in force on run_date (D9: latest snapshot_dt <= run_date),
-- restricted to the pulled window, typed per D5 (ISO dates, plain numbers).
{%- set columns = {
    'item_id': 'text',
    'distribution_center': 'text',
    'forecast_date': 'iso_date',
    'forecast_units': 'plain_number',
} %}

with selected_pull as (
    select *
    from {{ source('supplybuy', 'forecasts') }}
    where {{ pst_latest_snapshot_filter('snapshot_dt', 'supplybuy_forecasts') }}
),

cleaned as (
    select
        _row_number,
        snapshot_dt,
        _loaded_at,
        {{ pst_clean_cell('updated_at') }} as updated_at,
        {%- for name, kind in columns.items() %}
        {{ pst_clean_cell(name) }} as {{ pst_cell_column(name, kind) }}{{ ',' if not loop.last }}
        {%- endfor %}
    from selected_pull
),

typed as (
    select
        _row_number,
        snapshot_dt,
        _loaded_at,
        updated_at,
        {{ pst_typed_cells(columns) | join(',\n        ') }}
    from cleaned
)

select
    typed.*,
    cast({{ pst_type_error(columns) }} as {{ pst_text_type() }}) as type_error
from typed
-- D9: only window dates take part; a row whose date cannot be read stays (code 7)
where forecast_date is null
   or forecast_date between {{ pst_run_date_plus_days(1) }}
                        and {{ pst_run_date_plus_days(pst_horizon_days() + pst_demand_window_days() - 1) }}
