"""report_for_run on real Dagster events of tiny synthetic runs (an ephemeral
instance, no warehouse, no dbt): what the router receives for each kind of run."""

from __future__ import annotations

import pytest
from dagster import (
    AssetCheckResult,
    AssetSelection,
    DagsterInstance,
    Definitions,
    asset,
    asset_check,
    define_asset_job,
)

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.job_names import DAILY_JOB
from orchestration.defs.monitoring.runs import report_for_run
from orchestration.defs.sources import alarm_failure
from orchestration.settings import Thresholds

BEHAVIOUR = {}  # what the synthetic assets do in the next run


@asset
def landed():
    if BEHAVIOUR.get("landed") == "auth":
        raise alarm_failure(PermissionError("403 from Sheets"), AlarmName.SHEETS_AUTH_FAILED,
                            retryable=False)
    if BEHAVIOUR.get("landed") == "crash":
        raise ZeroDivisionError("a defect")
    return 1


@asset_check(asset=landed)
def capacity(context) -> AssetCheckResult:
    if BEHAVIOUR.get("capacity") == "over":
        return CheckOutcome.alert("capacity", AlarmName.CAPACITY_OVERFLOW,
                                  "40% of tomorrow's candidates over capacity",
                                  share=0.4).to_result()
    return CheckOutcome.ok("capacity", "within capacity").to_result()


daily = define_asset_job(DAILY_JOB, selection=AssetSelection.assets(landed))
DEFS = Definitions(assets=[landed], asset_checks=[capacity], jobs=[daily])


@pytest.fixture
def run_report():
    def run(**behaviour):
        BEHAVIOUR.clear()
        BEHAVIOUR.update(behaviour)
        instance = DagsterInstance.ephemeral()
        result = DEFS.resolve_job_def(DAILY_JOB).execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": "2026-11-23"})
        run = instance.get_run_by_id(result.run_id)
        return report_for_run(instance, run, Thresholds())

    return run


def alarms(findings) -> list[str]:
    return sorted(str(f.alarm) for f in findings)


def test_a_clean_run_resolves_its_conditions_and_queues_the_success(run_report):
    report = run_report()
    assert alarms(report.findings) == [AlarmName.JOB_SUCCEEDED]
    assert "capacity" in {str(r.alarm) for r in report.resolutions}
    assert all(f.partition == "2026-11-23" for f in report.findings + report.resolutions)


def test_a_failed_check_is_a_finding_of_its_alarm_with_its_numbers(run_report):
    report = run_report(capacity="over")
    [overflow] = [f for f in report.findings if f.alarm == AlarmName.CAPACITY_OVERFLOW]
    assert overflow.numbers["share"] == 0.4
    assert overflow.subject == "landed:capacity"


def test_a_step_failure_naming_a_p1_alarm_is_that_alarm_and_no_job_failed(run_report):
    report = run_report(landed="auth")
    assert alarms(report.findings) == [AlarmName.SHEETS_AUTH_FAILED]
    assert "403 from Sheets" in report.findings[0].summary


def test_an_unexplained_failure_is_job_failed_naming_the_step(run_report):
    report = run_report(landed="crash")
    [failed] = report.findings
    assert failed.alarm == AlarmName.JOB_FAILED
    assert "landed" in failed.summary and failed.numbers["failed_steps"] == ["landed"]
