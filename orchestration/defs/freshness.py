"""data-freshness-stale, one mechanism for every input: the age of the snapshot in
force, measured on the data's own timestamp (Sheets tabs and the Supplybuy pull by
their load's `_loaded_at`, ERP inventory by its `snapshot_dt`), D28 and D40."""

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from dagster import AssetCheckExecutionContext, AssetChecksDefinition, AssetKey, asset_check

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.landing import specs
from orchestration.landing.snapshots import snapshot_in_force
from orchestration.metadata import check_docs
from orchestration.partitions import run_date_of
from orchestration.settings import Settings
from orchestration.warehouse.connection import table_exists
from orchestration.warehouse.resource import WarehouseResource

FRESHNESS = AlarmName.DATA_FRESHNESS


def reference_time(run_date: date, now: datetime, settings: Settings) -> datetime:
    """When an input is judged: now for today's run; for a backfill, the time the
    daily schedule runs on run_date (plant time), so an old partition is judged
    as it stood when its schedule was due."""
    tz = ZoneInfo(settings.plant_timezone)
    if run_date >= now.astimezone(tz).date():
        return now
    due = time(settings.schedule_hour, settings.schedule_minute)
    return min(now, datetime.combine(run_date, due, tzinfo=tz))


def _age_outcome(subject: str, observed: datetime | None, what: str, run_date: date,
                 now: datetime, max_hours: float, settings: Settings) -> CheckOutcome:
    if observed is None:
        return CheckOutcome.alert(FRESHNESS, FRESHNESS,
                                  f"{subject}: no {what} at or before run_date {run_date}",
                                  max_age_hours=max_hours)
    age_hours = (reference_time(run_date, now, settings) - observed).total_seconds() / 3600
    numbers = {"observed": observed.isoformat(), "age_hours": round(age_hours, 1),
               "max_age_hours": max_hours}
    if age_hours > max_hours:
        return CheckOutcome.alert(FRESHNESS, FRESHNESS,
                                  f"{subject}: the {what} in force is {age_hours:.0f} h old "
                                  f"(over {max_hours:.0f} h)", **numbers)
    return CheckOutcome.ok(FRESHNESS, f"{subject}: {what} {age_hours:.1f} h old", **numbers)


def evaluate_load_freshness(conn, source: str, run_date: date, max_hours: float,
                            settings: Settings, now: datetime | None = None) -> CheckOutcome:
    """Sheets tabs and the Supplybuy pull: `_loaded_at` of the snapshot in force."""
    snapshot = snapshot_in_force(conn, source, run_date)
    return _age_outcome(f"raw.{source}", snapshot.loaded_at if snapshot else None,
                        "snapshot", run_date, now or datetime.now(timezone.utc), max_hours,
                        settings)


def evaluate_inventory_freshness(conn, run_date: date, max_hours: float, settings: Settings,
                                 now: datetime | None = None) -> CheckOutcome:
    """ERP inventory: its own snapshot_dt. A date: the snapshot stands for the whole
    day, so its age counts from the end of that day (plant time), and yesterday's
    snapshot is fresh at the morning run (D40)."""
    with conn.cursor() as cur:
        latest = None
        if table_exists(cur, *specs.INVENTORY_TABLE):
            cur.execute("select max(snapshot_dt) from erp.inventory_snapshot "
                        "where snapshot_dt <= %s", (run_date,))
            latest = cur.fetchone()[0]
    observed = (datetime.combine(latest + timedelta(days=1), time.min,
                                 tzinfo=ZoneInfo(settings.plant_timezone)) if latest else None)
    return _age_outcome("erp.inventory_snapshot", observed, "snapshot_dt", run_date,
                        now or datetime.now(timezone.utc), max_hours, settings)


def freshness_check(asset_key: AssetKey, partitions, settings: Settings, what: str,
                    evaluate: Callable[..., CheckOutcome]) -> AssetChecksDefinition:
    """The `data_freshness` check of one input: `evaluate(conn, run_date, max_hours)`."""
    @asset_check(asset=asset_key, name="data_freshness", partitions_def=partitions,
                 **check_docs(FRESHNESS, f"{what} within {settings.thresholds.freshness_hours:g} h "
                                         "(P2)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
               monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate(conn, run_date_of(context), monitoring.freshness_hours).to_result()
    return _check
