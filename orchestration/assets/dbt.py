"""The dbt models as Dagster assets, one partition = one run_date."""

import os
import sys
from typing import Any, Iterator, Mapping, Optional, Sequence

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Output,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from psycopg2 import sql

from orchestration.dbt_args import dbt_build_args, dbt_env
from orchestration.dbt_project_def import RUNS_TARGET_PATH, dbt_project
from orchestration.metadata import OWNERS, doc_metadata, runbook_metadata, with_runbook
from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources import SchedulingParameters, WarehouseResource

# The warehouse schema each top-level model folder builds into (dbt_project.yml).
_FOLDER_SCHEMA = {"staging": "stg", "intermediate": "stg2", "marts": "dwh"}
# dbt tests of the section 6 rules raise business-rule-violation (alerting/runs.py);
# any other error-severity test stops the build, which fails the run.
RULE_TESTS = ("assert_fps_rule1", "assert_fps_rule2", "assert_fps_rule3", "assert_fps_rule4")


def alarm_of_dbt_test(test_props: Mapping[str, Any]) -> Optional[str]:
    """The alarm a failing dbt test leads to (its runbook is linked from the check)."""
    if test_props["name"].startswith(RULE_TESTS):
        return "business-rule-violation"
    severity = (test_props.get("config", {}).get("severity") or "error").lower()
    return "prod-schedule-job-failed" if severity == "error" else None


class ProductionSchedulingTranslator(DagsterDbtTranslator):
    """Stable keys `<schema>/<model>` and groups named after the model's folder.

    Keys follow the warehouse relation (stg2/ps_staffing_by_dt), which is what
    on-call engineers and analysts search for. Sources keep the key given in
    their yml (`meta.dagster.asset_key`), linking them to the landing assets.
    dbt tests become checks of the run_date partition they tested, with the
    runbook of the alarm their failure raises.
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

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Optional[Sequence[str]]:
        return OWNERS

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        return {**super().get_metadata(dbt_resource_props), **doc_metadata("docs/architecture.md")}

    def get_asset_check_spec(self, asset_spec, manifest: Mapping[str, Any], unique_id: str,
                             project: Optional[DbtProject]) -> Optional[AssetCheckSpec]:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        alarm_name = alarm_of_dbt_test(test)
        links = runbook_metadata(alarm_name) if alarm_name else doc_metadata("docs/operations.md")
        # Partitioned like the models: a result (or a run that never reached the
        # test) belongs to its run_date, not to the asset as a whole.
        description = spec.description or test.get("description") or f"dbt test {spec.name}"
        return AssetCheckSpec(
            name=spec.name, asset=spec.asset_key,
            description=with_runbook(description, alarm_name),
            additional_deps=spec.additional_deps, blocking=spec.blocking,
            metadata={**spec.metadata, **links}, partitions_def=daily_run_dates)


def _model_folders(dbt_resource_props: Mapping[str, Any]) -> list[str]:
    # fqn = [project, folder, subfolder..., model_name]
    folders = list(dbt_resource_props["fqn"][1:-1])
    return folders or ["models"]


translator = ProductionSchedulingTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
)


def _manifest_path():
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest not found at {dbt_project.manifest_path}: prepare it with "
            "`make dbt-manifest` (make run and make dev do it when a dbt file changed).")
    return dbt_project.manifest_path


PUBLISH_MODEL = "fact_production_schedule"
_DBT_ASSET_SETTINGS = dict(
    manifest=_manifest_path(),
    project=dbt_project,
    partitions_def=daily_run_dates,
    dagster_dbt_translator=translator,
    # The models are built for one run_date at a time: a backfill is one run per partition.
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    # stg2 holds one run_date at a time: builds of different partitions queue (pool limit 1).
    pool="pst_schedule_build",
)


def row_count_query(node: Mapping[str, Any]) -> Optional[sql.Composed]:
    """Rows of the partition a model holds: a table holds the run it was built
    for; an incremental model keyed by run_date, that run_date's rows. Views are
    not counted (counting one runs its whole query)."""
    materialized = node.get("config", {}).get("materialized")
    relation = sql.Identifier(node["schema"], node.get("alias") or node["name"])
    if materialized == "incremental" and node.get("config", {}).get("unique_key") == "run_date":
        return sql.SQL("select count(*) from {} where run_date = %(run_date)s").format(relation)
    if materialized in ("table", "incremental", "pst_fps_dt_iteration"):
        return sql.SQL("select count(*) from {}").format(relation)
    return None


def _with_row_counts(events: Iterator, context: AssetExecutionContext,
                     warehouse: WarehouseResource, manifest: Mapping[str, Any]) -> Iterator:
    """`dagster/row_count` on each built model's materialization (partition-aware)."""
    run_date = run_date_of(context)
    with warehouse.connection() as conn, conn.cursor() as cur:
        for event in events:
            if isinstance(event, Output) and "unique_id" in event.metadata:
                node = manifest["nodes"].get(event.metadata["unique_id"].value)
                query = row_count_query(node) if node else None
                if query is not None:
                    cur.execute(query, {"run_date": run_date})
                    event = event.with_metadata({**event.metadata,
                                                 "dagster/row_count": cur.fetchone()[0]})
            yield event


def _build(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
           scheduling: SchedulingParameters):
    warehouse.target()  # start/locate the warehouse and export the dbt profile's env
    # dbt runs as a subprocess of this step and inherits the partition's run_date;
    # the pool keeps dbt builds one at a time, so the process environment is not shared.
    os.environ.update(dbt_env(run_date_of(context)))
    args = dbt_build_args(scheduling.horizon_days, scheduling.demand_window_days,
                          scheduling.line_rounding_increment)
    if not sys.stdout.isatty():  # a log file or the UI's captured output: no colour codes
        args.append("--no-use-colors")
    # One target folder for every run (builds are serialized by the pool) instead of
    # dagster-dbt's folder per run, which would pile up under dbt_project/target.
    invocation = dbt.cli(args, context=context, target_path=RUNS_TARGET_PATH)
    yield from _with_row_counts(invocation.stream(), context, warehouse, invocation.manifest)


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
