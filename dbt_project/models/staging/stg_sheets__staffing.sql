-- The staffing tab as of run_date, typed (text rules D1-D4).
{{ config(pre_hook="{{ pst_require_snapshot('sheets_staffing', 'staffing') }}") }}

{{ pst_stage_sheet_tab(source('sheets', 'staffing'), 'sheets_staffing', {
    'manufacturing_location': 'text',
    'line_type': 'text',
    'dt': 'date',
    'lines_staffed': 'number',
}) }}
