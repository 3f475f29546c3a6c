"""A finished run -> findings, resolutions and remediation (qa.md "Alarms").

One function serves both delivery paths: the sensor (daemon: `make dev`,
docker-compose) calls it for every finished run, and `make run` calls it once
after its in-process run. ops.processed_runs makes sure a run is processed
once whichever path sees it first, so each alert is sent once.

What a run yields:
* every asset check evaluation that carries pst_* metadata (orchestration/checks):
  failed -> a finding of its alarm, passed -> its condition resolved;
* failed dbt tests of the section 6 rules -> business-rule-violation;
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
from datetime import datetime, timezone

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus

from orchestration.alerting import store
from orchestration.alerting.catalog import Severity, alarm
from orchestration.alerting.model import Finding
from orchestration.checks.outcome import ALARM, CONDITION, PER_PARTITION, SEVERITY, SUMMARY

DAILY_JOB = "production_schedule_job"
LAND_JOB = "land_sources_job"
REMEDIATION_JOB = "staffing_remediation_job"
# jobs that only report (the P4 digests): their failures are logged, not a schedule alarm;
# every other run (the daily job, the remediation, a materialization from the UI's
# asset pages, `__ASSET_JOB`) builds the schedule
REPORTING_JOBS = ("daily_digest_job", "weekly_summary_job")
REMEDIATION_OF = "pst/remediation_of"
STAFFING_STEPS = ("raw__sheets_staffing", "raw__sheets_staffing_defaults")
# alarms of a source as a whole: a re-run cannot mend them
SOURCE_ALARMS = ("google-sheets-auth-failed", "supplybuy-unavailable")
# dbt tests of the section 6 rules that stop the build (error severity): the Python
# business_rule_violation check is skipped then, so they raise the alarm themselves.
# Rule 2 (a warning in dbt) is the Python check's, which also sees ps_fps_errors.
RULE_TESTS = ("assert_fps_rule1", "assert_fps_rule3", "assert_fps_rule4")
log = logging.getLogger(__name__)
DURATION = "prod-schedule-duration"
RUN_FAILURE = "run-failure"  # the condition of a failed run and of its failed steps' alarms


@dataclass
class RunReport:
    run_id: str
    findings: list[Finding] = field(default_factory=list)
    resolutions: list[Finding] = field(default_factory=list)
    remediate_partition: str | None = None  # re-run the staffing load for this partition
    closing: list[Finding] = field(default_factory=list)  # resolved after the findings are raised


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
        if condition is None:
            # a dbt test: only the section 6 rules are alarms of their own
            if ev.check_name.startswith(RULE_TESTS):
                rule = Finding("business-rule-violation", f"dbt test {ev.check_name} failed",
                               partition=partition, subject=subject, run_id=run_id,
                               numbers={"failures": _value(ev.metadata,
                                                           "dagster_dbt/failed_row_count")})
                (resolutions if ev.passed else findings).append(rule)
            continue
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
        if user is not None and "alarm" in user.metadata:
            alarm_name = user.metadata["alarm"].value
        error = data.error
        yield event.step_key, alarm_name, (user.description if user and user.description
                                           else (error.message.strip() if error else "")), \
            (error.cls_name if error else None)


def _succeeded_steps(instance: DagsterInstance, run_id: str) -> list[str]:
    return [record.event_log_entry.dagster_event.step_key for record in
            instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_SUCCESS).records]


def _evaluations(instance: DagsterInstance, run_id: str):
    for record in instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records:
        yield record.event_log_entry.dagster_event.asset_check_evaluation_data


def duration_finding(duration: float, history: list[float], *, partition, run_id,
                     min_history: int = 3, min_excess_seconds: float = 60.0) -> Finding | None:
    """P2 above 2x the average, P3 at 1.5-2x; needs a few runs of history and an
    excess of at least `min_excess_seconds` (a 10 s run taking 25 s is noise)."""
    if len(history) < min_history:
        return None
    average = sum(history) / len(history)
    ratio = duration / average if average else 0.0
    numbers = {"duration_seconds": round(duration, 1), "average_seconds": round(average, 1),
               "ratio": round(ratio, 2), "runs_averaged": len(history)}
    if duration - average < min_excess_seconds or ratio < 1.5:
        return None
    name = "prod-schedule-duration-anomaly" if ratio > 2 else "prod-schedule-duration-slow"
    return Finding(name, f"the run has taken {duration:.0f} s, {ratio:.1f}x the 7-day average "
                         f"of {average:.0f} s", partition=partition, subject=run_id,
                   numbers=numbers, run_id=run_id, condition=DURATION)


def report_for_run(instance: DagsterInstance, run: DagsterRun, conn, *,
                   min_excess_seconds: float = 60.0) -> RunReport:
    """Everything a finished run says, for the router (does not send anything)."""
    report = RunReport(run.run_id)
    partition = run.tags.get("dagster/partition")
    is_remediation = REMEDIATION_OF in run.tags
    checks, report.resolutions = check_findings(_evaluations(instance, run.run_id), partition,
                                                run.run_id)

    staffing_problem = False
    for finding in checks:
        if finding.alarm == "staffing-data-missing" and not is_remediation:
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
        if step_key in STAFFING_STEPS and alarm_name not in SOURCE_ALARMS:
            if not is_remediation:
                staffing_problem = True  # a re-run of the load may mend it: try once first
                continue
            alarm_name = "staffing-data-missing"
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
            report.findings.append(Finding(
                "prod-schedule-job-failed",
                f"{run.job_name} failed" + (f": {'; '.join(unexplained)[:600]}" if unexplained
                                            else ""),
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
            "job-completed-successfully", f"{run.job_name} succeeded", partition=partition,
            subject=run.run_id, run_id=run.run_id,
            numbers={"duration_seconds": round((ended - started).total_seconds(), 1)
                     if started and ended else None}))

    if started and ended and run.job_name == DAILY_JOB:
        history = store.recent_durations(conn, run.job_name, started, exclude_run_id=run.run_id)
        slow = duration_finding((ended - started).total_seconds(), history, partition=partition,
                                run_id=run.run_id, min_excess_seconds=min_excess_seconds)
        if slow:
            report.findings.append(slow)
        # the run is over: its duration condition closes (a slow one is still sent once)
        report.closing.append(Finding(DURATION, "run finished", partition=partition,
                                      subject=run.run_id, condition=DURATION))
    store.record_run(conn, run.run_id, run.job_name, partition, run.status.value, started, ended)
    return report
