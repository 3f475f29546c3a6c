"""Compare the warehouse's schedule and QA tables with the reference implementation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from psycopg2 import sql

from orchestration.warehouse import connect, ensure_warehouse
from tests.reference.scheduler import SCHEDULE_COLUMNS

KEY = ("fps_dt", "manufacturing_location", "line_type", "item_id")
# The spec's tolerance for numbers: 0.01 absolute or 1e-6 relative.
ABS_TOL, REL_TOL = Decimal("0.01"), Decimal("1e-6")


def fetch_dicts(query, params=()) -> list[dict]:
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        names = [d.name for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def published_schedule(run_date: date) -> list[dict]:
    columns = sql.SQL(", ").join(map(sql.Identifier, SCHEDULE_COLUMNS))
    return fetch_dicts(sql.SQL("select {} from dwh.fact_production_schedule "
                               "where run_date = %s").format(columns), (run_date,))


def _same(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return int(expected) == int(actual)
    if isinstance(expected, (int, Decimal, float)) and not isinstance(expected, bool):
        e, a = Decimal(str(expected)), Decimal(str(actual))
        return abs(e - a) <= ABS_TOL or abs(e - a) <= REL_TOL * max(abs(e), abs(a))
    return expected == actual


def schedule_differences(expected: list[dict], actual: list[dict], limit: int = 20) -> list[str]:
    """Human-readable differences, empty when the schedules match row for row."""
    key = lambda row: tuple(row[k] for k in KEY)  # noqa: E731
    exp, act = {key(r): r for r in expected}, {key(r): r for r in actual}
    problems = []
    if len(exp) != len(expected) or len(act) != len(actual):
        problems.append(f"duplicate keys: expected {len(expected)} rows / {len(exp)} keys, "
                        f"actual {len(actual)} rows / {len(act)} keys")
    for k in sorted(exp.keys() - act.keys(), key=str)[:limit]:
        problems.append(f"missing row {k}")
    for k in sorted(act.keys() - exp.keys(), key=str)[:limit]:
        problems.append(f"unexpected row {k}")
    for k in sorted(exp.keys() & act.keys(), key=str):
        for column in SCHEDULE_COLUMNS:
            if not _same(exp[k][column], act[k][column]):
                problems.append(f"{k} {column}: expected {exp[k][column]!r}, got {act[k][column]!r}")
                if len(problems) >= limit:
                    return problems
    return problems


def finding_keys(rows: list[dict], columns: tuple[str, ...]) -> set[tuple]:
    return {tuple(None if r.get(c) is None else str(r[c]) for c in columns) for r in rows}
