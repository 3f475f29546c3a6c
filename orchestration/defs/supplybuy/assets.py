"""The Supplybuy pull of a run_date as a landing asset: every forecast date of
run_date+1 .. run_date+H+W-1, all pages, or nothing (D35)."""

from datetime import datetime, timezone

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    PartitionsDefinition,
    RetryPolicy,
    asset,
)

from orchestration.alarms import AlarmName
from orchestration.defs.schedule.resources import SchedulingParameters
from orchestration.defs.sources import (
    ONE_RUN_DATE_PER_RUN,
    SOURCES_GROUP,
    alarm_failure,
    column_schema,
)
from orchestration.defs.supplybuy.client import SupplybuyAuthError, SupplybuyError
from orchestration.defs.supplybuy.resource import SupplybuySource
from orchestration.landing import landing, specs
from orchestration.landing.credentials import CredentialsError
from orchestration.landing.local_files import forecast_window
from orchestration.landing.local_form import LocalFormSources
from orchestration.landing.raw_archive import RawArchiveResource
from orchestration.landing.tabular import SourceSchemaError
from orchestration.metadata import OWNERS, runbook_metadata
from orchestration.partitions import run_date_of
from orchestration.warehouse.resource import WarehouseResource


def supplybuy_failure(error: Exception) -> Failure:
    """A failed pull raises supplybuy-unavailable; a refused token is not retried."""
    retryable = not isinstance(error, (SupplybuyAuthError, CredentialsError))
    return alarm_failure(error, AlarmName.SUPPLYBUY_UNAVAILABLE, retryable=retryable)


def supplybuy_forecasts_asset(partitions: PartitionsDefinition,
                              retry_policy: RetryPolicy) -> AssetsDefinition:
    @asset(
        name="supplybuy_forecasts",
        key_prefix=["raw"],
        group_name=SOURCES_GROUP,
        partitions_def=partitions,
        backfill_policy=ONE_RUN_DATE_PER_RUN,
        kinds={"api", "postgres"},
        owners=OWNERS,
        metadata=runbook_metadata(AlarmName.SUPPLYBUY_UNAVAILABLE),
        retry_policy=retry_policy,
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
            records, metadata = _pull(context, supplybuy, raw_archive, run_date, loaded_at,
                                      scheduling)
        else:
            try:
                records = local_sources.forecast_records(run_date, scheduling.horizon_days,
                                                         scheduling.demand_window_days)
            except SourceSchemaError as error:
                raise alarm_failure(error, AlarmName.SCHEMA_DRIFT, retryable=False) from error
            except OSError as error:  # a missing file is not transient: no step retries
                raise Failure(description=str(error), allow_retries=False) from error
        with warehouse.connection() as conn:
            landed = landing.land_forecasts(
                conn, records, run_date, loaded_at,
                loader=warehouse.loader(raw_archive.writer(specs.FORECAST_RAW_TABLE[1], run_date,
                                                           loaded_at)))
            schema = column_schema(conn, specs.FORECAST_RAW_TABLE)
        return MaterializeResult(metadata={"dagster/row_count": landed, **schema,
                                           "snapshot_dt": run_date.isoformat(), **metadata})

    return supplybuy_forecasts


def _pull(context, supplybuy: SupplybuySource, raw_archive: RawArchiveResource, run_date,
          loaded_at, scheduling: SchedulingParameters):
    """Every date of the window, all pages, or a failure (never a partial pull)."""
    dates = forecast_window(run_date, scheduling.horizon_days, scheduling.demand_window_days)
    archive = raw_archive.writer(specs.FORECAST_RAW_TABLE[1], run_date, loaded_at)

    def archive_page(forecast_date, page_index, payload: bytes) -> None:
        archive.put(f"{forecast_date.isoformat()}/page-{page_index:04d}.json", payload)

    def progress(forecast_date, records, done, total) -> None:
        context.log.info(f"Supplybuy: {done}/{total} dates pulled ({forecast_date}: {records} records)")

    try:
        pulled = supplybuy.client().pull(dates, on_page=archive_page, on_date_done=progress)
    except (SupplybuyError, CredentialsError) as error:
        raise supplybuy_failure(error) from error
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
