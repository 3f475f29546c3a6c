-- The dc_mapping tab as of run_date, typed (text rules D4).
{{ config(pre_hook="{{ pst_require_snapshot('sheets_dc_mapping', 'dc_mapping') }}") }}

{{ pst_stage_sheet_tab(source('sheets', 'dc_mapping'), 'sheets_dc_mapping', {
    'distribution_center': 'text',
    'manufacturing_location': 'text',
}) }}
