"""A finished run -> findings, resolutions and remediation (qa.md "Alarms").

One function serves both delivery paths: the sensor (daemon: `make dev`,
docker-compose) calls it for every finished run, and `make run` calls it once
after its in-process run. A tag on the run (`pst/alerts_processed`) makes sure
it is processed once whichever path sees it first, so each alert is sent once.

What a run yields:
* every asset check evaluation that carries pst_* metadata (check_results.py:
  the platform's checks, and the dbt tests that own an alarm in their meta):
  failed -> a finding of its alarm, passed -> its condition resolved;
* failed steps: the alarm their Failure names (google-sheets-auth-failed,
  supplybuy-unavailable, schema-drift-detected, ...), and the run failure
  itself as prod-schedule-job-failed unless a P1 alarm already explains it;
* staffing problems (a failed staffing load, or the staffing_data_missing
  check) -> a request to re-run the staffing load once; only the re-run's own
  failure raises staffing-data-missing;
* run duration vs the job's recent successful runs (P2 > 2x, P3 1.5-2x);
* a successful daily run -> job-completed-successfully (P4, the digest).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from orchestration.alarms import AlarmName, Severity, alarm
from orchestration.check_results import ALARM, CONDITION, PER_PARTITION, SEVERITY, SUMMARY
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.schema_drift import CHECK_NAME as SCHEMA_CHANGE_CHECK
from orchestration.defs.job_names import DAILY_JOB, LAND_JOB, REPORTING_JOBS
from orchestration.defs.sources import ALARM_METADATA
from orchestration.settings import Thresholds
from orchestration.defs.staffing.remediation import (
    SOURCE_ALARMS,
    is_remediation as _is_remediation,
    staffing_load_failed,
)

log = logging.getLogger(__name__)
DURATION = "prod-schedule-duration"
RUN_FAILURE = "run-failure"  # the condition of a failed run and of its failed steps' alarms
NOTHING_TO_COMPARE = "Previous materialization has no column schema metadata"


@dataclass
class RunReport:
    run_id: str
    findings: list[Finding] = field(default_factory=list)
    resolutions: list[Finding] = field(default_factory=list)
    remediate_partition: str | None = None  # re-run the staffing load for this partition
    closing: list[Finding] = field(default_factory=list)  # resolved after the findings are raised
    raised: list[Finding] = field(default_factory=list)  # the findings that were new or escalated


def _value(metadata, key):
    entry = metadata.get(key)
    return None if entry is None else entry.value


def _check_subject(evaluation) -> str:
    return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"


def _numbers(metadata) -> dict:
    return {k: v.value for k, v in metadata.items() if not k.startswith("pst_")
            and not k.startswith("dagster")}


def check_findings(evaluations, partition: str | None, run_id: str):
    """(failed -> findings, passed -> resolutions) of the checks' evaluations."""
    findings, resolutions = [], []
    for ev in evaluations:
        condition = _value(ev.metadata, CONDITION)
        subject = _check_subject(ev)
        per_partition = _value(ev.metadata, PER_PARTITION) is not False
        if condition is None and ev.check_name == SCHEMA_CHANGE_CHECK:
            # Dagster's own column-schema check (schema_drift.py) carries no pst_* metadata.
            # A previous materialization without a column schema (from before the check
            # existed) is nothing to compare with, not a drift.
            condition, per_partition = AlarmName.SCHEMA_DRIFT, False
            if not ev.passed and not (ev.description or "").startswith(NOTHING_TO_COMPARE):
                findings.append(Finding(AlarmName.SCHEMA_DRIFT,
                                        f"{ev.asset_key.to_user_string()}: {ev.description}",
                                        partition=partition, subject=subject, run_id=run_id,
                                        condition=condition, per_partition=False))
                continue
        if condition is None:
            continue  # no alarm of its own (a dbt test that stops the build fails the run)
        if ev.passed:
            resolutions.append(Finding(condition, "resolved", partition=partition,
                                       subject=subject, condition=condition,
                                       per_partition=per_partition))
            continue
        if _value(ev.metadata, ALARM) is None:
            continue  # a warning shown in the UI only (e.g. a Soda warn level)
        findings.append(Finding(
            _value(ev.metadata, ALARM), _value(ev.metadata, SUMMARY) or ev.description or "",
            partition=partition, subject=subject, numbers=_numbers(ev.metadata), run_id=run_id,
            severity=Severity(_value(ev.metadata, SEVERITY)), condition=condition,
            per_partition=per_partition))
    return findings, resolutions


def _step_failures(instance: DagsterInstance, run_id: str):
    for record in instance.get_records_for_run(
            run_id, of_type=DagsterEventType.STEP_FAILURE).records:
        event = record.event_log_entry.dagster_event
        data = event.step_failure_data
        user = data.user_failure_data
        alarm_name = None
        if user is not None and ALARM_METADATA in user.metadata:
            alarm_name = user.metadata[ALARM_METADATA].value
        error = data.error
        yield event.step_key, alarm_name, (user.description if user and user.description
                                           else (error.message.strip() if error else "")), \
            (error.cls_name if error else None)


def _run_failure_message(instance: DagsterInstance, run_id: str) -> str | None:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.RUN_FAILURE,
                                           ascending=False, limit=1).records
    return records[0].event_log_entry.dagster_event.message if records else None


def _succeeded_steps(instance: DagsterInstance, run_id: str) -> list[str]:
    return [record.event_log_entry.dagster_event.step_key for record in
            instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_SUCCESS).records]


def _evaluations(instance: DagsterInstance, run_id: str):
    for record in instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records:
        yield record.event_log_entry.dagster_event.asset_check_evaluation_data


def recent_durations(instance: DagsterInstance, job_name: str, before: datetime, days: int,
                     exclude_run_id: str | None = None) -> list[float]:
    """Durations of the job's successful runs that started in the `days` before
    `before`, from Dagster's own run records."""
    since = before - timedelta(days=days)
    records = instance.get_run_records(RunsFilter(
        job_name=job_name, statuses=[DagsterRunStatus.SUCCESS], created_after=since))
    return [r.end_time - r.start_time for r in records
            if r.start_time and r.end_time and r.dagster_run.run_id != exclude_run_id
            and since.timestamp() <= r.start_time < before.timestamp()]


def duration_finding(duration: float, history: list[float], t: Thresholds, *, partition,
                     run_id) -> Finding | None:
    """P2 above the anomaly ratio of the average, P3 from the slow ratio; needs a few
    runs of history and an excess of at least `duration_min_excess_seconds` (a 10 s
    run taking 25 s is noise)."""
    if len(history) < t.duration_min_runs:
        return None
    average = sum(history) / len(history)
    ratio = duration / average if average else 0.0
    numbers = {"duration_seconds": round(duration, 1), "average_seconds": round(average, 1),
               "ratio": round(ratio, 2), "runs_averaged": len(history)}
    if duration - average < t.duration_min_excess_seconds or ratio < t.duration_slow_ratio:
        return None
    name = (AlarmName.DURATION_ANOMALY if ratio > t.duration_anomaly_ratio
            else AlarmName.DURATION_SLOW)
    return Finding(name, f"the run has taken {duration:.0f} s, {ratio:.1f}x the "
                         f"{t.duration_history_days}-day average of {average:.0f} s",
                   partition=partition, subject=run_id, numbers=numbers, run_id=run_id,
                   condition=DURATION)


def report_for_run(instance: DagsterInstance, run: DagsterRun, t: Thresholds) -> RunReport:
    """Everything a finished run says, for the router (does not send anything)."""
    report = RunReport(run.run_id)
    partition = run.tags.get("dagster/partition")
    is_remediation = _is_remediation(run.tags)
    checks, report.resolutions = check_findings(_evaluations(instance, run.run_id), partition,
                                                run.run_id)

    staffing_problem = False
    for finding in checks:
        if finding.alarm == AlarmName.STAFFING_DATA_MISSING and not is_remediation:
            staffing_problem = True  # re-run the staffing load first, alert only if it persists
            continue
        report.findings.append(finding)

    failed_steps = list(_step_failures(instance, run.run_id))
    explained_by_p1 = False
    unexplained = []
    for step_key, alarm_name, message, error_class in failed_steps:
        if error_class == "DagsterAssetCheckFailedError":
            explained_by_p1 = True  # a blocking check failed: its own alarm is in `checks`
            continue
        if staffing_load_failed(step_key, alarm_name):
            if not is_remediation:
                staffing_problem = True  # a re-run of the load may mend it: try once first
                continue
            alarm_name = AlarmName.STAFFING_DATA_MISSING
        if alarm_name:
            # a source that refuses us is one condition, whichever tabs failed on it
            subject = alarm_name if alarm_name in SOURCE_ALARMS else step_key
            report.findings.append(Finding(alarm_name, message, partition=partition,
                                           subject=subject, run_id=run.run_id,
                                           condition=RUN_FAILURE))
            explained_by_p1 |= alarm(alarm_name).severity == Severity.P1
        else:
            unexplained.append(f"{step_key}: {message}")

    stats = instance.get_run_stats(run.run_id)
    started = datetime.fromtimestamp(stats.start_time, timezone.utc) if stats.start_time else None
    ended = datetime.fromtimestamp(stats.end_time, timezone.utc) if stats.end_time else None

    if run.status == DagsterRunStatus.FAILURE and run.job_name in REPORTING_JOBS:
        log.warning("run %s of %s failed (a digest, not the schedule: no alarm of the catalog)",
                    run.run_id, run.job_name)
    elif run.status == DagsterRunStatus.FAILURE:
        if staffing_problem and not is_remediation and not unexplained:
            pass  # the remediation run decides
        elif unexplained or not explained_by_p1:
            # the page says why: the unexplained steps, else every failed step's own message
            # (a missing column is a P3 drift and a failed run), else the run's (a dead run)
            reasons = (unexplained
                       or [f"{step}: {message}" for step, _, message, error_class in failed_steps
                           if message and error_class != "DagsterAssetCheckFailedError"]
                       or [m for m in [_run_failure_message(instance, run.run_id)] if m])
            report.findings.append(Finding(
                AlarmName.JOB_FAILED,
                f"{run.job_name} failed" + (f": {'; '.join(reasons)[:600]}" if reasons else ""),
                partition=partition, subject=run.job_name, run_id=run.run_id,
                numbers={"failed_steps": [s for s, *_ in failed_steps]}, condition=RUN_FAILURE))
    if staffing_problem and not is_remediation and partition:
        report.remediate_partition = partition

    if run.status == DagsterRunStatus.SUCCESS:
        # a good run of the partition closes what failed runs of it opened
        # (a run that only landed the sources did not build the schedule: it closes its own)
        builds = run.job_name != LAND_JOB
        for subject in [run.job_name, *([DAILY_JOB] if builds else []), *SOURCE_ALARMS,
                        *_succeeded_steps(instance, run.run_id)]:
            report.resolutions.append(Finding(RUN_FAILURE, "resolved", partition=partition,
                                              subject=subject, condition=RUN_FAILURE))

    if run.status == DagsterRunStatus.SUCCESS and run.job_name == DAILY_JOB:
        report.findings.append(Finding(
            AlarmName.JOB_SUCCEEDED, f"{run.job_name} succeeded", partition=partition,
            subject=run.run_id, run_id=run.run_id,
            numbers={"duration_seconds": round((ended - started).total_seconds(), 1)
                     if started and ended else None}))

    if started and ended and run.job_name == DAILY_JOB:
        history = recent_durations(instance, run.job_name, started, t.duration_history_days,
                                   exclude_run_id=run.run_id)
        slow = duration_finding((ended - started).total_seconds(), history, t,
                                partition=partition, run_id=run.run_id)
        if slow:
            report.findings.append(slow)
        # the run is over: its duration condition closes (a slow one is still sent once)
        report.closing.append(Finding(DURATION, "run finished", partition=partition,
                                      subject=run.run_id, condition=DURATION))
    return report
