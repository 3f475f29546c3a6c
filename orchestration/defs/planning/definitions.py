"""The planners' report (docs/planners.md)."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.planning.assets import schedule_report_asset
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(assets=[schedule_report_asset(partitions)])
