"""The ERP's inventory table (read only in production; the CSV stand-in locally)."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.erp.assets import inventory_assets
from orchestration.defs.erp.checks import erp_checks
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(assets=[inventory_assets(partitions)],
                       asset_checks=erp_checks(partitions, settings))
