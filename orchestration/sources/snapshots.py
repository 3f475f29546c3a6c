"""Which landed snapshot is in force for a run_date (read from raw.source_loads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from psycopg2 import sql

from orchestration.sources import specs


@dataclass(frozen=True)
class Snapshot:
    source: str
    snapshot_dt: date
    loaded_at: datetime
    row_count: int


class MissingSnapshotError(RuntimeError):
    """No snapshot at or before the run_date: the run cannot be reproduced."""


def snapshot_in_force(conn, source: str, run_date: date) -> Snapshot | None:
    """The latest snapshot of `source` (a raw table name) at or before run_date."""
    with conn.cursor() as cur:
        cur.execute("select to_regclass(%s) is not null", (".".join(specs.LOADS_TABLE),))
        if not cur.fetchone()[0]:
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
        cur.execute("select to_regclass(%s) is not null", (".".join(specs.LOADS_TABLE),))
        if not cur.fetchone()[0]:
            return None
        cur.execute(sql.SQL("select min(snapshot_dt) from {} where source = %s").format(
            sql.Identifier(*specs.LOADS_TABLE)), (source,))
        return cur.fetchone()[0]
