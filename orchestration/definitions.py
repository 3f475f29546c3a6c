"""The Dagster code location of the Production Scheduling Tool."""

from __future__ import annotations

import warnings

from dagster import BetaWarning, Definitions, PreviewWarning, in_process_executor

# Chosen deliberately and pinned (pyproject.toml): partitioned asset checks (preview)
# and dagster-aws' SecretsManagerResource (beta). Their notices would print on every load.
warnings.filterwarnings("ignore", category=PreviewWarning)
warnings.filterwarnings("ignore", category=BetaWarning)
from dagster_aws.s3 import S3Resource
from dagster_aws.secretsmanager import SecretsManagerResource
from dagster_dbt import DbtCliResource

from orchestration.alerting.service import AlertingResource
from orchestration.assets.dbt import dbt_model_assets
from orchestration.assets.sources import source_assets
from orchestration.checks.schedule import schedule_checks
from orchestration.checks.soda import soda_checks
from orchestration.checks.sources import source_checks
from orchestration.checks.tables import table_checks
from orchestration.dbt_project_def import DBT_EXECUTABLE, dbt_project
from orchestration.jobs import (
    daily_digest_job,
    daily_schedule,
    digest_schedules,
    land_sources_job,
    production_schedule_job,
    staffing_remediation_job,
    weekly_summary_job,
)
from orchestration.resources import (
    GoogleSheetsSource,
    LocalFormSources,
    RawArchiveResource,
    SchedulingParameters,
    SourceCredentials,
    SupplybuySource,
    WarehouseResource,
)
from orchestration.resources.monitoring import MonitoringSettings
from orchestration.sensors import sensors


# AWS clients take region, endpoint and credentials from the usual AWS environment
# (AWS_REGION, AWS_ENDPOINT_URL, the ECS task role); they are built only when used.
credentials = SourceCredentials(secrets_manager=SecretsManagerResource())

defs = Definitions(
    assets=[*source_assets, *dbt_model_assets],
    asset_checks=[*schedule_checks, *source_checks, *table_checks, *soda_checks],
    jobs=[production_schedule_job, land_sources_job, staffing_remediation_job, daily_digest_job,
          weekly_summary_job],
    schedules=[daily_schedule(), *digest_schedules()],
    sensors=sensors,
    # One process per run: the steps of a run share the definitions loaded once by the
    # run worker (the multiprocess default re-imports them in a process per step, which
    # on 2 cores costs more than the steps). Step retries work the same in process.
    executor=in_process_executor,
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        "warehouse": WarehouseResource(),
        "local_sources": LocalFormSources(),
        "sheets": GoogleSheetsSource(credentials=credentials),
        "supplybuy": SupplybuySource(credentials=credentials),
        "raw_archive": RawArchiveResource(s3=S3Resource()),
        "scheduling": SchedulingParameters(),
        "monitoring": MonitoringSettings(),
        "alerting": AlertingResource(),
    },
)
