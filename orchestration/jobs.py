"""The daily job and its schedule."""

from __future__ import annotations

import os

from dagster import AssetSelection, define_asset_job, build_schedule_from_partitioned_job

from orchestration.partitions import daily_run_dates

production_schedule_job = define_asset_job(
    name="production_schedule_job",
    selection=AssetSelection.all(),
    partitions_def=daily_run_dates,
    description="Land the sources for run_date, then build the schedule for run_date+1 .. run_date+H.",
)


def daily_schedule():
    """Runs today's partition at PST_SCHEDULE_HOUR:PST_SCHEDULE_MINUTE plant time (default 05:00)."""
    return build_schedule_from_partitioned_job(
        production_schedule_job,
        hour_of_day=int(os.environ.get("PST_SCHEDULE_HOUR", "5")),
        minute_of_hour=int(os.environ.get("PST_SCHEDULE_MINUTE", "0")),
        name="production_schedule_daily",
    )
