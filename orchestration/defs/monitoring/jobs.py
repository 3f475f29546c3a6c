"""The P4 reports: the daily digest and the weekly metrics summary, and their schedules."""

from dagster import (
    DefaultScheduleStatus,
    OpExecutionContext,
    ScheduleDefinition,
    job,
    op,
)

from orchestration.defs.monitoring.digest import send_daily_digest, send_weekly_summary
from orchestration.defs.job_names import DAILY_DIGEST_JOB, WEEKLY_SUMMARY_JOB
from orchestration.defs.monitoring.service import AlertingResource
from orchestration.settings import Settings
from orchestration.warehouse.resource import WarehouseResource



@op(description="Send the pending P4 entries (job-completed-successfully) in one digest.")
def send_daily_digest_op(context: OpExecutionContext, warehouse: WarehouseResource,
                         alerting: AlertingResource) -> None:
    with warehouse.connection() as conn:
        via = send_daily_digest(alerting.router(conn))
    context.log.info(f"daily digest: {via or 'nothing to send'}")


@op(description="The weekly-metrics-summary: runs, durations, row counts, alerts of the week.")
def send_weekly_summary_op(context: OpExecutionContext, warehouse: WarehouseResource,
                           alerting: AlertingResource) -> None:
    with warehouse.connection() as conn:
        via = send_weekly_summary(conn, alerting.router(conn), instance=context.instance)
    context.log.info(f"weekly summary: {via}")


@job(name=DAILY_DIGEST_JOB,
     description="P4 daily digest (email via SMTP, or a file in $PST_HOME/digests).")
def daily_digest_job():
    send_daily_digest_op()


@job(name=WEEKLY_SUMMARY_JOB,
     description="P4 weekly metrics summary (email via SMTP, or a file in $PST_HOME/digests).")
def weekly_summary_job():
    send_weekly_summary_op()


def digest_schedules(settings: Settings) -> list[ScheduleDefinition]:
    return [
        ScheduleDefinition(job=daily_digest_job, cron_schedule="0 7 * * *",
                           execution_timezone=settings.plant_timezone, name="daily_digest",
                           default_status=DefaultScheduleStatus.RUNNING),
        ScheduleDefinition(job=weekly_summary_job, cron_schedule="0 7 * * 1",
                           execution_timezone=settings.plant_timezone,
                           name="weekly_metrics_summary",
                           default_status=DefaultScheduleStatus.RUNNING),
    ]
