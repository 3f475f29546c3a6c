"""Supplybuy: the demand API's pull of a run_date (asset, check, the resource)."""

from dagster import Definitions, PartitionsDefinition
from dagster_aws.secretsmanager import SecretsManagerResource

from orchestration.defs.sources import fetch_retry_policy
from orchestration.defs.supplybuy.assets import supplybuy_forecasts_asset
from orchestration.defs.supplybuy.checks import supplybuy_checks
from orchestration.defs.supplybuy.resource import SupplybuySource
from orchestration.landing.credentials import SourceCredentials
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
    return Definitions(
        assets=[supplybuy_forecasts_asset(partitions, fetch_retry_policy(settings))],
        asset_checks=supplybuy_checks(partitions, settings),
        resources={"supplybuy": SupplybuySource(
            credentials=credentials,
            rate_limit_budget_seconds=settings.supplybuy_rate_limit_seconds)})
