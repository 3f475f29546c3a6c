"""Sensors (Dagster daemon): finished runs -> alerts, and runs that take too long.

`make run` has no daemon: it calls the same processing once after its run
(defs/monitoring/in_process.py); the run's `pst/alerts_processed` tag keeps
either path from sending an alert twice. The sensor's cursor is the last run
update it has seen.
"""

from datetime import datetime, timedelta, timezone

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunsFilter,
    SensorDefinition,
    Failure,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.defs.job_names import DAILY_JOB, REMEDIATION_JOB
from orchestration.defs.monitoring.dead_runs import fail_dead_runs
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.defs.monitoring.runs import duration_finding, recent_durations
from orchestration.defs.monitoring.service import (
    AlertingResource,
    alert_while_unreachable,
    deliver,
    is_unreachable,
    process_finished_run,
)
from orchestration.defs.staffing.remediation import remediation_request
from orchestration.warehouse.resource import WarehouseResource

FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE]


def monitoring_sensors() -> list[SensorDefinition]:
    @sensor(name="alert_on_finished_runs", minimum_interval_seconds=30,
            default_status=DefaultSensorStatus.RUNNING, job_name=REMEDIATION_JOB,
            description="Turns every finished run's failures and check results into alerts "
                        "(a run whose process died is marked failed first) "
                        "(P1-P3 to Slack, P4 to the digest), re-runs the staffing load once when "
                        "staffing is missing, and retries alerts Slack did not take.")
    def alert_on_finished_runs(context: SensorEvaluationContext, warehouse: WarehouseResource,
                               alerting: AlertingResource, monitoring: MonitoringSettings):
        since = (datetime.fromtimestamp(float(context.cursor), timezone.utc) if context.cursor
                 else datetime.now(timezone.utc) - timedelta(days=1))
        fail_dead_runs(context.instance)  # marked failed now: processed below as finished runs
        records = context.instance.get_run_records(
            filters=RunsFilter(statuses=FINISHED, updated_after=since),
            order_by="update_timestamp", ascending=True, limit=50)
        requests = []
        try:
            with warehouse.connection() as conn:
                router = alerting.router(conn)
                for record in records:
                    report = process_finished_run(context.instance, record.dagster_run, router,
                                                  monitoring.thresholds())
                    if report and report.remediate_partition:
                        requests.append(remediation_request(record.dagster_run.run_id,
                                                            report.remediate_partition))
                    since = max(since, record.update_timestamp)
                deliveries = deliver(router)
        except Failure as failure:
            if not is_unreachable(failure):
                raise
            # the alert log is in the warehouse: alert from the spool; the runs wait (cursor kept)
            alert_while_unreachable(alerting, failure.description)
            return SkipReason(failure.description)
        context.update_cursor(str(since.timestamp()))
        if requests:
            return requests
        return SkipReason(f"{len(records)} finished run(s) processed, {len(deliveries)} alert(s) "
                          "delivered or retried")

    @sensor(name="run_duration_anomaly", minimum_interval_seconds=60,
            default_status=DefaultSensorStatus.RUNNING,
            description="Runs of the daily job still in progress that already take too long "
                        "compared with the last days' successful runs (P3 slow, P2 anomaly).")
    def run_duration_anomaly(context: SensorEvaluationContext, warehouse: WarehouseResource,
                             alerting: AlertingResource, monitoring: MonitoringSettings):
        thresholds = monitoring.thresholds()
        runs = context.instance.get_run_records(filters=RunsFilter(
            job_name=DAILY_JOB, statuses=[DagsterRunStatus.STARTED]))
        now = datetime.now(timezone.utc)
        raised = 0
        with warehouse.connection() as conn:
            router = alerting.router(conn)
            for record in runs:
                if record.start_time is None:
                    continue
                started_at = datetime.fromtimestamp(record.start_time, timezone.utc)
                history = recent_durations(context.instance, DAILY_JOB, started_at,
                                           thresholds.duration_history_days)
                finding = duration_finding(
                    (now - started_at).total_seconds(), history, thresholds,
                    partition=record.dagster_run.tags.get("dagster/partition"),
                    run_id=record.dagster_run.run_id)
                if finding and router.raise_finding(finding):
                    raised += 1
            deliver(router)
        return SkipReason(f"{len(runs)} run(s) in progress, {raised} new duration alert(s)")

    return [alert_on_finished_runs, run_duration_anomaly]
