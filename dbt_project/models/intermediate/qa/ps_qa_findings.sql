-- Every QA finding of the run, from the four QA tables of qa.md, in one shape a
-- person (and the qa_findings checks, orchestration/defs/qa_findings/) reads:
-- which QA table and code, the tab and row to open, the column and value at
-- fault, the table's own message, and whether the finding excluded input rows
-- from scheduling (qa.md's "excluded" column: ps_qa_inputs and
-- production_capacity_alerting do; ps_qa_missing_inputs and ps_fps_errors
-- report without excluding anything).
-- Column and value come from the row as staged for this run (the checked
-- tables, the items tab's staging view): the QA tables keep the keys and the
-- message, not the cell. Kept per run_date (the qa/ folder's configuration).
-- Portable SQL (PostgreSQL and Redshift): split_part, strpos, substring ... from ... for.
with inputs as (
    select *
    from {{ ref('ps_qa_inputs') }}
    where run_date = {{ pst_run_date() }}
),

-- the cells behind a finding of ps_qa_inputs, by (source, row): the text of the
-- column each code is about and the row's type_error (code 8)
cells as (
    select 'staffing' as source, _row_number, type_error,
           lines_staffed_text as units_text,
           cast(null as {{ pst_text_type() }}) as code_3_column,
           cast(null as {{ pst_text_type() }}) as code_3_value,
           dt_text as key_text
    from {{ ref('int_staffing__checked') }}
    where qa_code is not null
    union all
    select 'staffing_defaults', _row_number, type_error, lines_staffed_text, null, null,
           day_of_week_text
    from {{ ref('int_staffing_defaults__checked') }}
    where qa_code is not null
    union all
    -- the items tab as staged (the checked table keeps typed values only)
    select 'items', _row_number, type_error, units_per_line_day_text,
           case
               when changeover_lines < 0 then 'changeover_lines'
               when safety_stock_days < 0 then 'safety_stock_days'
               when target_days_of_supply < 0 or target_days_of_supply < safety_stock_days
                   then 'target_days_of_supply'
           end,
           case
               when changeover_lines < 0 then changeover_lines_text
               when safety_stock_days < 0 then safety_stock_days_text
               when target_days_of_supply < 0 or target_days_of_supply < safety_stock_days
                   then target_days_of_supply_text
           end,
           null
    from {{ ref('stg_sheets__items') }}
    where type_error is not null
       or units_per_line_day <= 0
       or changeover_lines < 0
       or safety_stock_days < 0
       or target_days_of_supply < 0
       or target_days_of_supply < safety_stock_days
    union all
    select 'dc_mapping', _row_number, type_error, null, null, null, null
    from {{ ref('int_dc_mapping__checked') }}
    where qa_code is not null
    union all
    select 'forecasts', _row_number, type_error, forecast_units_text, null, null, null
    from {{ ref('int_forecasts__checked') }}
    where qa_code in ('8', '7')
    union all
    -- ERP rows have no row number (their keys and the message name them)
    select 'inventory_snapshot', _row_number, type_error, on_hand_units_text, null, null,
           snapshot_dt_text
    from {{ ref('int_inventory__checked') }}
    where qa_code in ('8', '7')
      and _row_number is not null
),

inputs_with_cells as (
    select
        inputs.*,
        cells.units_text,
        cells.code_3_column,
        cells.code_3_value,
        cells.key_text,
        -- "col is blank" or "col 'x' is not ...": the first cell named in type_error
        -- (a loader reject of the inventory file says why in words: its keys tell)
        case when cells.type_error not like 'rejected by the loader%'
             then split_part(cells.type_error, '; ', 1) end as first_error
    from inputs
    left join cells
        on cells.source = inputs.source
       and cells._row_number = inputs.row_number
),

input_findings as (
    select
        'ps_qa_inputs' as qa_table,
        1 as table_order,
        code,
        source as tab,
        row_number,
        case
            when code = '1' then 'distribution_center'
            when code = '2' then 'units_per_line_day'
            when code = '3' then code_3_column
            when code = '4' then 'lines_staffed'
            when code = '5' and source = 'dc_mapping' then 'distribution_center'
            when code = '5' and source = 'staffing' then 'manufacturing_location, line_type, dt'
            when code = '5' then 'manufacturing_location, line_type, day_of_week'
            when code = '6' then 'item_id, manufacturing_location'
            when code = '7' and source = 'forecasts' then 'forecast_units'
            when code = '7' then 'on_hand_units'
            when code = '8' and first_error is not null then split_part(first_error, ' ', 1)
            when code = '8' and item_id is null then 'item_id'
            when code = '8' and distribution_center is null then 'distribution_center'
            when code = '8' and source = 'forecasts' then 'forecast_date'
            when code = '8' then 'snapshot_dt'
        end as column_name,
        case
            when code = '1' then distribution_center
            when code in ('2', '4', '7') then units_text
            when code = '3' then code_3_value
            when code = '5' and source = 'dc_mapping' then distribution_center
            when code = '5' then manufacturing_location || ' / ' || line_type || ' / ' || key_text
            when code = '6' then item_id || ' / ' || manufacturing_location
            -- code 8: the quoted cell of "col 'x' is not ..."; a blank cell has no value
            when code = '8' and strpos(first_error, ''' is not ') > 0
                then substring(first_error
                               from length(split_part(first_error, ' ', 1)) + 3
                               for strpos(first_error, ''' is not ')
                                   - length(split_part(first_error, ' ', 1)) - 3)
            -- an inventory row whose keys are there: its date is the unreadable cell
            when code = '8' and first_error is null and item_id is not null
             and distribution_center is not null then key_text
        end as cell_value,
        message,
        1 as is_excluded,
        coalesce(row_count, 1) as excluded_rows
    from inputs_with_cells
),

unknown_capacity as (
    select
        'production_capacity_alerting' as qa_table,
        2 as table_order,
        cast(null as varchar(2)) as code,
        'forecasts' as tab,
        cast(null as integer) as row_number,
        'item_id, manufacturing_location' as column_name,
        item_id || ' / ' || manufacturing_location as cell_value,
        message,
        1 as is_excluded,
        row_count as excluded_rows
    from {{ ref('production_capacity_alerting') }}
    where run_date = {{ pst_run_date() }}
),

missing_inputs as (
    select
        'ps_qa_missing_inputs' as qa_table,
        3 as table_order,
        code,
        case when code = '1' then 'staffing' else 'forecasts' end as tab,
        cast(null as integer) as row_number,
        case when code = '1' then 'manufacturing_location, line_type, dt'
             else 'forecast_date' end as column_name,
        case when code = '1'
             then manufacturing_location || ' / ' || line_type || ' / ' || cast(dt as varchar(10))
             else cast(dt as varchar(10)) end as cell_value,
        message,
        0 as is_excluded,
        0 as excluded_rows
    from {{ ref('ps_qa_missing_inputs') }}
    where run_date = {{ pst_run_date() }}
),

schedule_errors as (
    select
        'ps_fps_errors' as qa_table,
        4 as table_order,
        code,
        cast(null as {{ pst_text_type() }}) as tab,
        cast(null as integer) as row_number,
        case when code = '00' then 'manufacturing_location, line_type, fps_dt'
             else 'manufacturing_location, fps_dt' end as column_name,
        case when code = '00'
             then manufacturing_location || ' / ' || line_type || ' / ' || cast(fps_dt as varchar(10))
             else coalesce(manufacturing_location, '(every location)') || ' / '
                  || cast(fps_dt as varchar(10)) end as cell_value,
        message,
        0 as is_excluded,
        0 as excluded_rows
    from {{ ref('ps_fps_errors') }}
    where run_date = {{ pst_run_date() }}
),

findings as (
    select qa_table, table_order, code, tab, row_number, column_name, cell_value, message,
           is_excluded, excluded_rows from input_findings
    union all
    select qa_table, table_order, code, tab, row_number, column_name, cell_value, message,
           is_excluded, excluded_rows from unknown_capacity
    union all
    select qa_table, table_order, code, tab, row_number, column_name, cell_value, message,
           is_excluded, excluded_rows from missing_inputs
    union all
    select qa_table, table_order, code, tab, row_number, column_name, cell_value, message,
           is_excluded, excluded_rows from schedule_errors
)

select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    cast(qa_table as varchar(64)) as qa_table,
    cast(table_order as integer) as table_order,
    cast(code as varchar(2)) as code,
    cast(tab as varchar(32)) as tab,
    cast(row_number as integer) as row_number,
    cast(column_name as {{ pst_text_type() }}) as column_name,
    cast(cell_value as {{ pst_text_type() }}) as cell_value,
    cast(message as {{ pst_text_type() }}) as message,
    cast(is_excluded as integer) as is_excluded,
    cast(excluded_rows as integer) as excluded_rows,
    -- 1 = the first finding of its (qa_table, code): the alert shows the first
    -- finding of every kind before the second of any
    cast(row_number() over (
        partition by qa_table, code
        order by tab, row_number, column_name, cell_value, message
    ) as integer) as finding_rank
from findings
