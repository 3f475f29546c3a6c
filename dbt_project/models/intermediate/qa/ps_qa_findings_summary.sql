-- The run's QA findings counted by (QA table, code): how many findings, whether
-- they excluded input rows from scheduling and how many input rows that is
-- (a code 1 finding of ps_qa_inputs and a production_capacity_alerting row
-- stand for several input rows). One row per (qa_table, code) that has
-- findings; no row at all for a clean run. What the qa_findings checks read
-- (orchestration/defs/qa_findings/checks.py). Kept per run_date.
select
    {{ pst_run_date() }} as run_date,
    {{ pst_now_utc() }} as runtime_dt_utc,
    qa_table,
    cast(min(table_order) as integer) as table_order,
    code,
    cast(count(*) as integer) as findings,
    cast(max(is_excluded) as integer) as is_excluded,
    cast(sum(excluded_rows) as integer) as excluded_rows
from {{ ref('ps_qa_findings') }}
where run_date = {{ pst_run_date() }}
group by qa_table, code
