"""D63: text the warehouse cannot store is marked, never a reason to lose a tab.

Pure functions, many examples: the landing invariant (every non-blank row of a
grid becomes one landing row, every storable cell unchanged, every other cell
marked) over generated tabs. The same through PostgreSQL and dbt is in
tests/integration/test_unstorable_cells.py.
"""

from __future__ import annotations

import csv
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.landing import local_files, specs
from orchestration.landing.tabular import landing_rows
from orchestration.landing.text_rules import (
    UNSTORABLE_MARKER,
    has_unstorable,
    needs_storable,
    storable,
)
from tests.cell_strategies import (
    KINDS,
    MARKER,
    MAX_TEXT_BYTES,
    UNSTORABLE,
    check_landed_cell,
    huge,
    is_blank_row,
    is_storable,
    junk,
    tab_rows,
)

FAST = settings(deadline=None, max_examples=300, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_the_marker_is_the_replacement_character():
    assert UNSTORABLE_MARKER == MARKER == "\ufffd"


def test_storable_text_is_returned_unchanged():
    for text in ["", "Widget", "1,250.5", "\u00a0", "🙂" * 16_383, "x" * MAX_TEXT_BYTES, "\x01\t\n"]:
        assert storable(text) == text


def test_each_unstorable_character_becomes_one_marker():
    assert storable("Wid\x00get") == "Wid\ufffdget"
    assert storable("\x00\x00") == "\ufffd\ufffd"
    assert storable("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert storable("🙂\udc80") == "🙂\ufffd"


def test_an_over_long_value_is_cut_to_fit_and_marked():
    cut = storable("é" * 40_000)  # 80,000 bytes
    assert len(cut.encode()) <= MAX_TEXT_BYTES and cut.endswith(MARKER)
    assert set(cut[:-1]) == {"é"}
    assert storable("x" * MAX_TEXT_BYTES) == "x" * MAX_TEXT_BYTES
    assert storable("x" * (MAX_TEXT_BYTES + 1)).endswith(MARKER)


@FAST
@given(st.one_of(junk, huge, st.text()))
def test_storable_always_fits_and_is_idempotent(text):
    landed = storable(text)
    check_landed_cell(text, landed)
    assert storable(landed) == landed
    if not needs_storable(text):
        assert landed == text
    assert has_unstorable(landed) == (MARKER in text or not is_storable(text))


@st.composite
def grids(draw):
    tab = draw(st.sampled_from(list(KINDS)))
    header = list(KINDS[tab])
    if draw(st.booleans()):  # an extra column, with junk in it
        header.append(draw(st.sampled_from(["notes", "Notes\x00", "x" * 20_000, "comment\ud800"])))
    return tab, header, draw(tab_rows(tab))


def _check_rows(header, data, landed_rows, required):
    expected_numbers = [i + 2 for i, row in enumerate(data) if not is_blank_row(row)]
    assert [r.row_number for r in landed_rows] == expected_numbers  # rows in = rows landed
    for row in landed_rows:
        original = data[row.row_number - 2] + [""] * len(header)
        for column, landed in zip(required, row.cells):
            check_landed_cell(original[required.index(column)], landed)
        if row.extra_json is not None:
            assert len(row.extra_json) <= MAX_TEXT_BYTES and row.extra_json.isascii()
            assert UNSTORABLE.search(json.dumps(json.loads(row.extra_json),
                                                ensure_ascii=False)) is None


@FAST
@given(grids())
def test_every_non_blank_row_lands_with_its_cells_marked_only_where_needed(grid):
    tab, header, data = grid
    required = specs.SHEET_TABS[tab].required_columns
    header_map, rows = landing_rows(f"tab '{tab}'", [header, *data], required)
    assert all(is_storable(c) for c in header_map.extra_columns)
    _check_rows(header, data, rows, required)


@settings(FAST, max_examples=80)
@given(grids())
def test_a_csv_file_with_nul_and_undecodable_bytes_lands_every_row(tmp_path_factory, grid):
    """The CSV local form: NUL as is, a lone surrogate written as the (invalid
    UTF-8) bytes of its code point, read back as undecodable bytes."""
    tab, header, data = grid
    directory = tmp_path_factory.mktemp("csv")
    path = directory / specs.SHEET_TABS[tab].csv_file
    with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as handle:
        csv.writer(handle).writerows([header, *data])
    extra_columns, rows = local_files.sheet_tab_rows(directory, specs.SHEET_TABS[tab])
    as_read = [[c.encode("utf-8", "surrogatepass").decode("utf-8", "surrogateescape")
                for c in row] for row in data]  # each invalid byte is one character
    _check_rows(header, as_read, rows, specs.SHEET_TABS[tab].required_columns)


def test_extra_columns_too_long_for_the_column_are_cut_not_lost():
    header = [*KINDS["dc_mapping"], "notes", "more"]
    _, rows = landing_rows("tab 'dc_mapping'", [header, ["DC-01", "PLANT-ATL", "🙂" * 10_000,
                                                         "x" * 50_000]], tuple(KINDS["dc_mapping"]))
    extra = json.loads(rows[0].extra_json)
    assert len(rows[0].extra_json) <= MAX_TEXT_BYTES
    assert set(extra) == {"notes", "more"} and all(v.endswith(MARKER) for v in extra.values())
    assert rows[0].cells == ("DC-01", "PLANT-ATL")


def test_an_inventory_row_whose_key_has_a_nul_is_a_reject(tmp_path):
    """Local ERP stand-in: typed in Python, so the marked key is not a key (D63)."""
    with (tmp_path / specs.INVENTORY_CSV).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([
            list(specs.INVENTORY_COLUMNS),
            ["I-0001", "DC-01", "2031-01-05", "10"],
            ["I-00\x0002", "DC-01", "2031-01-05", "10"],
            ["I-0003", "DC\x00", "2031-01-05", "1\x00"],
        ])
    valid, rejects = local_files.inventory_rows(tmp_path)
    assert [v[0] for v in valid] == ["I-0001"]
    assert [(r[0], r[-1]) for r in rejects] == [
        (3, "cannot read item_id"),
        (4, "cannot read distribution_center, on_hand_units"),
    ]
    assert rejects[0][1] == f"I-00{MARKER}02"
