"""The text rules the loaders apply themselves (qa.md "Text rules", D5, D17):
trimming, header matching, and the plain numbers and ISO dates of the CSV
stand-ins that land into typed tables (the local ERP table). The sheet tabs
land as text and are typed by dbt (dbt_project/macros/text_rules/); the
tests' reference implementation has the Python form of those rules
(tests/reference/text_rules.py).

Pure functions. Each returns the typed value, or None when the rule rejects
the cell. Nothing here raises on a bad cell.

"Trim" means removing leading/trailing ASCII whitespace (`string.whitespace`:
space, tab, LF, CR, VT, FF); other characters (e.g. a no-break space) are kept,
so the SQL side can reproduce it with `btrim(x, E' \\t\\n\\r\\v\\f')`.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal

from orchestration.landing.specs import FORECAST_COLUMNS, INVENTORY_COLUMNS, SHEET_TABS

TRIM_CHARS = string.whitespace  # ' \t\n\r\x0b\x0c'

# Required columns in the order of sources.md.
# The columns of sources.md, named once in specs.py.
TAB_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tab.required_columns for name, tab in SHEET_TABS.items()
}
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "forecasts": FORECAST_COLUMNS,
    "inventory_snapshot": INVENTORY_COLUMNS,
}

# [0-9] rather than \d: \d also matches non-ASCII digits, which SQL casts reject.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # D5
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # D2 / D5


def trim(text: str | None) -> str:
    """The cell with surrounding whitespace removed; None (a missing cell) is ''."""
    return "" if text is None else text.strip(TRIM_CHARS)


def is_blank(text: str | None) -> bool:
    return trim(text) == ""


def normalize_header(name: str | None) -> str:
    """Headers match case-insensitively after trimming."""
    return trim(name).lower()


# At most 28 integer digits: beyond that Redshift's numeric(38, 10) overflows, and the
# warehouse would fail the run instead of reporting the cell (same rule as the dbt macros).
MAX_INTEGER_DIGITS = 28


def _decimal(t: str) -> Decimal | None:
    integer_part = t.lstrip("+-").split(".")[0]
    return Decimal(t) if len(integer_part) <= MAX_INTEGER_DIGITS else None


def parse_plain_number(text: str | None) -> Decimal | None:
    """CSV stand-in number (D5): no separators, no exponent."""
    t = trim(text)
    return _decimal(t) if _PLAIN_NUMBER.fullmatch(t) else None


def _real_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 2026-02-30, month 13, year 0000
        return None


def parse_iso_date(text: str | None) -> date | None:
    """`YYYY-MM-DD` with two-digit month and day, a real calendar date (D2, D5)."""
    m = _ISO_DATE.fullmatch(trim(text))
    return _real_date(*m.groups()) if m else None


