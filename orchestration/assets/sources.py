"""Landing assets: each source lands as text, one partition = one run_date.

Each asset fetches from the production form when it is configured (Google
Sheets, Supplybuy) and from the local CSV form otherwise; landing is the same
code for both. Re-materializing a partition replaces that partition's rows only.
"""


from datetime import datetime, timezone

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    AssetsDefinition,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
    multi_asset,
)
from dagster import Backoff as RetryBackoff
from dagster import Jitter

from orchestration import settings
from orchestration.metadata import OWNERS, doc_metadata, runbook_metadata
from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources import (
    GoogleSheetsSource,
    LocalFormSources,
    RawArchiveResource,
    SchedulingParameters,
    SupplybuySource,
    WarehouseResource,
)
from orchestration.resources.credentials import CredentialsError
from orchestration.sources import landing, specs
from orchestration.sources.local_files import forecast_window
from orchestration.sources.sheets import SheetsError
from orchestration.sources.snapshots import first_snapshot_dt, snapshot_in_force
from orchestration.sources.supplybuy import SupplybuyAuthError, SupplybuyError
from orchestration.sources.tabular import SourceSchemaError, landing_rows

SOURCES_GROUP = "sources"
ONE_RUN_DATE_PER_RUN = BackfillPolicy.multi_run(max_partitions_per_run=1)
# qa.md prod-schedule-job-failed: "retry 3x with exponential backoff, then alert". Fetches
# retry on their own first (per request); this retries the whole step. Failures a retry
# cannot mend (bad credentials, a missing column) are raised with allow_retries=False.
FETCH_RETRY_POLICY = RetryPolicy(max_retries=settings.step_retries(),
                                 delay=settings.step_retry_delay_seconds(),
                                 backoff=RetryBackoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)
NOT_RETRYABLE = {"google-sheets-auth-failed", "schema-drift-detected", "staffing-data-missing"}


def alarm_failure(error: Exception, alarm: str, **metadata) -> Failure:
    """A step failure that names the alarm it raises (read by the alert router)."""
    auth = isinstance(error, (SupplybuyAuthError, CredentialsError))
    return Failure(description=str(error), metadata={"alarm": alarm, **metadata},
                   allow_retries=not (alarm in NOT_RETRYABLE or auth))


def build_sheet_tab_asset(tab: specs.SheetTab) -> AssetsDefinition:
    schema, table = tab.raw_table

    @asset(
        name=table,
        key_prefix=[schema],
        group_name=SOURCES_GROUP,
        partitions_def=daily_run_dates,
        backfill_policy=ONE_RUN_DATE_PER_RUN,
        kinds={"googlesheets", "postgres"},
        owners=OWNERS,
        metadata=(runbook_metadata("staffing-data-missing") if tab.name.startswith("staffing")
                  else doc_metadata("docs/operations.md")),
        retry_policy=FETCH_RETRY_POLICY,
        description=f"Sheet tab '{tab.name}' as typed in (all cells text), one snapshot per load.",
    )
    def _sheet_tab(context: AssetExecutionContext, warehouse: WarehouseResource,
                   local_sources: LocalFormSources, sheets: GoogleSheetsSource,
                   raw_archive: RawArchiveResource) -> MaterializeResult:
        run_date = run_date_of(context)
        if sheets.is_configured() and run_date < settings.plant_today():
            return _snapshot_in_force(context, warehouse, tab, run_date)
        loaded_at = datetime.now(timezone.utc)
        label = f"tab '{tab.name}'"
        try:
            if sheets.is_configured():
                grid, payload = sheets.reader().tab_values_with_payload(tab.name)
                archived = raw_archive.writer(table, run_date, loaded_at).put("values.json", payload)
                header_map, rows = landing_rows(label, grid, tab.required_columns)
                extra_columns, origin = header_map.extra_columns, {"archived_to": archived}
            else:
                extra_columns, rows = local_sources.sheet_tab(tab)
                origin = {"file": str(local_sources.directory() / tab.csv_file)}
        except SourceSchemaError as error:
            raise alarm_failure(error, "schema-drift-detected", tab=tab.name,
                                missing_columns=", ".join(error.missing)) from error
        except SheetsError as error:
            raise alarm_failure(error, error.alarm, tab=tab.name) from error
        except CredentialsError as error:
            raise alarm_failure(error, "google-sheets-auth-failed", tab=tab.name) from error
        except OSError as error:  # the local form: a missing or unreadable file is not transient
            raise Failure(description=str(error), allow_retries=False) from error
        with warehouse.connection() as conn:
            landed = landing.land_sheet_tab(conn, tab, rows, run_date, loaded_at, extra_columns)
        if extra_columns:
            # Kept in _extra_columns; the schema-drift alarm reads this metadata.
            context.log.warning(f"{label}: unexpected column(s) {extra_columns} kept")
        return MaterializeResult(metadata={
            "dagster/row_count": landed,
            "snapshot_dt": run_date.isoformat(),
            "extra_columns": extra_columns,
            **origin,
        })

    return _sheet_tab


def _snapshot_in_force(context, warehouse: WarehouseResource, tab: specs.SheetTab,
                       run_date) -> MaterializeResult:
    """A backfill with Google Sheets: today's sheet is not the sheet of an older
    run_date, so nothing is fetched; the run uses the snapshot in force."""
    table = tab.raw_table[1]
    with warehouse.connection() as conn:
        snapshot = snapshot_in_force(conn, table, run_date)
        first = None if snapshot else first_snapshot_dt(conn, table)
    if snapshot is None:
        raise Failure(description=(
            f"No snapshot of the '{tab.name}' sheet at or before run_date {run_date} "
            f"({'it was never loaded' if first is None else f'its first snapshot is {first}'}). "
            "Google Sheets loads are stamped with the day they ran, so a backfill cannot use "
            "today's sheet as an older snapshot."),
            metadata={"alarm": "staffing-data-missing" if tab.name.startswith("staffing")
                      else "data-freshness-stale", "tab": tab.name},
            allow_retries=False)
    context.log.info(f"tab '{tab.name}': backfill of {run_date} uses the snapshot of "
                     f"{snapshot.snapshot_dt} (loaded {snapshot.loaded_at:%Y-%m-%d %H:%M} UTC)")
    return MaterializeResult(metadata={
        "dagster/row_count": snapshot.row_count,
        "snapshot_dt": snapshot.snapshot_dt.isoformat(),
        "snapshot_in_force": True,
    })


sheet_tab_assets = [build_sheet_tab_asset(tab) for tab in specs.SHEET_TABS.values()]


@asset(
    key_prefix=["raw"],
    group_name=SOURCES_GROUP,
    partitions_def=daily_run_dates,
    backfill_policy=ONE_RUN_DATE_PER_RUN,
    kinds={"api", "postgres"},
    owners=OWNERS,
    metadata=runbook_metadata("supplybuy-unavailable"),
    retry_policy=FETCH_RETRY_POLICY,
    description="The Supplybuy pull of run_date: forecast dates run_date+1 .. run_date+H+W-1.",
)
def supplybuy_forecasts(context: AssetExecutionContext, warehouse: WarehouseResource,
                        local_sources: LocalFormSources, supplybuy: SupplybuySource,
                        raw_archive: RawArchiveResource,
                        scheduling: SchedulingParameters) -> MaterializeResult:
    run_date = run_date_of(context)
    loaded_at = datetime.now(timezone.utc)
    metadata: dict = {}
    if supplybuy.is_configured():
        records, metadata = _pull_supplybuy(context, supplybuy, raw_archive, run_date, loaded_at,
                                            scheduling)
    else:
        try:
            records = local_sources.forecast_records(run_date, scheduling.horizon_days,
                                                     scheduling.demand_window_days)
        except SourceSchemaError as error:
            raise alarm_failure(error, "schema-drift-detected") from error
        except OSError as error:  # a missing file is not transient: no step retries
            raise Failure(description=str(error), allow_retries=False) from error
    with warehouse.connection() as conn:
        landed = landing.land_forecasts(conn, records, run_date, loaded_at)
    return MaterializeResult(metadata={"dagster/row_count": landed,
                                       "snapshot_dt": run_date.isoformat(), **metadata})


def _pull_supplybuy(context, supplybuy: SupplybuySource, raw_archive: RawArchiveResource,
                    run_date, loaded_at, scheduling: SchedulingParameters):
    """Every date of the window, all pages, or a failure (never a partial pull)."""
    dates = forecast_window(run_date, scheduling.horizon_days, scheduling.demand_window_days)
    archive = raw_archive.writer(specs.FORECAST_RAW_TABLE[1], run_date, loaded_at)

    def archive_page(forecast_date, page_index, payload: bytes) -> None:
        archive.put(f"{forecast_date.isoformat()}/page-{page_index:04d}.json", payload)

    def progress(forecast_date, records, done, total) -> None:
        context.log.info(f"Supplybuy: {done}/{total} dates pulled ({forecast_date}: {records} records)")

    try:
        pulled = supplybuy.client().pull(dates, on_page=archive_page, on_date_done=progress)
    except SupplybuyError as error:
        raise alarm_failure(error, error.alarm) from error
    except CredentialsError as error:
        raise alarm_failure(error, "supplybuy-unavailable") from error
    records, row_number = [], 0
    for forecast_date in dates:
        for record in pulled[forecast_date]:
            row_number += 1
            records.append((record.item_id, record.distribution_center, record.forecast_date,
                            record.forecast_units, record.updated_at, row_number))
    per_date = {d.isoformat(): len(pulled[d]) for d in dates}
    return records, {
        "records_per_forecast_date": MetadataValue.json(per_date),
        "forecast_dates": len(dates),
        "archived_to": f"{raw_archive.location()}/{archive.prefix}",
    }


@multi_asset(
    specs=[
        AssetSpec(["erp", "inventory_snapshot"], kinds={"postgres"}, owners=OWNERS,
                  description="ERP inventory. Production: maintained by the ERP (read only). "
                              "Local form: inventory_snapshot.csv loaded here."),
        AssetSpec(["raw", "erp_inventory_snapshot_rejects"], kinds={"postgres"}, owners=OWNERS,
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
    if settings.erp_owns_inventory():
        yield from _observe_erp_inventory(warehouse, run_date)
        return
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


def _observe_erp_inventory(warehouse: WarehouseResource, run_date):
    """Production: the ERP owns erp.inventory_snapshot; the platform only reads it."""
    with warehouse.connection() as conn:
        rows, latest = landing.inventory_as_of(conn, run_date)
        landing.clear_inventory_rejects(conn, run_date)
    yield MaterializeResult(asset_key=["erp", "inventory_snapshot"],
                            metadata={"dagster/row_count": rows,
                                      "latest_snapshot_dt": latest.isoformat() if latest else None,
                                      "owned_by": "ERP (read only)"})
    yield MaterializeResult(asset_key=["raw", "erp_inventory_snapshot_rejects"],
                            metadata={"dagster/row_count": 0})


# The loaders' log (raw.source_loads, D32): every landing asset above writes its
# row there in the same transaction as the data, so it is not an asset of its
# own making; declared here so the UI shows it where it belongs, with its owner.
source_loads = AssetSpec(
    list(specs.LOADS_TABLE), group_name=SOURCES_GROUP, kinds={"postgres"}, owners=OWNERS,
    description="The loaders' log: one row per (source, snapshot_dt) landed, with loaded_at, "
                "row count and unexpected columns; written by every landing asset with its "
                "data. Staging selects the snapshot in force from it.",
    metadata=doc_metadata("docs/architecture.md"))

source_assets = [*sheet_tab_assets, supplybuy_forecasts, inventory_snapshot, source_loads]
