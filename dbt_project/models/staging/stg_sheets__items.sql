-- The items tab as of run_date, typed (text rules D1-D4).
{{ config(pre_hook="{{ pst_require_snapshot('sheets_items', 'items') }}") }}

{{ pst_stage_sheet_tab(source('sheets', 'items'), 'sheets_items', {
    'item_id': 'text',
    'item_name': 'text',
    'manufacturing_location': 'text',
    'line_type': 'text',
    'is_automated': 'bool',
    'units_per_line_day': 'number',
    'changeover_lines': 'number',
    'safety_stock_days': 'number',
    'target_days_of_supply': 'number',
    'is_active': 'bool',
}) }}
