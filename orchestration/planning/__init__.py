"""For the planners: why each item was (not) scheduled (stg2.ps_schedule_explain), what
changed since the previous plan (dwh schedule_changes*), and the schedule report."""
