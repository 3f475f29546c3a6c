"""Reading the parallel run's comparison (dbt models parallel_run/*) for people: the
summary line of a run_date and its first differing rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from orchestration.warehouse.connection import table_exists

SCHEMA = "parallel_run"
_KEYS = ("fps_dt", "manufacturing_location", "line_type", "item_id")


@dataclass(frozen=True)
class Difference:
    fps_dt: date
    manufacturing_location: str
    line_type: str
    item_id: str
    status: str                               # missing | extra | differs
    columns: list[tuple[str, object, object]]  # (column, legacy value, platform value)

    def text(self) -> str:
        key = f"{self.fps_dt} {self.manufacturing_location}/{self.line_type} {self.item_id}"
        if self.status == "missing":
            return f"{key}: missing (in the legacy schedule, not produced by the platform)"
        if self.status == "extra":
            return f"{key}: extra (produced by the platform, not in the legacy schedule)"
        values = "; ".join(f"{c} legacy {_value(l)} platform {_value(p)}" for c, l, p in self.columns)
        return f"{key}: {values}"


@dataclass(frozen=True)
class RunDateComparison:
    run_date: date
    keys_total: int
    keys_matching: int
    rows_missing: int
    rows_extra: int
    rows_differing: int
    match_pct: float
    is_within_tolerance: bool
    tomorrow_keys_total: int
    tomorrow_keys_matching: int
    differences: list[Difference]

    def line(self) -> str:
        """The last line of `make compare` (docs/operations.md)."""
        return (f"parallel run {self.run_date}: {self.keys_matching}/{self.keys_total} rows match "
                f"({self.match_pct:.2f}%), {self.rows_missing} missing, {self.rows_extra} extra, "
                f"{self.rows_differing} differ")

    def markdown(self) -> str:
        """The first differing rows as a markdown table (the check's metadata)."""
        if not self.differences:
            return "every row matches"
        lines = ["| fps_dt | location | line | item | status | column | legacy | platform |",
                 "|---|---|---|---|---|---|---|---|"]
        for d in self.differences:
            for column, legacy, platform in d.columns or [("", "", "")]:
                lines.append(f"| {d.fps_dt} | {d.manufacturing_location} | {d.line_type} | "
                             f"{d.item_id} | {d.status} | {column} | {_value(legacy)} | "
                             f"{_value(platform)} |")
        return "\n".join(lines)


def _value(value: object) -> str:
    """1.500000000000 as 1.5, 0E-12 as 0: the number a person compares."""
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return str(value)


def read_comparison(conn, run_date: date, first_rows: int = 10) -> RunDateComparison | None:
    """The run_date's comparison, or None when it was not compared (a side had no rows)."""
    with conn.cursor() as cur:
        if not table_exists(cur, SCHEMA, "parallel_run_summary"):
            return None
        cur.execute("""
            select keys_total, keys_matching, rows_missing, rows_extra, rows_differing,
                   match_pct, is_within_tolerance, tomorrow_keys_total, tomorrow_keys_matching
            from parallel_run.parallel_run_summary
            where run_date = %s""", (run_date,))
        summary = cur.fetchone()
        if summary is None:
            return None
        cur.execute("""
            select *
            from parallel_run.parallel_run_comparison
            where run_date = %s and status <> 'match'
            order by is_tomorrow desc, fps_dt, manufacturing_location, line_type, item_id
            limit %s""", (run_date, first_rows))
        names = [d[0] for d in cur.description]
        differences = [_difference(dict(zip(names, row))) for row in cur.fetchall()]
    total, matching, missing, extra, differing, pct, within, t_total, t_matching = summary
    return RunDateComparison(run_date, int(total), int(matching), int(missing), int(extra),
                             int(differing), float(pct), bool(within), int(t_total),
                             int(t_matching), differences)


def _difference(row: dict) -> Difference:
    columns = [c.strip() for c in (row["differing_columns"] or "").split(",") if c.strip()]
    return Difference(*(row[k] for k in _KEYS), status=row["status"],
                      columns=[(c, row[f"legacy_{c}"], row[f"platform_{c}"]) for c in columns])


@dataclass(frozen=True)
class QaCount:
    qa_table: str
    code: str
    legacy_findings: int
    platform_findings: int

    def text(self) -> str:
        code = f" code {self.code}" if self.code else ""
        return (f"{self.qa_table}{code}: legacy {self.legacy_findings}, "
                f"platform {self.platform_findings}")


def read_qa_comparison(conn, run_date: date) -> list[QaCount]:
    """The QA findings by (table, code) of both sides (the legacy QA tables present)."""
    with conn.cursor() as cur:
        if not table_exists(cur, SCHEMA, "parallel_run_qa_comparison"):
            return []
        cur.execute("""
            select qa_table, code, legacy_findings, platform_findings
            from parallel_run.parallel_run_qa_comparison
            where run_date = %s
            order by qa_table, code""", (run_date,))
        return [QaCount(t, c or "", int(n), int(m)) for t, c, n, m in cur.fetchall()]
