"""dbt: the models (staging -> stg2 -> dwh) as assets, their tests as checks."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.dbt.assets import dbt_model_assets
from orchestration.defs.dbt.cli import PlatformDbtCliResource
from orchestration.defs.dbt.project import dbt_executable, dbt_project
from orchestration.settings import Settings  # noqa: F401 - the defs() signature


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(
        assets=dbt_model_assets(partitions),
        resources={"dbt": PlatformDbtCliResource(project_dir=dbt_project,
                                                 dbt_executable=dbt_executable())})
