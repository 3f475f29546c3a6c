"""Which landed snapshot is in force for a run_date (read from raw.source_loads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from psycopg2 import sql

from orchestration.landing import specs
from orchestration.warehouse.connection import table_exists


@dataclass(frozen=True)
class Snapshot:
    source: str
    snapshot_dt: date
    loaded_at: datetime
    row_count: int


def snapshot_in_force(conn, source: str, run_date: date) -> Snapshot | None:
    """The latest snapshot of `source` (a raw table name) at or before run_date."""
    with conn.cursor() as cur:
        if not table_exists(cur, *specs.LOADS_TABLE):
            return None
        cur.execute(
            sql.SQL("select snapshot_dt, loaded_at, row_count from {} where source = %s "
                    "and snapshot_dt <= %s order by snapshot_dt desc limit 1").format(
                sql.Identifier(*specs.LOADS_TABLE)),
            (source, run_date))
        row = cur.fetchone()
    return Snapshot(source, *row) if row else None


def first_snapshot_dt(conn, source: str) -> date | None:
    with conn.cursor() as cur:
        if not table_exists(cur, *specs.LOADS_TABLE):
            return None
        cur.execute(sql.SQL("select min(snapshot_dt) from {} where source = %s").format(
            sql.Identifier(*specs.LOADS_TABLE)), (source,))
        return cur.fetchone()[0]
