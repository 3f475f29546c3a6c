"""ERP inventory: read only in production (PST_ERP_INVENTORY=erp, D36); in the local
form inventory_snapshot.csv is loaded into erp.inventory_snapshot (D31)."""

from datetime import datetime, timezone

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    MaterializeResult,
    PartitionsDefinition,
    multi_asset,
)

from orchestration import settings
from orchestration.defs.sources import ONE_RUN_DATE_PER_RUN, SOURCES_GROUP, column_schema
from orchestration.landing import inventory_file, landing, specs
from orchestration.landing.local_form import LocalFormSources
from orchestration.metadata import OWNERS
from orchestration.partitions import run_date_of
from orchestration.warehouse.resource import WarehouseResource

INVENTORY = list(specs.INVENTORY_TABLE)
REJECTS = list(specs.INVENTORY_REJECTS_TABLE)


def inventory_assets(partitions: PartitionsDefinition) -> AssetsDefinition:
    @multi_asset(
        name="inventory_snapshot",
        specs=[
            AssetSpec(INVENTORY, kinds={"postgres"}, owners=OWNERS,
                      description="ERP inventory. Production: maintained by the ERP (read only). "
                                  "Local form: inventory_snapshot.csv loaded here."),
            AssetSpec(REJECTS, kinds={"postgres"}, owners=OWNERS,
                      description="Rows of inventory_snapshot.csv that could not be typed "
                                  "(reported as QA codes 8 and 7), kept per run_date."),
        ],
        group_name=SOURCES_GROUP,
        partitions_def=partitions,
        backfill_policy=ONE_RUN_DATE_PER_RUN,
    )
    def inventory_snapshot(context: AssetExecutionContext, warehouse: WarehouseResource,
                           local_sources: LocalFormSources):
        run_date = run_date_of(context)
        if settings.erp_owns_inventory():
            yield from _observe_erp_inventory(warehouse, run_date)
            return
        digest = inventory_file.file_digest(local_sources.inventory_file())
        with warehouse.connection() as conn:
            landed, rejected, reused = inventory_file.land_inventory_file(
                conn, digest, local_sources.inventory_rows, run_date, datetime.now(timezone.utc))
            schema = column_schema(conn, specs.INVENTORY_TABLE)
        if rejected:
            context.log.warning(f"inventory_snapshot.csv: {rejected} row(s) could not be typed "
                                "(kept in raw.erp_inventory_snapshot_rejects, reported as QA "
                                "codes 8 and 7)")
        yield MaterializeResult(asset_key=INVENTORY, metadata={
            "dagster/row_count": landed, **schema, "file_sha256": digest,
            # the same file as the last load: the table was kept, not copied again (D74)
            "reloaded": not reused})
        yield MaterializeResult(asset_key=REJECTS, metadata={"dagster/row_count": rejected})

    return inventory_snapshot


def _observe_erp_inventory(warehouse: WarehouseResource, run_date):
    """Production: the ERP owns erp.inventory_snapshot; the platform only reads it."""
    with warehouse.connection() as conn:
        rows, latest = landing.inventory_as_of(conn, run_date)
        landing.clear_inventory_rejects(conn, run_date)
        schema = column_schema(conn, specs.INVENTORY_TABLE)
    yield MaterializeResult(asset_key=INVENTORY,
                            metadata={"dagster/row_count": rows, **schema,
                                      "latest_snapshot_dt": latest.isoformat() if latest else None,
                                      "owned_by": "ERP (read only)"})
    yield MaterializeResult(asset_key=REJECTS, metadata={"dagster/row_count": 0})
