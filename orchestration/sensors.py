"""Sensors (Dagster daemon): finished runs -> alerts, and runs that take too long.

`make run` has no daemon: it calls the same processing once after its run
(orchestration/run.py), and ops.processed_runs keeps either path from sending
an alert twice.
"""


from datetime import datetime, timedelta, timezone

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.alerting import store
from orchestration.alerting.runs import DAILY_JOB, REMEDIATION_OF, duration_finding
from orchestration.alerting.service import AlertingResource, deliver, process_finished_run
from orchestration.jobs import staffing_remediation_job
from orchestration.resources.warehouse import WarehouseResource

FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE]


def remediation_request(run_id: str, partition: str) -> RunRequest:
    return RunRequest(run_key=f"staffing-remediation-of-{run_id}", partition_key=partition,
                      tags={REMEDIATION_OF: run_id})


@sensor(name="alert_on_finished_runs", minimum_interval_seconds=30,
        default_status=DefaultSensorStatus.RUNNING, jobs=[staffing_remediation_job],
        description="Turns every finished run's failures and check results into alerts "
                    "(P1-P3 to Slack, P4 to the digest), re-runs the staffing load once when "
                    "staffing is missing, and retries alerts Slack did not take.")
def alert_on_finished_runs(context: SensorEvaluationContext, warehouse: WarehouseResource,
                           alerting: AlertingResource):
    since = (datetime.fromtimestamp(float(context.cursor), timezone.utc) if context.cursor
             else datetime.now(timezone.utc) - timedelta(days=1))
    records = context.instance.get_run_records(
        filters=RunsFilter(statuses=FINISHED, updated_after=since),
        order_by="update_timestamp", ascending=True, limit=50)
    requests = []
    with warehouse.connection() as conn:
        router = alerting.router(conn)
        for record in records:
            report = process_finished_run(context.instance, record.dagster_run, conn, router,
                                          alerting)
            if report and report.remediate_partition:
                requests.append(remediation_request(record.dagster_run.run_id,
                                                    report.remediate_partition))
            since = max(since, record.update_timestamp)
        deliveries = deliver(router)
    context.update_cursor(str(since.timestamp()))
    if requests:
        return requests
    return SkipReason(f"{len(records)} finished run(s) processed, {len(deliveries)} alert(s) "
                      "delivered or retried")


@sensor(name="run_duration_anomaly", minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING,
        description="Runs of the daily job still in progress that already take 1.5x (P3) "
                    "or 2x (P2) the average of the last 7 days' successful runs.")
def run_duration_anomaly(context: SensorEvaluationContext, warehouse: WarehouseResource,
                         alerting: AlertingResource):
    runs = context.instance.get_run_records(filters=RunsFilter(
        job_name=DAILY_JOB, statuses=[DagsterRunStatus.STARTED]))
    now = datetime.now(timezone.utc)
    raised = 0
    with warehouse.connection() as conn:
        router = alerting.router(conn)
        for record in runs:
            started = record.start_time
            if started is None:
                continue
            started_at = datetime.fromtimestamp(started, timezone.utc)
            history = store.recent_durations(conn, DAILY_JOB, started_at)
            finding = duration_finding((now - started_at).total_seconds(), history,
                                       partition=record.dagster_run.tags.get("dagster/partition"),
                                       run_id=record.dagster_run.run_id,
                                       min_excess_seconds=alerting.duration_excess_seconds())
            if finding and router.raise_finding(finding):
                raised += 1
        deliver(router)
    return SkipReason(f"{len(runs)} run(s) in progress, {raised} new duration alert(s)")


sensors = [alert_on_finished_runs, run_duration_anomaly]
