"""The schedule's jobs: the daily job (every asset of a run_date), landing only, and
the daily schedule that runs today's partition."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
)

from dagster._core.definitions.unresolved_asset_job_definition import (
    UnresolvedAssetJobDefinition,
)

from orchestration.defs.job_names import DAILY_JOB, LAND_JOB
from orchestration.defs.sources import SOURCES_GROUP
from orchestration.settings import Settings


def production_schedule_job() -> UnresolvedAssetJobDefinition:
    return define_asset_job(
        name=DAILY_JOB,
        selection=AssetSelection.all(),
        description="Land the sources for run_date, then build the schedule for "
                    "run_date+1 .. run_date+H.")


def land_sources_job() -> UnresolvedAssetJobDefinition:
    """The sources of one run_date, nothing built: what an analyst needs before a
    `dbt build` of a run_date that was never run (`make land RUN_DATE=...`)."""
    return define_asset_job(
        name=LAND_JOB,
        selection=AssetSelection.groups(SOURCES_GROUP),
        description="Land the Sheets tabs, the Supplybuy pull and the inventory for run_date "
                    "(no dbt build, nothing published).")


def daily_schedule(job: UnresolvedAssetJobDefinition, settings: Settings) -> ScheduleDefinition:
    """Today's partition at the configured hour, plant time (default 05:00)."""
    return build_schedule_from_partitioned_job(
        job, hour_of_day=settings.schedule_hour, minute_of_hour=settings.schedule_minute,
        name="production_schedule_daily", default_status=DefaultScheduleStatus.RUNNING)
