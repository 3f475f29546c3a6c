-- scheduling.md section 6, rule 2 (warn: depends on the data): every manufacturing
-- location with lines_available > 0 tomorrow and at least one candidate tomorrow has
-- production scheduled tomorrow (run_date + 1, not the wall-clock date). The rule's
-- one SQL is ps_fps_errors code 01 (D16, D25), which also has the row of a run with
-- no schedule rows for tomorrow at all; this test raises its alarm for every such row.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'ps_fps_errors'}},
                                   'pst_alarm': 'business-rule-violation'}) }}

select manufacturing_location, fps_dt, production_lines, lines_available, message
from {{ ref('ps_fps_errors') }}
where run_date = {{ pst_run_date() }}
  and code = '01'
