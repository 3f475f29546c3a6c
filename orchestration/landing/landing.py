"""Write landed rows to the warehouse: DDL, partition replacement, bulk insert.

One code path for every source form (local CSV, Google Sheets, Supplybuy):
only the fetch differs. Re-landing a partition deletes that partition's rows
and inserts the new ones in one transaction, so a re-run is idempotent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Sequence

from psycopg2 import sql

from orchestration.landing import specs
from orchestration.landing.tabular import LandingRow
from orchestration.landing.loaders import POSTGRES_COPY, RowLoader
from orchestration.landing.text_rules import storable
from orchestration.warehouse.connection import table_exists

TEXT = sql.SQL("varchar(65535)")  # Redshift's `text` would silently mean varchar(256)
_META = [
    ("_extra_columns", TEXT),
    ("_row_number", sql.SQL("integer")),
    ("_snapshot_dt", sql.SQL("date")),
    ("_loaded_at", sql.SQL("timestamptz")),
]


def _table(qualified: tuple[str, str]) -> sql.Composed:
    return sql.Identifier(*qualified)


def _create(cur, qualified: tuple[str, str], columns: Sequence[tuple[str, sql.Composable]]) -> None:
    cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(qualified[0])))
    cur.execute(
        sql.SQL("create table if not exists {} ({})").format(
            _table(qualified),
            sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(n), t) for n, t in columns),
        )
    )


def _copy_text_rows(cur, qualified, columns, rows: Iterable[Sequence],
                    loader: RowLoader = POSTGRES_COPY) -> int:
    return loader.copy(cur, qualified, columns, rows)


def record_load(cur, source: str, snapshot_dt: date, loaded_at: datetime, row_count: int,
                extra_columns: Sequence[str] = ()) -> None:
    """Log the snapshot in raw.source_loads (replacing an earlier load of it)."""
    _create(cur, specs.LOADS_TABLE, [
        ("source", sql.SQL("varchar(256)")), ("snapshot_dt", sql.SQL("date")),
        ("loaded_at", sql.SQL("timestamptz")), ("row_count", sql.SQL("integer")),
        ("extra_columns", TEXT),
    ])
    cur.execute(sql.SQL("delete from {} where source = %s and snapshot_dt = %s").format(
        _table(specs.LOADS_TABLE)), (source, snapshot_dt))
    cur.execute(sql.SQL("insert into {} values (%s, %s, %s, %s, %s)").format(
        _table(specs.LOADS_TABLE)),
        (source, snapshot_dt, loaded_at, row_count, storable(",".join(extra_columns)) or None))


def land_sheet_tab(conn, tab: specs.SheetTab, rows: Sequence[LandingRow],
                   snapshot_dt: date, loaded_at: datetime,
                   extra_columns: Sequence[str] = (), loader: RowLoader = POSTGRES_COPY) -> int:
    """Replace the tab's snapshot `snapshot_dt` with these rows (all cells as text)."""
    columns = list(tab.required_columns)
    with conn.cursor() as cur:
        _create(cur, tab.raw_table, [(c, TEXT) for c in columns] + _META)
        cur.execute(sql.SQL("delete from {} where _snapshot_dt = %s").format(_table(tab.raw_table)),
                    (snapshot_dt,))
        landed = _copy_text_rows(
            cur, tab.raw_table, columns + [n for n, _ in _META],
            ((*r.cells, r.extra_json, r.row_number, snapshot_dt, loaded_at) for r in rows),
            loader,
        )
        record_load(cur, tab.raw_table[1], snapshot_dt, loaded_at, landed, extra_columns)
        return landed


FORECAST_RAW_COLUMNS = [*specs.FORECAST_COLUMNS, "updated_at"]


def ensure_forecast_table(cur) -> None:
    _create(cur, specs.FORECAST_RAW_TABLE,
            [(c, TEXT) for c in FORECAST_RAW_COLUMNS]
            + [("_row_number", sql.SQL("integer")), ("snapshot_dt", sql.SQL("date")),
               ("_loaded_at", sql.SQL("timestamptz"))])


def land_forecasts(conn, records: Iterable[Sequence], snapshot_dt: date, loaded_at: datetime,
                   loader: RowLoader = POSTGRES_COPY) -> int:
    """Replace the pull of `snapshot_dt`; records are (item_id, dc, forecast_date,
    forecast_units, updated_at, row_number) as text."""
    with conn.cursor() as cur:
        ensure_forecast_table(cur)
        cur.execute(sql.SQL("delete from {} where snapshot_dt = %s").format(
            _table(specs.FORECAST_RAW_TABLE)), (snapshot_dt,))
        landed = _copy_text_rows(
            cur, specs.FORECAST_RAW_TABLE,
            FORECAST_RAW_COLUMNS + ["_row_number", "snapshot_dt", "_loaded_at"],
            ((*r[:5], r[5], snapshot_dt, loaded_at) for r in records),
            loader,
        )
        record_load(cur, specs.FORECAST_RAW_TABLE[1], snapshot_dt, loaded_at, landed)
        return landed


def ensure_inventory_tables(cur) -> None:
    """erp.inventory_snapshot is the ERP's table in production; create it locally.

    `on_hand_units` is plain `numeric` (sources.md): a fixed scale would round
    29.999998 to 30.0000 without a word. A table an earlier version created as
    numeric(18,4) is dropped and created again (local form only: every load
    replaces the whole table anyway; the dbt views on it are rebuilt by the
    build that follows).
    """
    cur.execute("select numeric_scale from information_schema.columns where table_schema = %s "
                "and table_name = %s and column_name = 'on_hand_units'", specs.INVENTORY_TABLE)
    scale = cur.fetchone()
    if scale is not None and scale[0] is not None:
        cur.execute(sql.SQL("drop table {} cascade").format(_table(specs.INVENTORY_TABLE)))
    _create(cur, specs.INVENTORY_TABLE, [
        ("item_id", sql.SQL("varchar(256)")), ("distribution_center", sql.SQL("varchar(256)")),
        ("snapshot_dt", sql.SQL("date")), ("on_hand_units", sql.SQL("numeric")),
    ])
    ensure_inventory_rejects_table(cur)


def ensure_inventory_rejects_table(cur) -> None:
    _create(cur, specs.INVENTORY_REJECTS_TABLE, [
        ("run_date", sql.SQL("date")), ("_row_number", sql.SQL("integer")),
        *[(c, TEXT) for c in specs.INVENTORY_COLUMNS],
        ("reason", TEXT), ("_loaded_at", sql.SQL("timestamptz")),
    ])


def land_inventory(conn, valid: Sequence[tuple], rejects: Sequence[tuple],
                   run_date: date, loaded_at: datetime) -> tuple[int, int]:
    """Local form only: the file stands in for the whole ERP table (D31).

    erp.inventory_snapshot is replaced by the file's typed rows, so another
    data directory never leaves its snapshots behind; valid rows are
    (item_id, dc, snapshot_dt, on_hand_units). Rejects are (row_number,
    item_id, dc, snapshot_dt, on_hand_units, reason), kept per run_date.
    """
    with conn.cursor() as cur:
        ensure_inventory_tables(cur)
        cur.execute(sql.SQL("delete from {}").format(_table(specs.INVENTORY_TABLE)))
        cur.execute(sql.SQL("delete from {} where run_date = %s").format(
            _table(specs.INVENTORY_REJECTS_TABLE)), (run_date,))
        n_valid = _copy_text_rows(cur, specs.INVENTORY_TABLE, list(specs.INVENTORY_COLUMNS), valid)
        n_rejects = _copy_text_rows(
            cur, specs.INVENTORY_REJECTS_TABLE,
            ["run_date", "_row_number", *specs.INVENTORY_COLUMNS, "reason", "_loaded_at"],
            ((run_date, *r, loaded_at) for r in rejects),
        )
    return n_valid, n_rejects


def inventory_as_of(conn, run_date: date) -> tuple[int, date | None]:
    """Rows of erp.inventory_snapshot at or before run_date and its latest snapshot_dt."""
    with conn.cursor() as cur:
        if not table_exists(cur, *specs.INVENTORY_TABLE):
            raise RuntimeError("PST_ERP_INVENTORY=erp but the warehouse has no "
                               "erp.inventory_snapshot table (the ERP maintains it)")
        cur.execute(sql.SQL("select count(*), max(snapshot_dt) from {} where snapshot_dt <= %s")
                    .format(_table(specs.INVENTORY_TABLE)), (run_date,))
        count, latest = cur.fetchone()
    return count, latest


def clear_inventory_rejects(conn, run_date: date) -> None:
    """The ERP's own table has no loader rejects: keep the (empty) rejects table for dbt."""
    with conn.cursor() as cur:
        ensure_inventory_rejects_table(cur)
        cur.execute(sql.SQL("delete from {} where run_date = %s").format(
            _table(specs.INVENTORY_REJECTS_TABLE)), (run_date,))
