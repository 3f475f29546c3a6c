"""The sheet text rules in Python (D1-D4): the reference implementation's typing of
the tabs, for differential tests of the dbt macros that own these rules in the
product (dbt_project/macros/text_rules/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from orchestration.landing.text_rules import (  # noqa: F401 - the whole rule set, one import
    CSV_COLUMNS,
    TAB_COLUMNS,
    _decimal,
    _real_date,
    is_blank,
    normalize_header,
    parse_iso_date,
    parse_plain_number,
    trim,
)

_SHEET_NUMBER = re.compile(r"[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?")  # D1
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")  # D2
_DIGITS = re.compile(r"[0-9]+")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def parse_number(text: str | None) -> Decimal | None:
    """Sheet number (D1): optional sign, `,` thousands groups of three, optional decimals."""
    t = trim(text)
    if not _SHEET_NUMBER.fullmatch(t):  # fullmatch: `$` would accept a trailing newline
        return None
    return _decimal(t.replace(",", ""))


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
