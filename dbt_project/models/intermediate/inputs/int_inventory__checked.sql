-- Every inventory row as of run_date (D11) with its first QA code (D10): a
-- key or date that cannot be typed (8: blank item_id or DC, a key with the
-- marker of an unstorable character (D63), a snapshot_dt that is not ISO),
-- then unusable units (7: unreadable, empty or negative on_hand_units), then
-- a DC without a valid dc_mapping row (1). NULL = counted in inv0.
with staged as (
    select * from {{ ref('stg_erp__inventory_snapshot') }}
),

{{ pst_demand_input_coded('snapshot_dt', 'on_hand_units') }}

select
    record_source,
    _row_number,
    item_id,
    distribution_center,
    snapshot_dt,
    snapshot_dt_text,
    on_hand_units,
    on_hand_units_text,
    type_error,
    manufacturing_location,
    qa_code,
    cast(case
        when qa_code in ('8', '7') and record_source = 'load_rejects' then
            'inventory_snapshot.csv row ' || cast(_row_number as varchar(20)) || ' could not be loaded ('
            || reject_reason || '): item_id ' || coalesce({{ pst_quote_value('item_id') }}, 'blank')
            || ', distribution_center ' || coalesce({{ pst_quote_value('distribution_center') }}, 'blank')
            || ', snapshot_dt ' || coalesce({{ pst_quote_value('snapshot_dt_text') }}, 'blank')
            || ', on_hand_units ' || coalesce({{ pst_quote_value('on_hand_units_text') }}, 'blank')
            || '. The row is not counted in inventory; correct the file.'
        when qa_code in ('8', '7') then
            'inventory_snapshot (item ' || coalesce(item_id, '(blank)') || ', DC ' || coalesce(distribution_center, '(blank)')
            || ', snapshot ' || snapshot_dt_text || '): '
            || coalesce(type_error,
                        -- D63: the ERP's own row, with the marker in a key
                        case when {{ pst_has_unstorable('item_id') }}
                             then 'item_id ' || {{ pst_quote_value('item_id') }} || ' {{ pst_unstorable_rule() }}'
                             when {{ pst_has_unstorable('distribution_center') }}
                             then 'distribution_center ' || {{ pst_quote_value('distribution_center') }} || ' {{ pst_unstorable_rule() }}'
                        end,
                        'on_hand_units ' || on_hand_units_text || ' is negative')
            || '. The row is not counted in inventory; correct it in the ERP.'
        when qa_code = '1' then
            'inventory_snapshot (item ' || item_id || ', DC ' || distribution_center || ', snapshot ' || snapshot_dt_text
            || '): distribution center ' || distribution_center || ' has no valid dc_mapping row.'
    end as {{ pst_text_type() }}) as qa_message
from coded
