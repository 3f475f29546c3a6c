"""The parallel run (docs/operations.md "Parallel run and cutover")."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.parallel_run.assets import legacy_schedule_asset
from orchestration.defs.parallel_run.checks import parallel_run_checks
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(assets=[legacy_schedule_asset(partitions)],
                       asset_checks=parallel_run_checks(partitions, settings))
