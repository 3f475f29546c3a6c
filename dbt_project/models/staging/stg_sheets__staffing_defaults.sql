-- The staffing_defaults tab as of run_date, typed (text rules D1-D4).
{{ config(pre_hook="{{ pst_require_snapshot('sheets_staffing_defaults', 'staffing_defaults') }}") }}

{{ pst_stage_sheet_tab(source('sheets', 'staffing_defaults'), 'sheets_staffing_defaults', {
    'manufacturing_location': 'text',
    'line_type': 'text',
    'day_of_week': 'day_of_week',
    'lines_staffed': 'number',
}) }}
