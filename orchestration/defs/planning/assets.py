"""planning/schedule_report: the run_date's HTML report, written after the publish.
An asset of its own so that a report that cannot be written never holds back the
published schedule, and a planner can rematerialize it alone from the UI."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    asset,
)

from orchestration.defs.sources import ONE_RUN_DATE_PER_RUN
from orchestration.metadata import OWNERS
from orchestration.partitions import run_date_of
from orchestration.planning import queries
from orchestration.planning.metadata import changes_markdown
from orchestration.planning.report import reports_dir, write_report
from orchestration.warehouse.resource import WarehouseResource

REPORT_KEY = AssetKey(["planning", "schedule_report"])
READS = [AssetKey(["dwh", "fact_production_schedule"]),
         AssetKey(["dwh", "schedule_changes_by_location"]),
         AssetKey(["stg2", "ps_schedule_explain"])]


def schedule_report_asset(partitions: PartitionsDefinition):
    @asset(key=REPORT_KEY, group_name="planning", partitions_def=partitions, deps=READS,
           owners=OWNERS, kinds={"html"}, backfill_policy=ONE_RUN_DATE_PER_RUN,
           description="The planners' schedule report of the run_date: one self-contained "
                       "HTML file ($PST_HOME/reports/schedule_<run_date>.html, no network "
                       "needed) with tomorrow's schedule, capacity over the horizon, the "
                       "items not fully served and why, the changes since the previous "
                       "plan, QA findings and alerts. docs/planners.md.")
    def schedule_report(context: AssetExecutionContext,
                        warehouse: WarehouseResource) -> MaterializeResult:
        run_date = run_date_of(context)
        with warehouse.connection() as conn:
            data = queries.report_data(conn, run_date)
        path = write_report(data, reports_dir())
        context.log.info(f"schedule report: {path}")
        return MaterializeResult(metadata={
            "path": MetadataValue.path(str(path)),
            "size_kb": round(path.stat().st_size / 1024),
            "not fully served tomorrow": len(data.not_fully_served),
            "item-days changed": len(data.changes),
            "changes since the previous plan": MetadataValue.md(changes_markdown(
                data.previous_run_date, data.changes_by_location)),
        })

    return schedule_report
