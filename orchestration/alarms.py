"""The alarm catalog (qa.md "Alarms", kept verbatim in docs/contract/alarms.md): the
one place that names each alarm, its severity, what raises it and where its
runbook lives. Code refers to alarms by `AlarmName`, never by a string.

The conditions' numbers come from the settings (`Thresholds`); docs/operations.md
carries the same table for people and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from orchestration.settings import Thresholds


class Severity(str, Enum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        """Higher is more urgent (P1 = 4)."""
        return 5 - int(self.value[1])


class Route(str, Enum):
    ALERTS = "alerts"          # Slack #production_schedule_etl_alerts (P1, P2)
    MONITORING = "monitoring"  # Slack #monitoring (P3)
    DIGEST = "digest"          # the P4 email digest


def route_of(severity: Severity) -> Route:
    return {Severity.P1: Route.ALERTS, Severity.P2: Route.ALERTS,
            Severity.P3: Route.MONITORING, Severity.P4: Route.DIGEST}[severity]


class AlarmName(StrEnum):
    JOB_FAILED = "prod-schedule-job-failed"
    EMPTY_OUTPUT = "prod-schedule-empty-output"
    ROW_COUNT_CRITICAL = "prod-schedule-row-count-critical"
    STAFFING_DATA_MISSING = "staffing-data-missing"
    SHEETS_AUTH_FAILED = "google-sheets-auth-failed"
    SUPPLYBUY_UNAVAILABLE = "supplybuy-unavailable"
    ROW_COUNT_WARNING = "prod-schedule-row-count-warning"
    DURATION_ANOMALY = "prod-schedule-duration-anomaly"
    CAPACITY_OVERFLOW = "capacity-overflow-high"
    DATA_FRESHNESS = "data-freshness-stale"
    BUSINESS_RULE = "business-rule-violation"
    DURATION_SLOW = "prod-schedule-duration-slow"
    SCHEMA_DRIFT = "schema-drift-detected"
    HISTORY_GROWTH = "history-table-growth"
    JOB_SUCCEEDED = "job-completed-successfully"
    WEEKLY_SUMMARY = "weekly-metrics-summary"
    # beyond qa.md's catalog (contract=False): the QA tables' findings reach a person
    QA_FINDINGS_EXCLUDED = "qa-findings-excluded-rows"
    QA_FINDINGS_SUMMARY = "qa-findings-summary"
    # beyond qa.md's catalog: the plan's "Redshift cluster health" gap
    WAREHOUSE_UNREACHABLE = "warehouse-unreachable"
    # beyond qa.md's catalog: the plan's Phase 3 (parallel run with the legacy schedule)
    PARALLEL_RUN_DIVERGENCE = "parallel-run-divergence"


@dataclass(frozen=True)
class Alarm:
    name: AlarmName
    severity: Severity
    condition: str
    raised_by: str  # the asset check, sensor or job that raises it
    # False for the platform's own alarms beyond qa.md's catalog (monitoring gaps of the
    # migration plan that the contract's catalog does not name; docs/operations.md).
    contract: bool = True

    @property
    def runbook(self) -> str:
        return f"docs/runbooks/{self.name}.md"


_P1, _P2, _P3, _P4 = Severity.P1, Severity.P2, Severity.P3, Severity.P4
_STAGED_CHECK = "asset check stg2/fact_production_schedule_staged:"


def catalog(t: Thresholds | None = None) -> dict[AlarmName, Alarm]:
    """Every alarm, its condition written with the thresholds in force."""
    t = t or Thresholds()
    week = f"the previous {t.row_count_baseline_run_dates} run_dates"
    durations = (f"the average of the job's successful runs of the last "
                 f"{t.duration_history_days} days")
    alarms = (
        Alarm(AlarmName.JOB_FAILED, _P1,
              "the daily run failed (after its step retries: 3, exponential backoff)",
              "a finished run (sensor alert_on_finished_runs, or make run itself)"),
        Alarm(AlarmName.EMPTY_OUTPUT, _P1, "0 schedule rows for tomorrow (blocks the publish)",
              f"{_STAGED_CHECK}prod_schedule_row_count"),
        Alarm(AlarmName.ROW_COUNT_CRITICAL, _P1,
              f"tomorrow's rows < {t.row_count_critical_share:.0%} of the average of {week} "
              "(blocks the publish)", f"{_STAGED_CHECK}prod_schedule_row_count"),
        Alarm(AlarmName.STAFFING_DATA_MISSING, _P1,
              "a staffing tab failed to load, or ps_qa_missing_inputs code 1 on one of the next "
              f"{t.staffing_lookahead_days} plan dates (the staffing load is re-run once first)",
              "asset check stg2/ps_qa_missing_inputs:staffing_data_missing or a failed staffing "
              "load, then job staffing_remediation_job once"),
        Alarm(AlarmName.SHEETS_AUTH_FAILED, _P1, "Sheets API 401/403",
              "sheet tab assets (step failure)"),
        Alarm(AlarmName.SUPPLYBUY_UNAVAILABLE, _P1, "Supplybuy auth failure or retries exhausted",
              "asset raw/supplybuy_forecasts (step failure)"),
        Alarm(AlarmName.ROW_COUNT_WARNING, _P2,
              f"the run's rows (all plan dates) {t.row_count_warning_drop * 100:g}-"
              f"{(1 - t.row_count_critical_share) * 100:g}% below the average of {week}",
              f"{_STAGED_CHECK}prod_schedule_row_count"),
        Alarm(AlarmName.DURATION_ANOMALY, _P2,
              f"run duration > {t.duration_anomaly_ratio:g}x {durations} (also while the run is "
              "in progress)", "sensor run_duration_anomaly (runs in progress) and finished runs"),
        Alarm(AlarmName.CAPACITY_OVERFLOW, _P2,
              f"> {t.capacity_overflow_share:.0%} of tomorrow's candidates have "
              "is_within_capacity = 0", f"{_STAGED_CHECK}capacity_overflow_high"),
        Alarm(AlarmName.DATA_FRESHNESS, _P2,
              f"the selected snapshot of an input is older than {t.freshness_hours:g} h (Sheets "
              "tabs and the Supplybuy pull by _loaded_at, ERP inventory by snapshot_dt)",
              "asset checks data_freshness on each source asset"),
        Alarm(AlarmName.BUSINESS_RULE, _P2,
              "a post-run rule of scheduling.md section 6 fails, or a ps_fps_errors row",
              "the dbt tests of the section 6 rules (meta pst_alarm; rule 2 reads ps_fps_errors), "
              "the Soda contract of the published schedule"),
        Alarm(AlarmName.DURATION_SLOW, _P3,
              f"run duration {t.duration_slow_ratio:g}-{t.duration_anomaly_ratio:g}x {durations}",
              "sensor run_duration_anomaly (runs in progress) and finished runs"),
        Alarm(AlarmName.SCHEMA_DRIFT, _P3,
              "a column added, removed or retyped in a monitored source or table",
              "asset checks column_schema_change (tables: each materialization's columns vs the "
              "previous one's), schema_drift (tab headers), a load missing a column"),
        Alarm(AlarmName.HISTORY_GROWTH, _P3,
              f"a *_history table over {t.history_max_rows:,} rows",
              "asset checks history_table_growth on stg/stg_sheets__<tab>_history"),
        Alarm(AlarmName.JOB_SUCCEEDED, _P4, "the daily run succeeded",
              "a finished run -> schedule daily_digest"),
        Alarm(AlarmName.WEEKLY_SUMMARY, _P4,
              "weekly roll-up of runs, durations, row counts and alerts",
              "schedule weekly_metrics_summary"),
        Alarm(AlarmName.QA_FINDINGS_EXCLUDED, _P3,
              "QA findings of the run_date excluded input rows from scheduling (ps_qa_inputs "
              "codes 1-8, production_capacity_alerting)",
              "asset check stg2/ps_qa_findings_summary:qa_findings_excluded_rows", contract=False),
        Alarm(AlarmName.QA_FINDINGS_SUMMARY, _P4,
              "QA findings of the run_date that excluded nothing (ps_qa_missing_inputs, "
              "ps_fps_errors): the day's summary",
              "asset check stg2/ps_qa_findings_summary:qa_findings_summary", contract=False),
        Alarm(AlarmName.WAREHOUSE_UNREACHABLE, _P1,
              "the warehouse refused or did not answer a connection (no retries: the run stops "
              "at once; the alert is spooled locally until the warehouse is back)",
              "make run's warehouse check, any step or sensor that connects", contract=False),
        Alarm(AlarmName.PARALLEL_RUN_DIVERGENCE, _P2,
              f"during the parallel run, more than {t.parallel_run_max_mismatch_share:.1%} of a "
              "run_date's schedule rows differ "
              "from the legacy schedule's (missing, extra or out of tolerance)",
              "asset check parallel_run/parallel_run_summary:parallel_run_divergence",
              contract=False),
    )
    return {a.name: a for a in alarms}


ALARMS: dict[AlarmName, Alarm] = catalog()
CONTRACT_ALARMS: dict[AlarmName, Alarm] = {n: a for n, a in ALARMS.items() if a.contract}


def alarm(name: str) -> Alarm:
    try:
        return ALARMS[AlarmName(name)]
    except ValueError:
        raise KeyError(f"unknown alarm {name!r} (not in the catalog of qa.md)") from None
