-- Usable on-hand inventory of mapped DCs as of run_date (D11), repeated rows of
-- the latest snapshot summed: one row per (item_id, distribution_center).

select
    item_id,
    distribution_center,
    manufacturing_location,
    snapshot_dt,
    sum(on_hand_units) as on_hand_units
from {{ ref('int_inventory__checked') }}
where qa_code is null
group by item_id, distribution_center, manufacturing_location, snapshot_dt
