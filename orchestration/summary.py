"""What `make run` prints: rows per table for the run_date, and where to look."""

from __future__ import annotations

from datetime import date

from psycopg2 import sql

from orchestration import settings
from orchestration.warehouse import connect, ensure_warehouse
from orchestration.warehouse.connection import table_exists

# (schema, table, column that holds the run_date / snapshot date)
SUMMARY_TABLES = [
    ("raw", "sheets_staffing", "_snapshot_dt"),
    ("raw", "sheets_staffing_defaults", "_snapshot_dt"),
    ("raw", "sheets_items", "_snapshot_dt"),
    ("raw", "sheets_dc_mapping", "_snapshot_dt"),
    ("raw", "supplybuy_forecasts", "snapshot_dt"),
    ("erp", "inventory_snapshot", None),
    ("stg2", "ps_staffing_by_dt", None),
    ("stg2", "ps_fact_manufacturing_need", None),
    ("stg2", "ps_qa_inputs", "run_date"),
    ("stg2", "ps_qa_missing_inputs", "run_date"),
    ("stg2", "production_capacity_alerting", "run_date"),
    ("stg2", "ps_fps_errors", "run_date"),
    ("dwh", "fact_production_schedule", "run_date"),
]


def table_counts(run_date: date, schemas=("raw", "erp", "stg2", "dwh")) -> list[tuple[str, int | None]]:
    """Row count of each summary table for run_date (None when the table is absent)."""
    counts = []
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        for schema, table, date_column in SUMMARY_TABLES:
            if schema not in schemas:
                continue
            if (schema, table) == ("dwh", settings.PUBLISHED_TABLE):
                schema = settings.publish_schema()  # dwh_parallel during the parallel run
            if not table_exists(cur, schema, table):
                counts.append((f"{schema}.{table}", None))
                continue
            query = sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table))
            params: tuple = ()
            if date_column:
                query += sql.SQL(" where {} = %s").format(sql.Identifier(date_column))
                params = (run_date,)
            cur.execute(query, params)
            counts.append((f"{schema}.{table}", cur.fetchone()[0]))
    return counts


def tomorrow_rows(run_date: date) -> int | None:
    published = (settings.publish_schema(), settings.PUBLISHED_TABLE)
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        if not table_exists(cur, *published):
            return None
        cur.execute(sql.SQL("select count(*) from {} where run_date = %s "
                            "and is_tomorrow_production_schedule = 1").format(
                                sql.Identifier(*published)), (run_date,))
        return cur.fetchone()[0]


def print_summary(run_date: date, elapsed_seconds: float, run_id: str,
                  land_only: bool = False) -> None:
    target = ensure_warehouse()
    what = "Sources" if land_only else "Production schedule"
    done = "landed" if land_only else "built"
    print(f"\n{what} for run_date {run_date} {done} in {elapsed_seconds:.1f} s "
          f"(Dagster run {run_id}).")
    print(f"Warehouse: {target.describe()}\n")
    schemas = ("raw", "erp") if land_only else ("raw", "erp", "stg2", "dwh")
    for name, count in table_counts(run_date, schemas):
        print(f"  {name:38s} {'(not built)' if count is None else f'{count:>9,d}'}")
    if land_only:
        print(f"\nNext: `cd dbt_project && dbt build --vars '{{run_date: \"{run_date}\"}}'` "
              "(after `eval \"$(make -s warehouse-env)\"`), or `make run RUN_DATE=...`.")
        return
    tomorrow = tomorrow_rows(run_date)
    if tomorrow is not None:
        print(f"\n  tomorrow's schedule (fps_dt = run_date + 1): {tomorrow:,d} rows")
    print("\nWhere to look: `make dev` opens the Dagster UI on http://127.0.0.1:3000; "
          "`eval \"$(make -s warehouse-env)\"` then `psql` or `dbt` in dbt_project/.")


def print_failure(result, run_date: date) -> None:
    print(f"\nThe run for run_date {run_date} FAILED (Dagster run {result.run_id}).")
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            user_failure = event.step_failure_data.user_failure_data
            # the platform's own message when it gave one (no Python class path)
            message = (user_failure.description if user_failure and user_failure.description
                       else error.message.strip() if error else "unknown error")
            cause = error.cause.message.strip() if error and error.cause else ""
            print(f"  step {event.step_key}: {message}")
            if cause and message not in cause:
                print(f"    caused by: {cause}")
            alarm = user_failure.metadata.get("alarm") if user_failure else None
            if alarm is not None:
                print(f"    alarm: {alarm.value}")
