"""Pure parts of the checks: when an input is judged, and what a result carries."""

from datetime import date, datetime, timezone

from dagster import AssetCheckSeverity

from orchestration.alarms import Severity
from orchestration.check_results import ALARM, CONDITION, PER_PARTITION, SEVERITY, CheckOutcome
from orchestration.defs.freshness import reference_time
from orchestration.settings import Settings

NOW = datetime(2026, 12, 1, 14, 30, tzinfo=timezone.utc)  # 08:30 in Chicago


def test_todays_partition_is_judged_now():
    assert reference_time(date(2026, 12, 1), NOW, Settings(plant_timezone="America/Chicago")) == NOW


def test_a_backfill_is_judged_when_its_schedule_was_due():
    due = reference_time(date(2026, 11, 20), NOW,
                         Settings(plant_timezone="America/Chicago", schedule_hour=6))
    assert due == datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)  # 06:00 CST


def test_a_failed_outcome_names_alarm_severity_and_numbers():
    result = CheckOutcome.alert("prod-schedule-row-count", "prod-schedule-row-count-critical",
                                "40 rows, 60% below", tomorrow_rows=40, baseline=None,
                                baseline_run_dates=["2026-11-22"]).to_result()
    assert not result.passed
    assert result.severity == AssetCheckSeverity.ERROR  # P1: blocks when the check is blocking
    metadata = {k: v.value for k, v in result.metadata.items()}
    assert metadata[ALARM] == "prod-schedule-row-count-critical"
    assert metadata[SEVERITY] == "P1" and metadata[CONDITION] == "prod-schedule-row-count"
    assert metadata["tomorrow_rows"] == 40 and metadata["baseline"] is None
    assert metadata["baseline_run_dates"] == ["2026-11-22"]


def test_lower_severities_warn_and_table_conditions_say_so():
    result = CheckOutcome.alert("history-table-growth", "history-table-growth", "big",
                                per_partition=False, rows=12_000).to_result()
    assert result.severity == AssetCheckSeverity.WARN
    assert result.metadata[PER_PARTITION].value is False
    assert CheckOutcome.alert("x", "capacity-overflow-high", "s").severity == Severity.P2


def test_a_passed_outcome_carries_its_condition_but_no_alarm():
    result = CheckOutcome.ok("data-freshness-stale", "fresh", age_hours=2.0).to_result()
    assert result.passed and ALARM not in result.metadata
    assert result.metadata[CONDITION].value == "data-freshness-stale"
