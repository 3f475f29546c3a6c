-- Every snapshot of the staffing_defaults tab as landed (all text), is_selected_dt = the snapshot in force on run_date.
{{ pst_sheet_history(source('sheets', 'staffing_defaults'), 'sheets_staffing_defaults') }}
