"""Monitoring: findings -> alerts (router, alert log, Slack, digest), the sensors
that watch finished and running runs, the P4 reports, and the checks of tables
as a whole (schema drift, history growth)."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.monitoring.history_growth import history_growth_checks
from orchestration.defs.monitoring.jobs import daily_digest_job, digest_schedules, weekly_summary_job
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.defs.monitoring.schema_drift import schema_drift_checks
from orchestration.defs.monitoring.sensors import monitoring_sensors
from orchestration.defs.monitoring.service import AlertingResource
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(
        jobs=[daily_digest_job, weekly_summary_job],
        schedules=digest_schedules(settings),
        sensors=monitoring_sensors(),
        asset_checks=[*history_growth_checks(partitions, settings), *schema_drift_checks()],
        resources={"monitoring": MonitoringSettings.from_thresholds(settings.thresholds),
                   "alerting": AlertingResource()})
