-- ERP inventory as of run_date (D11): for each (item_id, distribution_center)
-- the rows at its latest snapshot_dt <= run_date, valid or not. The loader's
-- rejects take part, so a rejected newer row is not replaced by an older one.
with erp_rows as (
    select
        cast('erp' as varchar(20)) as record_source,
        cast(null as integer) as _row_number,
        {{ pst_clean_cell('item_id') }} as item_id,
        {{ pst_clean_cell('distribution_center') }} as distribution_center,
        snapshot_dt,
        cast(snapshot_dt as varchar(30)) as snapshot_dt_text,
        -- as the ERP stores it: typed exactly, never rounded (PostgreSQL `numeric`);
        -- through the UNION below at precision 19 on Redshift (pst_union_decimal)
        {{ pst_union_decimal('cast(on_hand_units as ' ~ pst_numeric_type() ~ ')', 10) }} as on_hand_units,
        cast(on_hand_units as varchar(60)) as on_hand_units_text,
        cast(null as {{ pst_text_type() }}) as reject_reason
    from {{ source('erp', 'inventory_snapshot') }}
    where snapshot_dt <= {{ pst_run_date() }}
),

rejected_rows as (
    select
        cast('load_rejects' as varchar(20)) as record_source,
        _row_number,
        item_id,
        distribution_center,
        snapshot_dt,
        snapshot_dt_text,
        {{ pst_union_decimal('cast(null as ' ~ pst_numeric_type() ~ ')', 10) }} as on_hand_units,
        on_hand_units_text,
        coalesce(reason, 'no reason given') as reject_reason
    from {{ ref('stg_erp__inventory_snapshot_rejects') }}
    where snapshot_dt is null
       or snapshot_dt <= {{ pst_run_date() }}
),

all_rows as (
    select * from erp_rows
    union all
    select * from rejected_rows
),

latest as (
    select
        all_rows.*,
        max(snapshot_dt) over (partition by item_id, distribution_center) as key_latest_snapshot_dt,
        max(snapshot_dt) over () as latest_snapshot_dt
    from all_rows
)

select
    record_source,
    _row_number,
    item_id,
    distribution_center,
    snapshot_dt,
    snapshot_dt_text,
    cast(on_hand_units as {{ pst_numeric_type() }}) as on_hand_units,
    on_hand_units_text,
    reject_reason,
    cast(case
        when record_source = 'load_rejects' then 'rejected by the loader: ' || reject_reason
        when item_id is null then 'item_id is blank'
        when distribution_center is null then 'distribution_center is blank'
        when on_hand_units is null then 'on_hand_units is empty'
    end as {{ pst_text_type() }}) as type_error
from latest
-- a row without a usable key or date has no "latest" of its own: it is
-- reported with the newest snapshot (or always, when its date is unreadable)
where snapshot_dt is null
   or snapshot_dt = case
        when item_id is null or distribution_center is null then latest_snapshot_dt
        else key_latest_snapshot_dt
      end
