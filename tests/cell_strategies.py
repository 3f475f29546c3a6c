"""Hypothesis strategies for what a person can put into a sheet cell (D63 fuzzing).

The corpus of the fault injection of issue 14 (blank and whitespace cells, NBSP,
emoji, RTL marks, `1e5`, `NaN`, `inf`, `1,25`, `2/30/2026`, formulas, SQL,
quotes, newlines, control characters, 10k-character strings) plus the text the
warehouse cannot store (NUL, lone surrogates, cells over 65,535 bytes), mixed
with values each column kind accepts so that generated tabs have valid rows too.
"""

from __future__ import annotations

import re
import string

from hypothesis import strategies as st

from orchestration.landing.specs import SHEET_TABS

MARKER = "\ufffd"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_TEXT_BYTES = 65535

# The column kinds of the staging models (dbt_project/models/staging/stg_sheets__*.sql).
KINDS: dict[str, dict[str, str]] = {
    "staffing": {"manufacturing_location": "text", "line_type": "text", "dt": "date",
                 "lines_staffed": "number"},
    "staffing_defaults": {"manufacturing_location": "text", "line_type": "text",
                          "day_of_week": "day_of_week", "lines_staffed": "number"},
    "items": {"item_id": "text", "item_name": "text", "manufacturing_location": "text",
              "line_type": "text", "is_automated": "bool", "units_per_line_day": "number",
              "changeover_lines": "number", "safety_stock_days": "number",
              "target_days_of_supply": "number", "is_active": "bool"},
    "dc_mapping": {"distribution_center": "text", "manufacturing_location": "text"},
}
assert {tab: tuple(kinds) for tab, kinds in KINDS.items()} == {
    name: tab.required_columns for name, tab in SHEET_TABS.items()}

VALID = {
    "text": ["PLANT-ATL", "AUTO-FILL", "I-0001", "I-0002", " PLT-A ", "Widget, large",
             "Ünïcode 🙂", "DC-01"],
    "number": ["500", "1,250.5", " 3 ", "0", "2", "7.25", "-2"],
    "date": ["2031-01-06", "1/7/2031", " 2031-01-08 ", "01/09/2031"],
    "bool": ["TRUE", "false", "yes", "No", "1", "0"],
    "day_of_week": ["1", "2", "5", "7", "07"],
}

PASTED = [
    "", " ", "\t", "\r\n", "\u00a0", "\u00a012\u00a0", "12\u200f", "\u202e12", "\u200f", "🙂",
    "1e5", "NaN", "inf", "-Infinity", "1,25", "2/30/2026", "2026-02-30", "=SUM(A1:A3)",
    "'; drop table raw.sheets_items; --", 'say "hi"', "it's", "line\nbreak", "a\rb", "x\ty",
    "back\\slash", "\\N", "\\.", "\x01\x02", "\x7f", "\u2028", "１２", "١٢",
]
UNSTORABLE_CHARS = ["\x00", "\ud800", "\udbff", "\udc80", "\udfff"]

unstorable_char = st.sampled_from(UNSTORABLE_CHARS)
# st.text never draws surrogates (category Cs): they are put in explicitly.
some_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def _pad(char: str, length: int) -> str:
    return char * length


huge = st.builds(_pad, st.sampled_from(["x", "é", "🙂", "7", "\x00"]),
                 st.sampled_from([10_000, 16_384, 16_400, 40_000, 70_000]))
with_unstorable = st.builds(lambda a, b, c: a + b + c, st.one_of(some_text, st.sampled_from(PASTED)),
                            unstorable_char, some_text)
junk = st.one_of(st.sampled_from(PASTED), some_text, with_unstorable, unstorable_char, huge)


def cell(kind: str) -> st.SearchStrategy[str]:
    """A cell of a column of this kind: what the rules accept, or junk."""
    return st.one_of(st.sampled_from(VALID[kind]), junk)


@st.composite
def tab_rows(draw, tab: str, max_rows: int = 12) -> list[list[str]]:
    """Data rows in spec column order, like a sheet after fault injection: clean
    rows, rows with some cells corrupted, blank, short and over-long rows."""
    kinds = KINDS[tab]
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        shape = draw(st.sampled_from(["clean", "corrupted", "corrupted", "any", "blank",
                                      "short", "extra"]))
        if shape == "blank":
            rows.append(draw(st.lists(st.sampled_from(["", " ", "\t"]), max_size=len(kinds))))
            continue
        if shape == "any":
            row = [draw(cell(kind)) for kind in kinds.values()]
        else:
            row = [draw(st.sampled_from(VALID[kind])) for kind in kinds.values()]
        if shape in ("corrupted", "short", "extra"):
            for column in draw(st.sets(st.integers(0, len(row) - 1), min_size=1, max_size=3)):
                row[column] = draw(junk)
        if shape == "short":
            row = row[:draw(st.integers(0, len(row)))]
        elif shape == "extra":
            row.append(draw(junk))  # a cell beyond the header
        rows.append(row)
    return rows


def is_blank_row(row: list[str]) -> bool:
    """qa.md: fully blank rows are skipped (trim = ASCII whitespace, D17)."""
    return all(c.strip(string.whitespace) == "" for c in row)


def is_storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None and len(text.encode("utf-8")) <= MAX_TEXT_BYTES


def expected_landed(text: str) -> str | None:
    """What landing must store for a typed cell: itself when the warehouse can
    store it (byte for byte), else each unstorable character replaced by the
    marker; None when the value is too long and is cut (checked separately)."""
    marked = UNSTORABLE.sub(MARKER, text)
    return marked if len(marked.encode("utf-8")) <= MAX_TEXT_BYTES else None


def check_landed_cell(original: str, landed: str) -> None:
    """The landing contract for one cell (D63)."""
    assert UNSTORABLE.search(landed) is None
    assert len(landed.encode("utf-8")) <= MAX_TEXT_BYTES
    expected = expected_landed(original)
    if expected is not None:
        assert landed == expected
    else:  # cut to fit, and marked
        assert landed.endswith(MARKER)
        assert UNSTORABLE.sub(MARKER, original).startswith(landed[:-1])
