"""The dbt models as Dagster assets, one partition = one run_date."""


from pathlib import Path
from typing import Any, Mapping, Optional

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

import os

from orchestration.dbt_args import dbt_build_args, dbt_env
from orchestration.dbt_project_def import dbt_project
from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources import SchedulingParameters, WarehouseResource

RUNS_TARGET_PATH = Path(dbt_project.project_dir) / "target" / "dagster_runs"

# The warehouse schema each top-level model folder builds into (dbt_project.yml).
_FOLDER_SCHEMA = {"staging": "stg", "intermediate": "stg2", "marts": "dwh"}


class ProductionSchedulingTranslator(DagsterDbtTranslator):
    """Stable keys `<schema>/<model>` and groups named after the model's folder.

    Keys follow the warehouse relation (stg2/ps_staffing_by_dt), which is what
    on-call engineers and analysts search for. Sources keep the key given in
    their yml (`meta.dagster.asset_key`), linking them to the landing assets.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] != "model":
            return super().get_asset_key(dbt_resource_props)
        folder = _model_folders(dbt_resource_props)[0]
        return AssetKey([_FOLDER_SCHEMA.get(folder, folder), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] != "model":
            return super().get_group_name(dbt_resource_props)
        folders = _model_folders(dbt_resource_props)
        # intermediate/ is split by stage (inputs, scheduling); the others by layer.
        return folders[1] if folders[0] == "intermediate" and len(folders) > 1 else folders[0]


def _model_folders(dbt_resource_props: Mapping[str, Any]) -> list[str]:
    # fqn = [project, folder, subfolder..., model_name]
    folders = list(dbt_resource_props["fqn"][1:-1])
    return folders or ["models"]


translator = ProductionSchedulingTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
)


PUBLISH_MODEL = "fact_production_schedule"
_DBT_ASSET_SETTINGS = dict(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=daily_run_dates,
    dagster_dbt_translator=translator,
    # The models are built for one run_date at a time: a backfill is one run per partition.
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    # stg2 holds one run_date at a time: builds of different partitions queue (pool limit 1).
    pool="pst_schedule_build",
)


def _build(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
           scheduling: SchedulingParameters):
    warehouse.target()  # start/locate the warehouse and export the dbt profile's env
    # dbt runs as a subprocess of this step and inherits the partition's run_date;
    # the pool keeps dbt builds one at a time, so the process environment is not shared.
    os.environ.update(dbt_env(run_date_of(context)))
    args = dbt_build_args(scheduling.horizon_days, scheduling.demand_window_days,
                          scheduling.line_rounding_increment)
    # One target folder for every run (builds are serialized by the pool) instead of
    # dagster-dbt's folder per run, which would pile up under dbt_project/target.
    yield from dbt.cli(args, context=context, target_path=RUNS_TARGET_PATH).stream()


@dbt_assets(exclude=PUBLISH_MODEL, name="production_schedule_dbt_models", **_DBT_ASSET_SETTINGS)
def production_schedule_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource,
                                   warehouse: WarehouseResource,
                                   scheduling: SchedulingParameters):
    """Write and audit: `dbt build` of every model up to the staged schedule and the QA
    tables for the partition's run_date, then their tests (asset checks)."""
    yield from _build(context, dbt, warehouse, scheduling)


@dbt_assets(select=PUBLISH_MODEL, name="publish_production_schedule", **_DBT_ASSET_SETTINGS)
def publish_production_schedule(context: AssetExecutionContext, dbt: DbtCliResource,
                                warehouse: WarehouseResource, scheduling: SchedulingParameters):
    """Publish: dwh.fact_production_schedule for the run_date, a step of its own so
    that the blocking checks on the staged schedule sit between audit and publish."""
    yield from _build(context, dbt, warehouse, scheduling)


dbt_model_assets = [production_schedule_dbt_models, publish_production_schedule]
