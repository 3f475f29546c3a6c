"""Jobs and schedules: the daily job, the staffing remediation, the digests."""


from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    OpExecutionContext,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
    job,
    op,
)

from orchestration import settings
from orchestration.alerting.digest import send_daily_digest, send_weekly_summary
from orchestration.alerting.runs import DAILY_JOB, REMEDIATION_JOB
from orchestration.alerting.service import AlertingResource
from orchestration.assets.sources import SOURCES_GROUP
from orchestration.resources.warehouse import WarehouseResource

production_schedule_job = define_asset_job(
    name=DAILY_JOB,
    selection=AssetSelection.all(),
    description="Land the sources for run_date, then build the schedule for run_date+1 .. run_date+H.",
)

# The sources of one run_date, nothing built: what an analyst needs before a `dbt build`
# of a run_date that was never run (`make land RUN_DATE=...`).
land_sources_job = define_asset_job(
    name="land_sources_job",
    selection=AssetSelection.groups(SOURCES_GROUP),
    description="Land the Sheets tabs, the Supplybuy pull and the inventory for run_date "
                "(no dbt build, nothing published).",
)

STAFFING_TABS = [AssetKey(["raw", "sheets_staffing"]), AssetKey(["raw", "sheets_staffing_defaults"])]

# Auto-remediation of staffing-data-missing: the staffing load again, and everything
# it feeds, once; only if the problem persists is the alarm raised.
staffing_remediation_job = define_asset_job(
    name=REMEDIATION_JOB,
    selection=AssetSelection.assets(*STAFFING_TABS).downstream(),
    description="Re-run the staffing load (and what it feeds) once for a run_date whose "
                "staffing was missing or failed to load.",
)


def daily_schedule():
    """Runs today's partition at PST_SCHEDULE_HOUR:PST_SCHEDULE_MINUTE plant time (default 05:00)."""
    return build_schedule_from_partitioned_job(
        production_schedule_job,
        hour_of_day=settings.schedule_hour(),
        minute_of_hour=settings.schedule_minute(),
        name="production_schedule_daily",
        default_status=DefaultScheduleStatus.RUNNING,
    )


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


@job(description="P4 daily digest (email via SMTP, or a file in $PST_HOME/digests).")
def daily_digest_job():
    send_daily_digest_op()


@job(description="P4 weekly metrics summary (email via SMTP, or a file in $PST_HOME/digests).")
def weekly_summary_job():
    send_weekly_summary_op()


def digest_schedules() -> list[ScheduleDefinition]:
    timezone = settings.plant_timezone()
    return [
        ScheduleDefinition(job=daily_digest_job, cron_schedule="0 7 * * *",
                           execution_timezone=timezone, name="daily_digest",
                           default_status=DefaultScheduleStatus.RUNNING),
        ScheduleDefinition(job=weekly_summary_job, cron_schedule="0 7 * * 1",
                           execution_timezone=timezone, name="weekly_metrics_summary",
                           default_status=DefaultScheduleStatus.RUNNING),
    ]
