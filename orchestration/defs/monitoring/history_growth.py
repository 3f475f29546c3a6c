"""history-table-growth: a `*_history` table (stg.stg_sheets__<tab>_history) over
the configured number of rows."""

from dagster import AssetCheckExecutionContext, AssetChecksDefinition, AssetKey, asset_check
from psycopg2 import sql

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.landing import specs
from orchestration.metadata import check_docs
from orchestration.settings import Settings
from orchestration.warehouse.connection import table_exists
from orchestration.warehouse.resource import WarehouseResource

GROWTH = AlarmName.HISTORY_GROWTH
HISTORY_TABLES = {("stg", f"stg_sheets__{tab}_history"): AssetKey(["stg", f"stg_sheets__{tab}_history"])
                  for tab in specs.SHEET_TABS}


def evaluate_history_growth(conn, relation: tuple[str, str], max_rows: int) -> CheckOutcome:
    name = ".".join(relation)
    with conn.cursor() as cur:
        if not table_exists(cur, *relation):
            return CheckOutcome.ok(GROWTH, f"{name} not built yet", per_partition=False,
                                   rows=0, max_rows=max_rows)
        # a view over the raw landing tables: counting it is cheap (configuration tabs)
        cur.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(*relation)))
        rows = cur.fetchone()[0]
    if rows > max_rows:
        return CheckOutcome.alert(GROWTH, GROWTH,
                                  f"{name} has {rows:,} rows (over {max_rows:,}): prune old "
                                  "snapshots", per_partition=False, rows=rows, max_rows=max_rows)
    return CheckOutcome.ok(GROWTH, f"{name}: {rows:,} rows", per_partition=False, rows=rows,
                           max_rows=max_rows)


def _growth_check(relation: tuple[str, str], asset_key: AssetKey, partitions,
                  settings: Settings):
    @asset_check(asset=asset_key, name="history_table_growth", partitions_def=partitions,
                 **check_docs(GROWTH, f"{'.'.join(relation)} over "
                                      f"{settings.thresholds.history_max_rows:,} rows (P3)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
               monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_history_growth(conn, relation, monitoring.history_max_rows).to_result()
    return _check


def history_growth_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    return [_growth_check(relation, key, partitions, settings)
            for relation, key in HISTORY_TABLES.items()]
