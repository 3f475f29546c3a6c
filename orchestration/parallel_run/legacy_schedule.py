"""The legacy schedule the parallel run compares with (PST_LEGACY_SCHEDULE_RELATION).

In production the legacy job owns it and the platform only reads it. In the local
form, `legacy_schedule.csv` in PST_LOCAL_DATA_DIR (the columns of scheduling.md
section 5, one row per legacy schedule row, any number of run_dates) is loaded into
it, so that the whole parallel run can be tried on the embedded warehouse: the
run_dates of the file replace those run_dates' rows, nothing else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from psycopg2 import sql
from psycopg2.extras import execute_values

from orchestration import settings
from orchestration.warehouse.connection import table_exists

LEGACY_CSV = "legacy_schedule.csv"
_QTY = "numeric(38,12)"
_TEXT = "varchar(65535)"

# scheduling.md section 5, with the types of dwh.fact_production_schedule
COLUMNS: list[tuple[str, str]] = [
    ("run_date", "date"), ("fps_dt", "date"), ("manufacturing_location", _TEXT),
    ("line_type", _TEXT), ("item_id", _TEXT), ("is_automated", "boolean"),
    ("schedule_class", "varchar(32)"), ("rank_over_manufacturing_location_line_type", "integer"),
    ("projected_inventory", _QTY), ("forecast_units", _QTY), ("avg_demand", _QTY),
    ("days_of_supply", _QTY), ("need_units", _QTY), ("changeover_lines", _QTY),
    ("required_lines", _QTY), ("production_lines", _QTY), ("lines_available", _QTY),
    ("production_goal_total", _QTY), ("is_within_capacity", "integer"),
    ("is_tomorrow_production_schedule", "integer"),
]
_REQUIRED = {"run_date", "fps_dt", "manufacturing_location", "line_type", "item_id"}
_TRUE, _FALSE = {"true", "t", "1", "yes", "y"}, {"false", "f", "0", "no", "n"}


class LegacyScheduleError(ValueError):
    """legacy_schedule.csv cannot be loaded: the message names the row and column."""


@dataclass(frozen=True)
class LegacyLoad:
    rows: int
    run_dates: list[date]


def _typed(value: str, kind: str, where: str):
    text = value.strip()
    if text == "":
        return None
    try:
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "boolean":
            lowered = text.lower()
            if lowered in _TRUE | _FALSE:
                return lowered in _TRUE
            raise ValueError(text)
        if kind == "integer":
            number = Decimal(text)
            if number != number.to_integral_value():
                raise ValueError(text)
            return int(number)
        if kind.startswith("numeric"):
            return Decimal(text)
    except (ValueError, InvalidOperation):
        readable = {"date": "a date YYYY-MM-DD", "boolean": "true or false",
                    "integer": "a whole number"}.get(kind, "a number")
        raise LegacyScheduleError(f"{where}: {value!r} is not {readable}") from None
    return text


def read_legacy_csv(path: Path) -> list[tuple]:
    """Every row of the file, typed; a clear error names the row and column."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {(h or "").strip() for h in reader.fieldnames or []}
        missing = [c for c, _ in COLUMNS if c not in header]
        if missing:
            raise LegacyScheduleError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = []
        for row_number, record in enumerate(reader, start=2):
            record = {(k or "").strip(): v for k, v in record.items()}
            typed = []
            for column, kind in COLUMNS:
                where = f"{path.name} row {row_number} column {column}"
                value = _typed(record.get(column) or "", kind, where)
                if value is None and column in _REQUIRED:
                    raise LegacyScheduleError(f"{where}: empty (part of the key)")
                typed.append(value)
            rows.append(tuple(typed))
    return rows


def load_legacy_csv(conn, path: Path, relation: tuple[str, str]) -> LegacyLoad:
    """The file's run_dates replace their rows of the legacy relation, in the caller's
    transaction (`connect` commits it; local form only: in production the legacy job owns the relation)."""
    rows = read_legacy_csv(path)
    run_dates = sorted({r[0] for r in rows})
    schema, table = relation
    target = sql.Identifier(schema, table)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        cur.execute(sql.SQL("create table if not exists {} ({})").format(target, sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in COLUMNS)))
        if run_dates:
            cur.execute(sql.SQL("delete from {} where run_date in %s").format(target),
                        (tuple(run_dates),))
            execute_values(cur, sql.SQL("insert into {} ({}) values %s").format(
                target, sql.SQL(", ").join(sql.Identifier(c) for c, _ in COLUMNS)), rows)
    return LegacyLoad(len(rows), run_dates)


def load_local_legacy_csv(conn) -> tuple[Path, LegacyLoad] | None:
    """The local form: legacy_schedule.csv of PST_LOCAL_DATA_DIR into the legacy
    relation, when the deployment is local and the file is there (else None)."""
    path = settings.local_data_dir() / LEGACY_CSV
    if settings.deployment() != "local" or not path.exists():
        return None
    try:
        return path, load_legacy_csv(conn, path, settings.legacy_schedule_relation())
    except LegacyScheduleError as error:
        raise LegacyScheduleError(f"{path}: {error}") from None


def schedule_rows_of(conn, relation: tuple[str, str], run_date: date) -> int | None:
    """A schedule relation's rows of a run_date; None when the relation does not exist."""
    with conn.cursor() as cur:
        if not table_exists(cur, *relation):
            return None
        cur.execute(sql.SQL("select count(*) from {} where run_date = %s").format(
            sql.Identifier(*relation)), (run_date,))
        return int(cur.fetchone()[0])
