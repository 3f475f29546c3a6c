"""Text rules for source cells (qa.md "Text rules", decisions D1-D5).

Pure functions. Each returns the typed value, or None when the rule rejects
the cell: the caller reports the row (code 8 for sheet tabs, code 7 for the
CSV stand-ins). Nothing here raises on a bad cell.

"Trim" means removing leading/trailing ASCII whitespace (`string.whitespace`:
space, tab, LF, CR, VT, FF); other characters (e.g. a no-break space) are kept,
so the SQL side can reproduce it with `btrim(x, E' \\t\\n\\r\\v\\f')`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from orchestration.sources.specs import FORECAST_COLUMNS, INVENTORY_COLUMNS, SHEET_TABS

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
_SHEET_NUMBER = re.compile(r"[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?")  # D1
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # D5
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # D2 / D5
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")  # D2
_DIGITS = re.compile(r"[0-9]+")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


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


def parse_number(text: str | None) -> Decimal | None:
    """Sheet number (D1): optional sign, `,` thousands groups of three, optional decimals."""
    t = trim(text)
    if not _SHEET_NUMBER.fullmatch(t):  # fullmatch: `$` would accept a trailing newline
        return None
    return _decimal(t.replace(",", ""))


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


def parse_date(text: str | None) -> date | None:
    """Sheet date (D2): `YYYY-MM-DD` or `M/D/YYYY` (US order, four-digit year)."""
    t = trim(text)
    m = _US_DATE.fullmatch(t)
    if m:
        month, day, year = m.groups()
        return _real_date(year, month, day)
    return parse_iso_date(t)


def parse_bool(text: str | None) -> bool | None:
    """`TRUE/FALSE/yes/no/1/0`, any case (D3)."""
    t = trim(text).lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def parse_day_of_week(text: str | None) -> int | None:
    """ISO day of week 1 (Monday) .. 7, digits only (D3)."""
    t = trim(text)
    if not _DIGITS.fullmatch(t):
        return None
    value = int(t)
    return value if 1 <= value <= 7 else None


def parse_text(text: str | None) -> str | None:
    """Text cell: trimmed, blank rejected (D4). Keys stay case-sensitive."""
    t = trim(text)
    return t or None


# How each sheet column is typed; anything not listed is a required text cell.
COLUMN_PARSERS: dict[str, Callable[[str | None], object]] = {
    "dt": parse_date,
    "day_of_week": parse_day_of_week,
    "lines_staffed": parse_number,
    "is_automated": parse_bool,
    "is_active": parse_bool,
    "units_per_line_day": parse_number,
    "changeover_lines": parse_number,
    "safety_stock_days": parse_number,
    "target_days_of_supply": parse_number,
}


def type_sheet_row(tab: str, cells: Mapping[str, str | None]) -> dict[str, object] | None:
    """Typed values of the tab's required columns, or None if any cell is rejected (code 8).

    `cells` maps the required column names to the text typed in (missing = blank).
    """
    typed: dict[str, object] = {}
    for column in TAB_COLUMNS[tab]:
        value = COLUMN_PARSERS.get(column, parse_text)(cells.get(column))
        if value is None:
            return None
        typed[column] = value
    return typed


def is_blank_row(cells) -> bool:
    """A row whose cells are all blank is skipped without a finding (D4)."""
    return all(is_blank(c) for c in cells)
