"""The configuration workbook's tabs as landing assets, one partition = one run_date.

Each tab is fetched from Google Sheets when it is configured, else read from its
CSV stand-in; landing is the same code for both (orchestration/landing/).
Re-materializing a partition replaces that partition's snapshot only.
"""

from datetime import date, datetime, timezone
from typing import Callable

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    PartitionsDefinition,
    RetryPolicy,
    asset,
)

from orchestration.alarms import AlarmName
from orchestration.defs.sheets.client import SheetsAuthError, SheetsError, SheetsTabNotFound
from orchestration.defs.sheets.resource import GoogleSheetsSource
from orchestration.defs.sources import (
    ONE_RUN_DATE_PER_RUN,
    SOURCES_GROUP,
    alarm_failure,
    column_schema,
)
from orchestration.landing import landing, specs
from orchestration.landing.credentials import CredentialsError
from orchestration.landing.local_form import LocalFormSources
from orchestration.landing.raw_archive import RawArchiveResource
from orchestration.landing.snapshots import first_snapshot_dt, snapshot_in_force
from orchestration.landing.tabular import SourceSchemaError, landing_rows
from orchestration.metadata import OWNERS, doc_metadata, runbook_metadata
from orchestration.partitions import run_date_of
from orchestration.warehouse.resource import WarehouseResource

STAFFING_TABS = ("staffing", "staffing_defaults")


def sheets_failure(error: Exception, tab: str) -> Failure:
    """A fetch failure as the alarm it raises (the client only says what happened)."""
    if isinstance(error, (SheetsAuthError, CredentialsError)):
        return alarm_failure(error, AlarmName.SHEETS_AUTH_FAILED, retryable=False, tab=tab)
    if isinstance(error, SheetsTabNotFound):
        return alarm_failure(error, AlarmName.SCHEMA_DRIFT, retryable=False, tab=tab)
    if isinstance(error, SourceSchemaError):
        return alarm_failure(error, AlarmName.SCHEMA_DRIFT, retryable=False, tab=tab,
                             missing_columns=", ".join(error.missing))
    return alarm_failure(error, AlarmName.JOB_FAILED, retryable=True, tab=tab)


def build_sheet_tab_asset(tab: specs.SheetTab, partitions: PartitionsDefinition,
                          retry_policy: RetryPolicy, today: Callable[[], date]) -> AssetsDefinition:
    schema, table = tab.raw_table

    @asset(
        name=table,
        key_prefix=[schema],
        group_name=SOURCES_GROUP,
        partitions_def=partitions,
        backfill_policy=ONE_RUN_DATE_PER_RUN,
        kinds={"googlesheets", "postgres"},
        owners=OWNERS,
        metadata=(runbook_metadata(AlarmName.STAFFING_DATA_MISSING)
                  if tab.name in STAFFING_TABS else doc_metadata("docs/operations.md")),
        retry_policy=retry_policy,
        description=f"Sheet tab '{tab.name}' as typed in (all cells text), one snapshot per load.",
    )
    def _sheet_tab(context: AssetExecutionContext, warehouse: WarehouseResource,
                   local_sources: LocalFormSources, sheets: GoogleSheetsSource,
                   raw_archive: RawArchiveResource) -> MaterializeResult:
        run_date = run_date_of(context)
        if sheets.is_configured() and run_date < today():
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
        except (SheetsError, CredentialsError, SourceSchemaError) as error:
            raise sheets_failure(error, tab.name) from error
        except OSError as error:  # the local form: a missing or unreadable file is not transient
            raise Failure(description=str(error), allow_retries=False) from error
        with warehouse.connection() as conn:
            landed = landing.land_sheet_tab(
                conn, tab, rows, run_date, loaded_at, extra_columns,
                loader=warehouse.loader(raw_archive.writer(table, run_date, loaded_at)))
            schema = column_schema(conn, tab.raw_table)
        if extra_columns:
            # Kept in _extra_columns; the schema-drift check reads the load log.
            context.log.warning(f"{label}: unexpected column(s) {extra_columns} kept")
        return MaterializeResult(metadata={
            "dagster/row_count": landed,
            "snapshot_dt": run_date.isoformat(),
            "extra_columns": extra_columns,
            **schema,
            **origin,
        })

    return _sheet_tab


def _snapshot_in_force(context, warehouse: WarehouseResource, tab: specs.SheetTab,
                       run_date) -> MaterializeResult:
    """A backfill with Google Sheets: today's sheet is not the sheet of an older
    run_date, so nothing is fetched; the run uses the snapshot in force (D33)."""
    table = tab.raw_table[1]
    with warehouse.connection() as conn:
        snapshot = snapshot_in_force(conn, table, run_date)
        first = None if snapshot else first_snapshot_dt(conn, table)
    if snapshot is None:
        error = RuntimeError(
            f"No snapshot of the '{tab.name}' sheet at or before run_date {run_date} "
            f"({'it was never loaded' if first is None else f'its first snapshot is {first}'}). "
            "Google Sheets loads are stamped with the day they ran, so a backfill cannot use "
            "today's sheet as an older snapshot.")
        alarm = (AlarmName.STAFFING_DATA_MISSING if tab.name in STAFFING_TABS
                 else AlarmName.DATA_FRESHNESS)
        raise alarm_failure(error, alarm, retryable=False, tab=tab.name)
    context.log.info(f"tab '{tab.name}': backfill of {run_date} uses the snapshot of "
                     f"{snapshot.snapshot_dt} (loaded {snapshot.loaded_at:%Y-%m-%d %H:%M} UTC)")
    return MaterializeResult(metadata={
        "dagster/row_count": snapshot.row_count,
        "snapshot_dt": snapshot.snapshot_dt.isoformat(),
        "snapshot_in_force": True,
    })


def sheet_tab_assets(partitions: PartitionsDefinition, retry_policy: RetryPolicy,
                     today: Callable[[], date]) -> list[AssetsDefinition]:
    return [build_sheet_tab_asset(tab, partitions, retry_policy, today)
            for tab in specs.SHEET_TABS.values()]
