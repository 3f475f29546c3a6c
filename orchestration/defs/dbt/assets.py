"""The dbt models as Dagster assets, one partition = one run_date: two dbt
invocations per partition (write-audit-publish), with the blocking checks on the
staged schedule between them."""

import json
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    AssetsDefinition,
    BackfillPolicy,
    Failure,
    Output,
    PartitionsDefinition,
)
from dagster_dbt import dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from psycopg2 import sql

from orchestration.alarms import alarm
from orchestration.check_results import outcome_metadata
from orchestration.defs.dbt import event_stream
from orchestration.defs.dbt.args import dbt_build_args, dbt_run_env
from orchestration.defs.dbt.cli import PlatformDbtCliResource
from orchestration.defs.dbt.project import dbt_project, runs_target_path
from orchestration.defs.dbt.translator import ProductionSchedulingTranslator, test_alarm
from orchestration.defs.schedule.resources import SchedulingParameters
from orchestration.partitions import run_date_of
from orchestration.planning.metadata import changes_metadata, published_schedule_metadata
from orchestration.warehouse.resource import WarehouseResource

event_stream.install()  # dagster-dbt's column-metadata stream without its busy wait (D76)

PUBLISH_MODEL = "fact_production_schedule"
PUBLISHED_KEY = AssetKey(["dwh", PUBLISH_MODEL])
CHANGES_BY_LOCATION_MODEL = "schedule_changes_by_location"
# The parallel run's comparison with the legacy schedule: built right after the publish,
# in its invocation (one dbt process less per run; nothing to compare writes nothing).
PARALLEL_RUN_MODELS = "path:models/parallel_run"
# What changed since the previous plan: it reads the published schedule of both plans.
PLANNING_MART_MODELS = "path:models/marts/planning"
PUBLISH_SELECTION = f"{PUBLISH_MODEL} {PLANNING_MART_MODELS} {PARALLEL_RUN_MODELS}"
BUILD_ASSETS, PUBLISH_ASSETS = "production_schedule_dbt_models", "publish_production_schedule"


def manifest_path():
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest not found at {dbt_project.manifest_path}: prepare it with "
            "`make dbt-manifest` (make run and make dev do it when a dbt file changed).")
    return dbt_project.manifest_path


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


def with_alarm(result: AssetCheckResult, test_props: Mapping[str, Any]) -> AssetCheckResult:
    """A dbt test that owns an alarm reports like every platform check (pst_* metadata,
    check_results.py), so the alert path reads the alarm, not the test's name."""
    owned = test_alarm(test_props)
    if owned is None:
        return result
    failures = result.metadata.get("dagster_dbt/failed_row_count")
    summary = (f"dbt test {result.check_name}: "
               + ("passed" if result.passed else
                  f"{failures.value if failures else 'some'} failing row(s)"))
    extra = outcome_metadata(condition=f"dbt:{result.check_name}", summary=summary,
                             alarm=None if result.passed else owned,
                             severity=None if result.passed else alarm(owned).severity)
    return AssetCheckResult(asset_key=result.asset_key, check_name=result.check_name,
                            passed=result.passed, severity=result.severity,
                            description=result.description, metadata={**result.metadata, **extra})


def _annotated(events: Iterator, context: AssetExecutionContext, warehouse: WarehouseResource,
               run_manifest: Path) -> Iterator:
    """`dagster/row_count` on each built model's materialization (partition-aware), and
    the alarm of each test that owns one. Relations come from the run's own manifest
    (dbt writes it before running anything): the target decides the schemas."""
    run_date = run_date_of(context)
    manifest: dict = {}
    with warehouse.connection() as conn, conn.cursor() as cur:
        for event in events:
            if not manifest and run_manifest.exists():
                manifest = json.loads(run_manifest.read_text())
            unique_id = event.metadata.get("unique_id") if hasattr(event, "metadata") else None
            node = manifest.get("nodes", {}).get(unique_id.value) if unique_id else None
            if isinstance(event, Output) and node is not None:
                query = row_count_query(node)
                extra = {}
                if query is not None:
                    cur.execute(query, {"run_date": run_date})
                    extra["dagster/row_count"] = cur.fetchone()[0]
                extra.update(planners_metadata(cur, node["name"], run_date))
                event = event.with_metadata({**event.metadata, **extra})
                if node["name"] == CHANGES_BY_LOCATION_MODEL:
                    # the changes are built after the publish asset's output: they reach
                    # its page as an observation of the same partition
                    yield event
                    event = AssetObservation(asset_key=PUBLISHED_KEY, partition=context.partition_key,
                                             metadata={k: v for k, v in extra.items()
                                                       if k != "dagster/row_count"})
            elif isinstance(event, AssetCheckResult) and node is not None:
                event = with_alarm(event, node)
            yield event


def planners_metadata(cur, model: str, run_date) -> dict:
    """What a planner reads on the asset page (orchestration/planning/metadata.py)."""
    if model == PUBLISH_MODEL:
        return published_schedule_metadata(cur, run_date)
    if model == CHANGES_BY_LOCATION_MODEL:
        return changes_metadata(cur, run_date)
    return {}


def _build(context: AssetExecutionContext, dbt: PlatformDbtCliResource,
           warehouse: WarehouseResource, scheduling: SchedulingParameters):
    warehouse.target()  # start/locate the warehouse and export the dbt profile's connection
    args = dbt_build_args(scheduling.horizon_days, scheduling.demand_window_days,
                          scheduling.line_rounding_increment)
    if not sys.stdout.isatty():  # a log file or the UI's captured output: no colour codes
        args.append("--no-use-colors")
    # One target folder for every run of this home (runs queue one at a time, D49) instead
    # of dagster-dbt's folder per run, which would pile up under dbt_project/target.
    invocation = dbt.cli(args, context=context, target_path=runs_target_path(),
                         env=dbt_run_env(run_date_of(context)))
    # the column schema of each model: what the schema-drift checks compare (D55)
    events = invocation.stream().fetch_column_metadata(with_column_lineage=False)
    try:
        yield from _annotated(events, context, warehouse, invocation.target_path / "manifest.json")
    except DagsterDbtCliRuntimeError as error:
        # the page and the console say which nodes failed and why, not dbt's command line
        raise Failure(description=dbt_errors(invocation.target_path / "run_results.json")
                      or str(error).splitlines()[0]) from error


def dbt_errors(run_results: Path, limit: int = 3) -> str | None:
    """'dbt build: N node(s) failed: model x: <first line of its error>; ...'."""
    if not run_results.exists():
        return None
    results = json.loads(run_results.read_text()).get("results", [])
    failed = [r for r in results if r.get("status") in ("error", "fail")]
    if not failed:
        return None
    parts = []
    for r in failed[:limit]:
        lines = [x.strip() for x in (r.get("message") or "").splitlines() if x.strip()]
        reason = next((x for x in lines if not x.startswith(("Database Error", "compiled"))),
                      lines[0] if lines else r["status"])
        kind, _package, name = r["unique_id"].split(".")[:3]  # <type>.<package>.<name>[.<hash>]
        parts.append(f"{kind} {name}: {reason}")
    more = f"; and {len(failed) - limit} more" if len(failed) > limit else ""
    return f"dbt build: {len(failed)} node(s) failed: " + "; ".join(parts) + more


def dbt_model_assets(partitions: PartitionsDefinition) -> list[AssetsDefinition]:
    common = dict(
        manifest=manifest_path(),
        project=dbt_project,
        partitions_def=partitions,
        dagster_dbt_translator=ProductionSchedulingTranslator(partitions),
        # The models are built for one run_date at a time: a backfill is one run per partition.
        backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
        # stg2 holds one run_date at a time: builds of different partitions queue (pool limit 1).
        pool="pst_schedule_build",
    )

    @dbt_assets(exclude=PUBLISH_SELECTION, name=BUILD_ASSETS, **common)
    def production_schedule_dbt_models(context: AssetExecutionContext,
                                       dbt: PlatformDbtCliResource,
                                       warehouse: WarehouseResource,
                                       scheduling: SchedulingParameters):
        """Write and audit: `dbt build` of every model up to the staged schedule and the QA
        tables for the partition's run_date, then their tests (asset checks)."""
        yield from _build(context, dbt, warehouse, scheduling)

    @dbt_assets(select=PUBLISH_SELECTION, name=PUBLISH_ASSETS, **common)
    def publish_production_schedule(context: AssetExecutionContext,
                                    dbt: PlatformDbtCliResource,
                                    warehouse: WarehouseResource,
                                    scheduling: SchedulingParameters):
        """Publish: dwh.fact_production_schedule for the run_date (PST_PUBLISH_SCHEMA during
        the parallel run), a step of its own so that the blocking checks on the staged
        schedule sit between audit and publish; then the parallel run's comparison with
        the legacy schedule (parallel_run/*)."""
        yield from _build(context, dbt, warehouse, scheduling)

    return [production_schedule_dbt_models, publish_production_schedule]
