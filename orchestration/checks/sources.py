"""Checks on the inputs: freshness of the snapshot in force (on the data's own
timestamp), header drift of the Sheets tabs, and missing staffing."""


from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dagster import AssetCheckExecutionContext, AssetKey, asset_check

from orchestration import settings
from orchestration.checks.outcome import CheckOutcome
from orchestration.metadata import check_docs
from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources.monitoring import MonitoringSettings
from orchestration.resources.warehouse import WarehouseResource
from orchestration.sources import specs
from orchestration.sources.snapshots import snapshot_in_force

FRESHNESS = "data-freshness-stale"


def reference_time(run_date: date, now: datetime) -> datetime:
    """When an input is judged: now for today's run; for a backfill, the time the
    daily schedule runs on run_date (plant time), so an old partition is judged
    as it stood when its schedule was due."""
    tz = ZoneInfo(settings.plant_timezone())
    if run_date >= now.astimezone(tz).date():
        return now
    due = time(settings.schedule_hour(), settings.schedule_minute())
    return min(now, datetime.combine(run_date, due, tzinfo=tz))


def _age_outcome(subject: str, observed: datetime | None, what: str, run_date: date,
                 now: datetime, max_hours: float) -> CheckOutcome:
    if observed is None:
        return CheckOutcome.alert(FRESHNESS, FRESHNESS,
                                  f"{subject}: no {what} at or before run_date {run_date}",
                                  max_age_hours=max_hours)
    age_hours = (reference_time(run_date, now) - observed).total_seconds() / 3600
    numbers = {"observed": observed.isoformat(), "age_hours": round(age_hours, 1),
               "max_age_hours": max_hours}
    if age_hours > max_hours:
        return CheckOutcome.alert(FRESHNESS, FRESHNESS,
                                  f"{subject}: the {what} in force is {age_hours:.0f} h old "
                                  f"(over {max_hours:.0f} h)", **numbers)
    return CheckOutcome.ok(FRESHNESS, f"{subject}: {what} {age_hours:.1f} h old", **numbers)


def evaluate_load_freshness(conn, source: str, run_date: date, max_hours: float,
                            now: datetime | None = None) -> CheckOutcome:
    """Sheets tabs and the Supplybuy pull: `_loaded_at` of the snapshot in force."""
    snapshot = snapshot_in_force(conn, source, run_date)
    return _age_outcome(f"raw.{source}", snapshot.loaded_at if snapshot else None,
                        "snapshot", run_date, now or datetime.now(timezone.utc), max_hours)


def evaluate_inventory_freshness(conn, run_date: date, max_hours: float,
                                 now: datetime | None = None) -> CheckOutcome:
    """ERP inventory: its own snapshot_dt. A date: the snapshot stands for the whole
    day, so its age counts from the end of that day (plant time), and yesterday's
    snapshot is fresh at the morning run (D40)."""
    with conn.cursor() as cur:
        cur.execute("select to_regclass('erp.inventory_snapshot') is not null")
        latest = None
        if cur.fetchone()[0]:
            cur.execute("select max(snapshot_dt) from erp.inventory_snapshot "
                        "where snapshot_dt <= %s", (run_date,))
            latest = cur.fetchone()[0]
    observed = (datetime.combine(latest + timedelta(days=1), time.min,
                                 tzinfo=ZoneInfo(settings.plant_timezone())) if latest else None)
    return _age_outcome("erp.inventory_snapshot", observed, "snapshot_dt", run_date,
                        now or datetime.now(timezone.utc), max_hours)


def evaluate_header_drift(conn, tab: specs.SheetTab, run_date: date) -> CheckOutcome:
    """Columns the tab has beyond sources.md (kept in _extra_columns). A missing
    required column fails the load itself (and raises the same alarm)."""
    condition = "schema-drift-detected"
    with conn.cursor() as cur:
        cur.execute("select to_regclass('raw.source_loads') is not null")
        extra = None
        if cur.fetchone()[0]:
            cur.execute("select extra_columns from raw.source_loads where source = %s "
                        "and snapshot_dt <= %s order by snapshot_dt desc limit 1",
                        (tab.raw_table[1], run_date))
            row = cur.fetchone()
            extra = row[0] if row else None
    added = [c for c in (extra or "").split(",") if c]
    if added:
        return CheckOutcome.alert(condition, condition,
                                  f"tab '{tab.name}' has column(s) not in the contract: "
                                  f"{', '.join(added)} (kept in _extra_columns)",
                                  per_partition=False, added_columns=added, removed_columns=[])
    return CheckOutcome.ok(condition, f"tab '{tab.name}' has the contract's columns",
                           per_partition=False, added_columns=[], removed_columns=[])


def evaluate_staffing_missing(conn, run_date: date, lookahead_days: int) -> CheckOutcome:
    """ps_qa_missing_inputs code 1 on one of the next `lookahead_days` plan dates."""
    with conn.cursor() as cur:
        cur.execute("""
            select manufacturing_location, line_type, dt
            from stg2.ps_qa_missing_inputs
            where run_date = %s and code = '1' and dt between %s and %s
            order by dt, manufacturing_location, line_type""",
                    (run_date, run_date + timedelta(days=1),
                     run_date + timedelta(days=lookahead_days)))
        gaps = cur.fetchall()
    condition = "staffing-data-missing"
    numbers = {"pools_and_dates_without_staffing": len(gaps),
               "first_gaps": [f"{loc}/{line} {dt}" for loc, line, dt in gaps[:10]],
               "lookahead_days": lookahead_days}
    if gaps:
        return CheckOutcome.alert(condition, condition,
                                  f"no staffing (explicit or default) for {len(gaps)} pool-date(s) "
                                  f"in the next {lookahead_days} plan dates", **numbers)
    return CheckOutcome.ok(condition, f"staffing present for the next {lookahead_days} plan dates",
                           **numbers)


def _load_freshness_check(asset_key: AssetKey, source: str):
    @asset_check(asset=asset_key, name="data_freshness", partitions_def=daily_run_dates,
                 **check_docs(FRESHNESS, "The snapshot in force was loaded within 24 h (P2)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
               monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_load_freshness(conn, source, run_date_of(context),
                                           monitoring.freshness_hours).to_result()
    return _check


@asset_check(asset=AssetKey(list(specs.INVENTORY_TABLE)), name="data_freshness",
             partitions_def=daily_run_dates,
             **check_docs(FRESHNESS, "The latest inventory snapshot_dt is within 24 h (P2)."))
def inventory_freshness(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                        monitoring: MonitoringSettings):
    with warehouse.connection() as conn:
        return evaluate_inventory_freshness(conn, run_date_of(context),
                                            monitoring.freshness_hours).to_result()


def _header_drift_check(tab: specs.SheetTab):
    @asset_check(asset=AssetKey(list(tab.raw_table)), name="schema_drift",
                 partitions_def=daily_run_dates,
                 **check_docs("schema-drift-detected",
                              f"Columns of tab '{tab.name}' beyond sources.md (P3)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_header_drift(conn, tab, run_date_of(context)).to_result()
    return _check


@asset_check(asset=AssetKey(["stg2", "ps_qa_missing_inputs"]), name="staffing_data_missing",
             partitions_def=daily_run_dates,
             **check_docs("staffing-data-missing",
                          "Missing staffing on one of the next 3 plan dates (P1, after one "
                          "automatic re-run of the staffing load)."))
def staffing_data_missing(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                          monitoring: MonitoringSettings):
    with warehouse.connection() as conn:
        return evaluate_staffing_missing(conn, run_date_of(context),
                                         monitoring.staffing_lookahead_days).to_result()


source_checks = [
    *[_load_freshness_check(AssetKey(list(tab.raw_table)), tab.raw_table[1])
      for tab in specs.SHEET_TABS.values()],
    _load_freshness_check(AssetKey(list(specs.FORECAST_RAW_TABLE)), specs.FORECAST_RAW_TABLE[1]),
    inventory_freshness,
    *[_header_drift_check(tab) for tab in specs.SHEET_TABS.values()],
    staffing_data_missing,
]
