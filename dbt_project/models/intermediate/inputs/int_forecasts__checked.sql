-- Every window row of the selected Supplybuy pull with its first QA code
-- (D10): a key or date that cannot be typed (8: blank item_id or DC, a key
-- with the marker of an unstorable character (D63), a date that is not ISO),
-- then unusable units (7: unreadable or negative), then a DC without a valid
-- dc_mapping row (1). NULL = counted in demand.
with staged as (
    select * from {{ ref('stg_supplybuy__forecasts') }}
),

{{ pst_demand_input_coded('forecast_date', 'forecast_units') }}

select
    _row_number,
    item_id,
    distribution_center,
    forecast_date,
    forecast_date_text,
    forecast_units,
    forecast_units_text,
    type_error,
    manufacturing_location,
    qa_code,
    cast(case
        when qa_code in ('8', '7') then
            'forecasts row ' || cast(_row_number as varchar(20))
            || ' (item ' || coalesce(item_id, '(blank)') || ', DC ' || coalesce(distribution_center, '(blank)')
            || ', ' || coalesce(forecast_date_text, 'no date') || '): '
            || coalesce(type_error, 'forecast_units ' || forecast_units_text || ' is negative')
            || '. The row is not counted in demand; correct it in Supplybuy.'
        when qa_code = '1' then
            'forecasts row ' || cast(_row_number as varchar(20)) || ': distribution center '
            || distribution_center || ' has no valid dc_mapping row.'
    end as {{ pst_text_type() }}) as qa_message
from coded
