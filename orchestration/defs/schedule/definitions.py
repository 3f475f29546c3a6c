"""The schedule: the daily job and its schedule, landing only, the checks between
build and publish, and the run configuration H, W, R."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.schedule.checks import schedule_checks
from orchestration.defs.schedule.jobs import daily_schedule, land_sources_job, production_schedule_job
from orchestration.defs.schedule.resources import SchedulingParameters
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    daily = production_schedule_job()
    s = settings.scheduling
    return Definitions(
        jobs=[daily, land_sources_job()],
        schedules=[daily_schedule(daily, settings)],
        asset_checks=schedule_checks(partitions, settings),
        resources={"scheduling": SchedulingParameters(
            horizon_days=s.horizon_days, demand_window_days=s.demand_window_days,
            line_rounding_increment=float(s.line_rounding_increment))})
