"""Soda data contracts (soda/contracts/*.yml) as asset checks."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.soda.checks import soda_checks
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(asset_checks=soda_checks(partitions))
