"""Landing assets: each source lands as text, one partition = one run_date.

Re-materializing a partition replaces that partition's rows only.
"""


from datetime import datetime, timezone

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    asset,
    multi_asset,
)

from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources import LocalFormSources, SchedulingParameters, WarehouseResource
from orchestration.sources import landing, specs

SOURCES_GROUP = "sources"
ONE_RUN_DATE_PER_RUN = BackfillPolicy.multi_run(max_partitions_per_run=1)


def build_sheet_tab_asset(tab: specs.SheetTab) -> AssetsDefinition:
    schema, table = tab.raw_table

    @asset(
        name=table,
        key_prefix=[schema],
        group_name=SOURCES_GROUP,
        partitions_def=daily_run_dates,
    backfill_policy=ONE_RUN_DATE_PER_RUN,
        kinds={"googlesheets", "postgres"},
        description=f"Sheet tab '{tab.name}' as typed in (all cells text), snapshot = run_date.",
    )
    def _sheet_tab(context: AssetExecutionContext, warehouse: WarehouseResource,
                   local_sources: LocalFormSources) -> MaterializeResult:
        run_date = run_date_of(context)
        extra_columns, rows = local_sources.sheet_tab(tab)
        with warehouse.connection() as conn:
            landed = landing.land_sheet_tab(conn, tab, rows, run_date, datetime.now(timezone.utc),
                                            extra_columns)
        if extra_columns:
            # Kept in _extra_columns; schema-drift alerting reads this metadata.
            context.log.warning(f"tab '{tab.name}': unexpected column(s) {extra_columns} kept")
        return MaterializeResult(metadata={
            "dagster/row_count": landed,
            "snapshot_dt": run_date.isoformat(),
            "extra_columns": extra_columns,
        })

    return _sheet_tab


sheet_tab_assets = [build_sheet_tab_asset(tab) for tab in specs.SHEET_TABS.values()]


@asset(
    key_prefix=["raw"],
    group_name=SOURCES_GROUP,
    partitions_def=daily_run_dates,
    backfill_policy=ONE_RUN_DATE_PER_RUN,
    kinds={"api", "postgres"},
    description="The Supplybuy pull of run_date: forecast dates run_date+1 .. run_date+H+W-1.",
)
def supplybuy_forecasts(context: AssetExecutionContext, warehouse: WarehouseResource,
                        local_sources: LocalFormSources,
                        scheduling: SchedulingParameters) -> MaterializeResult:
    run_date = run_date_of(context)
    records = local_sources.forecast_records(run_date, scheduling.horizon_days,
                                             scheduling.demand_window_days)
    with warehouse.connection() as conn:
        landed = landing.land_forecasts(conn, records, run_date, datetime.now(timezone.utc))
    return MaterializeResult(metadata={"dagster/row_count": landed,
                                       "snapshot_dt": run_date.isoformat()})


@multi_asset(
    specs=[
        AssetSpec(["erp", "inventory_snapshot"], kinds={"postgres"},
                  description="ERP inventory. Production: maintained by the ERP (read only). "
                              "Local form: inventory_snapshot.csv loaded here."),
        AssetSpec(["raw", "erp_inventory_snapshot_rejects"], kinds={"postgres"},
                  description="Rows of inventory_snapshot.csv that could not be typed "
                              "(reported as QA code 7), kept per run_date."),
    ],
    group_name=SOURCES_GROUP,
    partitions_def=daily_run_dates,
    backfill_policy=ONE_RUN_DATE_PER_RUN,
)
def inventory_snapshot(context: AssetExecutionContext, warehouse: WarehouseResource,
                       local_sources: LocalFormSources):
    run_date = run_date_of(context)
    valid, rejects = local_sources.inventory_rows()
    with warehouse.connection() as conn:
        landed, rejected = landing.land_inventory(conn, valid, rejects, run_date,
                                                  datetime.now(timezone.utc))
    if rejected:
        context.log.warning(f"inventory_snapshot.csv: {rejected} row(s) could not be typed "
                            "(kept in raw.erp_inventory_snapshot_rejects, reported as QA code 7)")
    yield MaterializeResult(asset_key=["erp", "inventory_snapshot"],
                            metadata={"dagster/row_count": landed})
    yield MaterializeResult(asset_key=["raw", "erp_inventory_snapshot_rejects"],
                            metadata={"dagster/row_count": rejected})


source_assets = [*sheet_tab_assets, supplybuy_forecasts, inventory_snapshot]
