"""The alarm catalog (../shared/spec/qa.md "Alarms"): the one place that names
each alarm, its severity, what raises it and where its runbook lives.

docs/operations.md carries the same table for people; a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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


@dataclass(frozen=True)
class Alarm:
    name: str
    severity: Severity
    condition: str
    raised_by: str  # the asset check, sensor or job that raises it

    @property
    def runbook(self) -> str:
        return f"docs/runbooks/{self.name}.md"


_P1, _P2, _P3, _P4 = Severity.P1, Severity.P2, Severity.P3, Severity.P4

ALARMS: dict[str, Alarm] = {a.name: a for a in (
    Alarm("prod-schedule-job-failed", _P1,
          "the daily run failed (after its step retries: 3, exponential backoff)",
          "a finished run (sensor alert_on_finished_runs, or make run itself)"),
    Alarm("prod-schedule-empty-output", _P1,
          "0 schedule rows for tomorrow (blocks the publish)",
          "asset check stg2/fact_production_schedule_staged:prod_schedule_row_count"),
    Alarm("prod-schedule-row-count-critical", _P1,
          "tomorrow's rows < 50% of the average of the previous 7 run_dates (blocks the publish)",
          "asset check stg2/fact_production_schedule_staged:prod_schedule_row_count"),
    Alarm("staffing-data-missing", _P1,
          "a staffing tab failed to load, or ps_qa_missing_inputs code 1 on one of the next 3 "
          "plan dates (the staffing load is re-run once first)",
          "asset check stg2/ps_qa_missing_inputs:staffing_data_missing or a failed staffing "
          "load, then job staffing_remediation_job once"),
    Alarm("google-sheets-auth-failed", _P1, "Sheets API 401/403",
          "sheet tab assets (step failure)"),
    Alarm("supplybuy-unavailable", _P1, "Supplybuy auth failure or retries exhausted",
          "asset raw/supplybuy_forecasts (step failure)"),
    Alarm("prod-schedule-row-count-warning", _P2,
          "the run's rows (all plan dates) 20-50% below the average of the previous 7 run_dates",
          "asset check stg2/fact_production_schedule_staged:prod_schedule_row_count"),
    Alarm("prod-schedule-duration-anomaly", _P2,
          "run duration > 2x the average of the job's successful runs of the last 7 days "
          "(also while the run is in progress)",
          "sensor run_duration_anomaly (runs in progress) and finished runs"),
    Alarm("capacity-overflow-high", _P2,
          "> 30% of tomorrow's candidates have is_within_capacity = 0",
          "asset check stg2/fact_production_schedule_staged:capacity_overflow_high"),
    Alarm("data-freshness-stale", _P2,
          "the selected snapshot of an input is older than 24 h (Sheets tabs and the Supplybuy "
          "pull by _loaded_at, ERP inventory by snapshot_dt)",
          "asset checks data_freshness on each source asset"),
    Alarm("business-rule-violation", _P2,
          "a post-run rule of scheduling.md section 6 fails, or a ps_fps_errors row",
          "asset check stg2/fact_production_schedule_staged:business_rule_violation, the dbt "
          "tests of the section 6 rules, the Soda contract of the published schedule"),
    Alarm("prod-schedule-duration-slow", _P3,
          "run duration 1.5-2x the average of the job's successful runs of the last 7 days",
          "sensor run_duration_anomaly (runs in progress) and finished runs"),
    Alarm("schema-drift-detected", _P3,
          "a column added, removed or retyped in a monitored source or table",
          "asset checks schema_drift (tab headers), schema_drift_vs_baseline (tables, "
          "orchestration/checks/schema_baseline.yml), a load missing a column"),
    Alarm("history-table-growth", _P3, "a *_history table over 10,000 rows",
          "asset checks history_table_growth on stg/stg_sheets__<tab>_history"),
    Alarm("job-completed-successfully", _P4, "the daily run succeeded",
          "a finished run -> schedule daily_digest"),
    Alarm("weekly-metrics-summary", _P4,
          "weekly roll-up of runs, durations, row counts and alerts",
          "schedule weekly_metrics_summary"),
)}


def alarm(name: str) -> Alarm:
    try:
        return ALARMS[name]
    except KeyError:
        raise KeyError(f"unknown alarm {name!r} (not in the catalog of qa.md)") from None
