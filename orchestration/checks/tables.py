"""Checks on warehouse tables: schema drift against a committed baseline, and
the growth of the *_history tables.

The baseline (schema_baseline.yml, beside this file) lists the columns and
types of each monitored relation. A deliberate change (a new column in a
model) updates it with `python -m orchestration.checks.tables --write-baseline`,
reviewed like any other code change.
"""


import argparse
from pathlib import Path

import yaml
from dagster import AssetCheckExecutionContext, AssetKey, asset_check
from psycopg2 import sql

from orchestration.checks.outcome import CheckOutcome
from orchestration.metadata import check_docs
from orchestration.partitions import daily_run_dates
from orchestration.resources.monitoring import MonitoringSettings
from orchestration.resources.warehouse import WarehouseResource
from orchestration.sources import specs

BASELINE_PATH = Path(__file__).with_name("schema_baseline.yml")

# relation -> the asset the check is attached to (the asset that writes it)
MONITORED = {
    "raw.supplybuy_forecasts": AssetKey(list(specs.FORECAST_RAW_TABLE)),
    "erp.inventory_snapshot": AssetKey(list(specs.INVENTORY_TABLE)),
    "stg2.fact_production_schedule_staged": AssetKey(["stg2", "fact_production_schedule_staged"]),
    "dwh.fact_production_schedule": AssetKey(["dwh", "fact_production_schedule"]),
    "stg2.ps_qa_inputs": AssetKey(["stg2", "ps_qa_inputs"]),
    "stg2.ps_qa_missing_inputs": AssetKey(["stg2", "ps_qa_missing_inputs"]),
    "stg2.ps_fps_errors": AssetKey(["stg2", "ps_fps_errors"]),
    "stg2.production_capacity_alerting": AssetKey(["stg2", "production_capacity_alerting"]),
    **{".".join(tab.raw_table): AssetKey(list(tab.raw_table)) for tab in specs.SHEET_TABS.values()},
}
HISTORY_TABLES = {f"stg.stg_sheets__{tab}_history": AssetKey(["stg", f"stg_sheets__{tab}_history"])
                  for tab in specs.SHEET_TABS}


def live_columns(conn, relation: str) -> dict[str, str]:
    schema, table = relation.split(".")
    with conn.cursor() as cur:
        cur.execute("select column_name, data_type from information_schema.columns "
                    "where table_schema = %s and table_name = %s order by ordinal_position",
                    (schema, table))
        return dict(cur.fetchall())


def load_baseline(path: Path = BASELINE_PATH) -> dict[str, dict[str, str]]:
    return yaml.safe_load(path.read_text())["relations"]


def compare(expected: dict[str, str], actual: dict[str, str]) -> dict[str, list[str]]:
    return {
        "added_columns": [c for c in actual if c not in expected],
        "removed_columns": [c for c in expected if c not in actual],
        "retyped_columns": [f"{c}: {expected[c]} -> {actual[c]}" for c in expected
                            if c in actual and actual[c] != expected[c]],
    }


def evaluate_schema_drift(conn, relation: str, baseline: dict[str, dict[str, str]]) -> CheckOutcome:
    condition = "schema-drift-detected"
    actual = live_columns(conn, relation)
    if not actual:
        return CheckOutcome.alert(condition, condition, f"{relation} does not exist",
                                  per_partition=False, added_columns=[], removed_columns=list(baseline[relation]),
                                  retyped_columns=[])
    drift = compare(baseline[relation], actual)
    if any(drift.values()):
        parts = [f"{k.split('_')[0]}: {', '.join(v)}" for k, v in drift.items() if v]
        return CheckOutcome.alert(condition, condition,
                                  f"{relation} differs from the baseline ({'; '.join(parts)})",
                                  per_partition=False, **drift)
    return CheckOutcome.ok(condition, f"{relation} matches the baseline", per_partition=False,
                           **drift)


def evaluate_history_growth(conn, relation: str, max_rows: int) -> CheckOutcome:
    condition = "history-table-growth"
    schema, table = relation.split(".")
    with conn.cursor() as cur:
        cur.execute("select to_regclass(%s) is not null", (relation,))
        if not cur.fetchone()[0]:
            return CheckOutcome.ok(condition, f"{relation} not built yet", per_partition=False,
                                   rows=0, max_rows=max_rows)
        # a view over the raw landing tables: counting it is cheap (configuration tabs)
        cur.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table)))
        rows = cur.fetchone()[0]
    if rows > max_rows:
        return CheckOutcome.alert(condition, condition,
                                  f"{relation} has {rows:,} rows (over {max_rows:,}): prune old "
                                  "snapshots", per_partition=False, rows=rows, max_rows=max_rows)
    return CheckOutcome.ok(condition, f"{relation}: {rows:,} rows", per_partition=False, rows=rows,
                           max_rows=max_rows)


def _schema_drift_check(relation: str, asset_key: AssetKey):
    @asset_check(asset=asset_key, name="schema_drift_vs_baseline", partitions_def=daily_run_dates,
                 **check_docs("schema-drift-detected",
                              f"Columns and types of {relation} vs schema_baseline.yml (P3)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_schema_drift(conn, relation, load_baseline()).to_result()
    return _check


def _history_growth_check(relation: str, asset_key: AssetKey):
    @asset_check(asset=asset_key, name="history_table_growth", partitions_def=daily_run_dates,
                 **check_docs("history-table-growth", f"{relation} over 10,000 rows (P3)."))
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
               monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_history_growth(conn, relation, monitoring.history_max_rows).to_result()
    return _check


table_checks = [
    *[_schema_drift_check(relation, key) for relation, key in MONITORED.items()],
    *[_history_growth_check(relation, key) for relation, key in HISTORY_TABLES.items()],
]


def write_baseline(conn, path: Path = BASELINE_PATH) -> None:
    relations = {relation: live_columns(conn, relation) for relation in MONITORED}
    missing = [r for r, cols in relations.items() if not cols]
    if missing:
        raise SystemExit(f"build the schedule first (make run): missing {', '.join(missing)}")
    header = ("# Columns and types (information_schema.data_type) of the relations the\n"
              "# schema_drift_vs_baseline checks watch. Regenerate after a deliberate change:\n"
              "#   python -m orchestration.checks.tables --write-baseline\n")
    path.write_text(header + yaml.safe_dump({"relations": relations}, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.checks.tables")
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    from orchestration.warehouse import connect, ensure_warehouse  # noqa: PLC0415

    with connect(ensure_warehouse()) as conn:
        if args.write_baseline:
            write_baseline(conn)
            print(f"wrote {BASELINE_PATH}")
        else:
            baseline = load_baseline()
            for relation in MONITORED:
                print(relation, evaluate_schema_drift(conn, relation, baseline).summary)


if __name__ == "__main__":
    main()

