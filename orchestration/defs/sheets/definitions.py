"""Google Sheets: the configuration workbook's tabs (assets, checks, the resource)."""

from dagster import Definitions, PartitionsDefinition
from dagster_aws.secretsmanager import SecretsManagerResource

from orchestration.defs.sheets.assets import sheet_tab_assets
from orchestration.defs.sheets.checks import sheet_checks
from orchestration.defs.sheets.resource import GoogleSheetsSource
from orchestration.defs.sources import fetch_retry_policy
from orchestration.landing.credentials import SourceCredentials
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
    return Definitions(
        assets=sheet_tab_assets(partitions, fetch_retry_policy(settings), settings.today),
        asset_checks=sheet_checks(partitions, settings),
        resources={"sheets": GoogleSheetsSource(credentials=credentials)})
