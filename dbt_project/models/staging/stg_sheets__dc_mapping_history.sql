-- Every snapshot of the dc_mapping tab as landed (all text), is_selected_dt = the snapshot in force on run_date.
{{ pst_sheet_history(source('sheets', 'dc_mapping'), 'sheets_dc_mapping') }}
