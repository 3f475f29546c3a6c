"""The legacy schedule the parallel run compares with, as the comparison's upstream
asset (an input like the other sources, landed with them): read only in production
(the legacy job owns it); in the local form legacy_schedule.csv, when present, is
loaded into it."""

from dagster import AssetExecutionContext, MaterializeResult, PartitionsDefinition, asset

from orchestration import settings
from orchestration.defs.sources import ONE_RUN_DATE_PER_RUN, SOURCES_GROUP
from orchestration.metadata import OWNERS
from orchestration.parallel_run.legacy_schedule import (
    LEGACY_CSV,
    load_local_legacy_csv,
    schedule_rows_of,
)
from orchestration.partitions import run_date_of
from orchestration.warehouse.resource import WarehouseResource

LEGACY_SCHEDULE = ["legacy", "fact_production_schedule"]


def legacy_schedule_asset(partitions: PartitionsDefinition):
    @asset(key=LEGACY_SCHEDULE, group_name=SOURCES_GROUP, partitions_def=partitions, owners=OWNERS,
           kinds={"postgres"}, backfill_policy=ONE_RUN_DATE_PER_RUN,
           description="The legacy (Matillion) schedule the parallel run compares with "
                       "(PST_LEGACY_SCHEDULE_RELATION). Production: owned by the legacy job, "
                       "read only. Local form: legacy_schedule.csv, when present, loaded here.")
    def legacy_fact_production_schedule(context: AssetExecutionContext,
                                        warehouse: WarehouseResource) -> MaterializeResult:
        run_date = run_date_of(context)
        relation = settings.legacy_schedule_relation()
        with warehouse.connection() as conn:
            loaded = load_local_legacy_csv(conn)
            rows = schedule_rows_of(conn, relation, run_date)
        if loaded:
            context.log.info(f"{LEGACY_CSV}: {loaded[1].rows:,} rows of "
                             f"{len(loaded[1].run_dates)} run_date(s) loaded")
        return MaterializeResult(metadata={
            "dagster/row_count": rows or 0, "relation": ".".join(relation),
            "compared": bool(rows),
            "owned_by": f"{LEGACY_CSV} (local form)" if loaded
            else "the legacy job (read only)"})

    return legacy_fact_production_schedule
