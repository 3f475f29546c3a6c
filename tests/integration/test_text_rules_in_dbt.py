"""The text rules as the product runs them: dbt's macros (pst_clean_cell, then
pst_parse_cell of each kind, as the staging models call them) on the warehouse,
compared cell by cell with the reference implementation (tests/reference) on
every case of tests/unit/test_text_rules.py and the cells a person can paste
into a sheet (the fault-injection corpus)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.reference import text_rules as reference

pytestmark = pytest.mark.integration

KINDS = {
    "number": reference.parse_number,
    "plain_number": reference.parse_plain_number,
    "date": reference.parse_date,
    "iso_date": reference.parse_iso_date,
    "bool": reference.parse_bool,
    "day_of_week": reference.parse_day_of_week,
}

CELLS = [
    # D1 numbers
    "12", "1,250.5", "1,250", "12,345,678", " 7.25 ", "-3", "+0.5", "0", "1250", "125.5",
    " 3.0 ", "1,25", "1,2500", ",250", "1,,250", "1e3", "1e5", ".5", "5.", "abc", "1 250",
    "1\n2", "1.250,5", "--1", "١٢", "$5", "5%", "1,250.5.1", "NaN", "nan", "inf", "-Infinity",
    "9" * 28 + ".5", "1" + "0" * 28, "1" + ",000" * 9, "10" + ",000" * 9, "-" + "9" * 29,
    "9" * 28, "0.000000001", "29.999998", "007",
    # D2 dates
    "2026-11-23", "11/23/2026", "1/5/2027", "01/05/2027", " 2026-02-28 ", "2/29/2028",
    "2026-02-30", "2/29/2026", "2/30/2026", "2026-1-5", "23/11/2026", "11/23/26",
    "2026/11/23", "20261123", "Nov 23 2026", "0000-01-01", "2026-13-01", "11/23/2026 10:00",
    # D3 booleans and days of week
    "TRUE", "true", "False", "yes", "NO", "1", "y", "t", "2", "7", "8", "Monday", "01",
    # blanks, whitespace and what people paste
    "", " ", "\t", "\r\n", "\u00a0", "\u00a012\u00a0", "12\u200f", "\u202e12", "🙂", "=SUM(A1:A3)",
    "'; drop table raw.sheets_items; --", 'say "hi"', "x" * 10_000, "\x01\x02", "１２",
]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _inline_sql() -> str:
    values = ",\n".join(f"({i}, {_literal(cell)})" for i, cell in enumerate(CELLS))
    parsed = ",\n".join(
        f"cast({{{{ pst_parse_cell('{kind}', pst_clean_cell('raw')) }}}} as varchar(100)) as {kind}"
        for kind in KINDS)
    return f"select id,\n{parsed}\nfrom (values\n{values}\n) as cells (id, raw)"


def _as_reference(kind: str, text: str | None):
    if text is None:
        return None
    if kind in ("number", "plain_number"):
        return Decimal(text)
    if kind in ("date", "iso_date"):
        return date.fromisoformat(text)
    if kind == "bool":
        return text == "true"
    return int(text)


@pytest.fixture(scope="module")
def product_values(warehouse, tmp_path_factory) -> dict[int, dict[str, str | None]]:
    """One `dbt show --inline` of every cell through every kind's macros."""
    target = tmp_path_factory.mktemp("dbt-show")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "show", "--quiet", "--output", "json",
         "--limit", str(len(CELLS)), "--inline", _inline_sql(),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target", "dev", "--target-path", str(target),
         "--vars", json.dumps({"run_date": "2026-11-23"})],
        capture_output=True, text=True, env={**os.environ, **warehouse.dbt_env()})
    assert result.returncode == 0, result.stdout[-5000:]
    rows = json.loads(result.stdout[result.stdout.index("{"):])["show"]
    return {row["id"]: row for row in rows}


def test_every_cell_was_evaluated(product_values):
    assert sorted(product_values) == list(range(len(CELLS)))


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_macros_agree_with_the_reference_on_every_cell(product_values, kind):
    disagreements = []
    for i, cell in enumerate(CELLS):
        expected = KINDS[kind](cell)
        got = _as_reference(kind, product_values[i][kind])
        if got != expected or type(got) is not type(expected):
            disagreements.append((cell[:40], expected, got))
    assert disagreements == []
    accepted = sum(1 for cell in CELLS if KINDS[kind](cell) is not None)
    assert 0 < accepted < len(CELLS)  # the corpus has cells each kind accepts and rejects
