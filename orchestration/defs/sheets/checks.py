"""Checks of the Sheets tabs: the snapshot in force is fresh (data-freshness-stale)
and the tab has no column beyond sources.md (schema-drift-detected; a missing
required column fails the load itself, with the same alarm)."""

from datetime import date

from dagster import AssetCheckExecutionContext, AssetChecksDefinition, AssetKey, asset_check
from psycopg2 import sql

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.freshness import evaluate_load_freshness, freshness_check
from orchestration.landing import specs
from orchestration.metadata import check_docs
from orchestration.partitions import run_date_of
from orchestration.settings import Settings
from orchestration.warehouse.connection import table_exists
from orchestration.warehouse.resource import WarehouseResource

DRIFT = AlarmName.SCHEMA_DRIFT


def evaluate_header_drift(conn, tab: specs.SheetTab, run_date: date) -> CheckOutcome:
    """Columns the tab has beyond sources.md (kept in _extra_columns), from the load log."""
    with conn.cursor() as cur:
        extra = None
        if table_exists(cur, *specs.LOADS_TABLE):
            # `raw` is a reserved word on Redshift: every relation is a quoted identifier
            cur.execute(sql.SQL("select extra_columns from {} where source = %s "
                                "and snapshot_dt <= %s order by snapshot_dt desc limit 1")
                        .format(sql.Identifier(*specs.LOADS_TABLE)),
                        (tab.raw_table[1], run_date))
            row = cur.fetchone()
            extra = row[0] if row else None
    added = [c for c in (extra or "").split(",") if c]
    if added:
        return CheckOutcome.alert(DRIFT, DRIFT,
                                  f"tab '{tab.name}' has column(s) not in the contract: "
                                  f"{', '.join(added)} (kept in _extra_columns)",
                                  per_partition=False, added_columns=added, removed_columns=[])
    return CheckOutcome.ok(DRIFT, f"tab '{tab.name}' has the contract's columns",
                           per_partition=False, added_columns=[], removed_columns=[])


def _freshness_check(tab: specs.SheetTab, partitions, settings: Settings):
    source = tab.raw_table[1]
    return freshness_check(
        AssetKey(list(tab.raw_table)), partitions, settings, "The snapshot in force was loaded",
        lambda conn, run_date, hours: evaluate_load_freshness(conn, source, run_date, hours,
                                                               settings))


def _header_drift_check(tab: specs.SheetTab, partitions):
    @asset_check(asset=AssetKey(list(tab.raw_table)), name="schema_drift",
                 partitions_def=partitions,
                 **check_docs(DRIFT, f"Columns of tab '{tab.name}' beyond sources.md (P3)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_header_drift(conn, tab, run_date_of(context)).to_result()
    return _check


def sheet_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    return [check for tab in specs.SHEET_TABS.values()
            for check in (_freshness_check(tab, partitions, settings),
                          _header_drift_check(tab, partitions))]
