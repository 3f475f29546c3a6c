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


# D63: text the warehouse cannot store. PostgreSQL rejects NUL in any text value
# and Redshift cannot store it either; the surrogate code points U+D800-U+DFFF
# have no UTF-8 form at all (a JSON `"\ud800"` decodes to one, and so does every
# undecodable byte of a CSV file read with `surrogateescape`). One such character
# made COPY reject the whole tab. Each is replaced by U+FFFD, the Unicode
# replacement character, so the rest of the cell (and of the tab) lands as typed
# and the cell shows where the character was; the dbt text rules report every
# cell holding the marker as code 8 (pst_has_unstorable,
# dbt_project/macros/text_rules/cells.sql), so a row carrying it is never used.
UNSTORABLE_MARKER = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Landed text columns are varchar(65535): bytes on Redshift, characters on
# PostgreSQL. A longer value is cut to fit and ends with the marker.
MAX_TEXT_BYTES = 65535
_ALWAYS_FITS = MAX_TEXT_BYTES // 4  # characters: at most 4 UTF-8 bytes each


def needs_storable(text: str) -> bool:
    """When False, `storable(text)` is the text unchanged (cheap: one regex scan).

    True for any text too long to be sure it fits, so a caller may test a whole
    row's joined cells at once and fix the cells only when it says so.
    """
    return len(text) > _ALWAYS_FITS or _UNSTORABLE.search(text) is not None


def storable(text: str) -> str:
    """The text as the warehouse can store it (D63): NUL and lone surrogates
    replaced by the marker, a value over 65,535 UTF-8 bytes cut and marked.
    Text that is storable already is returned unchanged."""
    if _UNSTORABLE.search(text) is not None:
        text = _UNSTORABLE.sub(UNSTORABLE_MARKER, text)
    if len(text) > _ALWAYS_FITS:
        encoded = text.encode("utf-8")
        if len(encoded) > MAX_TEXT_BYTES:
            room = MAX_TEXT_BYTES - len(UNSTORABLE_MARKER.encode("utf-8"))
            text = encoded[:room].decode("utf-8", "ignore") + UNSTORABLE_MARKER
    return text


def has_unstorable(text: str | None) -> bool:
    """The cell carries the marker: something in it could not be stored (D63)."""
    return text is not None and UNSTORABLE_MARKER in text


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


