"""Turn a grid of text cells (a sheet tab's values or a CSV) into landing rows.

Pure functions shared by every fetcher: the Google Sheets values API and the
local CSV files both produce a list of rows of strings with the header first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Callable, NamedTuple, Sequence

from orchestration.landing.text_rules import (
    MAX_TEXT_BYTES,
    UNSTORABLE_MARKER,
    is_blank,
    needs_storable,
    normalize_header,
    storable,
)


class SourceSchemaError(ValueError):
    """A required column is missing: the load of that tab/file must fail."""

    def __init__(self, source: str, missing: Sequence[str], found: Sequence[str]):
        self.source, self.missing, self.found = source, list(missing), list(found)
        super().__init__(
            f"{source}: missing required column(s) {', '.join(repr(c) for c in missing)} "
            f"(header has: {', '.join(repr(c) for c in found) or 'nothing'})"
        )


@dataclass(frozen=True)
class HeaderMap:
    required: dict[str, int]
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def extra_columns(self) -> list[str]:
        return list(self.extra)


def map_header(source: str, header: Sequence[str], required: Sequence[str]) -> HeaderMap:
    """Locate the required columns in any order; keep the others as extras."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = normalize_header(cell)
        if name and name not in positions:  # first occurrence wins on repeated headers
            positions[name] = index
    missing = [column for column in required if column not in positions]
    if missing:
        raise SourceSchemaError(source, missing, [c for c in header if not is_blank(c)])
    extra = {name: index for name, index in positions.items() if name not in required}
    return HeaderMap(required={c: positions[c] for c in required}, extra=extra)


class LandingRow(NamedTuple):
    """A named tuple, not a dataclass: a local file of the ERP table or the forecasts
    makes hundreds of thousands."""

    row_number: int  # 1-based row in the sheet/file; the header is row 1
    cells: tuple[str, ...]  # the required columns, in spec order, as typed in
    extra_json: str | None  # unexpected columns (and cells beyond the header)


def _extra_json(extra: dict[str, str]) -> str:
    """The extra cells as JSON, cut to fit the landed column (D63).

    json.dumps escapes everything beyond ASCII, so characters are bytes here;
    one character can take up to 12 of them (an emoji is two `\\uXXXX`). Extra
    columns never make a row invalid (D4): when the JSON would not fit, every
    name and value keeps a start of equal length and the values end with the
    marker, so the row still lands and the cut is visible.
    """
    text = json.dumps(extra, sort_keys=True)
    if len(text) <= MAX_TEXT_BYTES:
        return text
    # per entry: name and value of `share` characters (12 bytes each), the
    # marker (6), quotes, colon, comma and spaces (8)
    share = (MAX_TEXT_BYTES - 2 - 14 * len(extra)) // (24 * len(extra))
    if share < 1:
        return json.dumps({"_extra_columns": UNSTORABLE_MARKER})
    return json.dumps({name[:share]: value[:share] + UNSTORABLE_MARKER
                       for name, value in extra.items()}, sort_keys=True)


def _picker(indexes: list[int]):
    """cells -> the tuple of the cells at indexes (itemgetter of one index gives no tuple)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indexes)


def landing_rows(source: str, grid: Sequence[Sequence[str]], required: Sequence[str],
                 keep: Callable[[HeaderMap], Callable[[Sequence], bool]] | None = None):
    """(HeaderMap, one LandingRow per non-blank data row).

    keep(header_map) may give a test of the raw row: rows it refuses are skipped
    before any typing (most of forecasts.csv lies outside a pull's window), and
    the rows kept still carry their position in the grid.

    Fully blank rows (a sheet's trailing rows) carry nothing and are not
    landed, but they still count for row numbering. Text the warehouse cannot
    store (NUL, lone surrogates, over-long values) is replaced by the marker
    here, the one place every grid passes, so one cell never loses the tab (D63).
    """
    if not grid:
        raise SourceSchemaError(source, list(required), [])
    header = [storable(str(c)) for c in grid[0]]
    header_map = map_header(source, header, required)
    width = len(header)
    pick = _picker([header_map.required[c] for c in required])
    extras = list(header_map.extra.items())
    kept = keep(header_map) if keep is not None else None
    rows = []
    for offset, raw in enumerate(grid[1:]):
        if kept is not None and not kept(raw):
            continue
        # the hot loop of every landing (the local files are ~10^5 rows each): one pass per row
        cells = [c if type(c) is str else ("" if c is None else str(c)) for c in raw]
        joined = "".join(cells)
        if is_blank(joined):  # one check per row: the cells are all blank
            continue
        if needs_storable(joined):  # also one check per row; rare, so fix cell by cell then
            cells = [storable(c) for c in cells]
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        extra = {name: cells[i] for name, i in extras if cells[i] != ""} if extras else {}
        if len(cells) > width:
            extra.update({f"_column_{i + 1}": cells[i] for i in range(width, len(cells)) if cells[i]})
        rows.append(LandingRow(offset + 2, pick(cells), _extra_json(extra) if extra else None))
    return header_map, rows
