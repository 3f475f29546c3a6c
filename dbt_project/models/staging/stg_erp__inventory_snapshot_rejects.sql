-- Rows of inventory_snapshot.csv that the local loader could not type, from the
-- load of this run_date (local form only: every run loads the file before dbt
-- runs; a clean load leaves no row, so an older load must not stand in for it).
select
    run_date as load_run_date,
    _row_number,
    {{ pst_clean_cell('item_id') }} as item_id,
    {{ pst_clean_cell('distribution_center') }} as distribution_center,
    {{ pst_clean_cell('snapshot_dt') }} as snapshot_dt_text,
    -- placed in time when its date can be read (D11), else reported as is
    {{ pst_parse_date(pst_clean_cell('snapshot_dt'), us_dates=false) }} as snapshot_dt,
    {{ pst_clean_cell('on_hand_units') }} as on_hand_units_text,
    {{ pst_clean_cell('reason') }} as reason,
    _loaded_at
from {{ source('erp_rejects', 'inventory_snapshot') }}
where run_date = {{ pst_run_date() }}
