import json

import pytest

from orchestration.landing.tabular import SourceSchemaError, landing_rows, map_header

STAFFING = ("manufacturing_location", "line_type", "dt", "lines_staffed")


def test_headers_match_case_insensitively_in_any_order():
    header = [" LINE_TYPE", "dt ", "Manufacturing_Location", "lines_staffed"]
    mapping = map_header("staffing", header, STAFFING)
    assert mapping.required == {"manufacturing_location": 2, "line_type": 0, "dt": 1,
                                "lines_staffed": 3}
    assert mapping.extra == {}


def test_missing_required_column_names_source_and_column():
    with pytest.raises(SourceSchemaError) as error:
        map_header("staffing.csv (tab 'staffing')", ["manufacturing_location", "dt", "lines"],
                   STAFFING)
    message = str(error.value)
    assert "staffing.csv (tab 'staffing')" in message
    assert "'line_type'" in message and "'lines_staffed'" in message
    assert error.value.missing == ["line_type", "lines_staffed"]


def test_rows_keep_text_row_numbers_and_extras():
    grid = [
        ["dt", "manufacturing_location", "line_type", "lines_staffed", "Comment"],
        ["11/23/2026", " PLT-A ", "AUTO", "1,250.5", "holiday"],
        ["", "", "", "", ""],  # blank row: not landed, still numbered
        ["2026-11-25", "PLT-A", "AUTO"],  # short row: padded with blanks
    ]
    mapping, rows = landing_rows("staffing", grid, STAFFING)
    assert mapping.extra_columns == ["comment"]
    assert [r.row_number for r in rows] == [2, 4]
    assert rows[0].cells == (" PLT-A ", "AUTO", "11/23/2026", "1,250.5")
    assert json.loads(rows[0].extra_json) == {"comment": "holiday"}
    assert rows[1].cells == ("PLT-A", "AUTO", "2026-11-25", "")
    assert rows[1].extra_json is None


def test_empty_grid_is_a_missing_header():
    with pytest.raises(SourceSchemaError):
        landing_rows("items", [], ("item_id",))


def test_rows_refused_by_keep_are_skipped_and_the_rest_keep_their_numbers():
    grid = [
        ["lines_staffed", "dt", "line_type", "manufacturing_location"],  # dt is column 1 here
        ["1", "2026-11-23", "AUTO", "PLT-A"],
        ["2", "2026-11-24", "AUTO", "PLT-A"],
        ["3", "2026-11-25", "AUTO", "PLT-A"],
    ]
    seen = []

    def not_the_24th(mapping):
        index = mapping.required["dt"]
        return lambda raw: seen.append(raw[0]) or raw[index] != "2026-11-24"

    _, rows = landing_rows("staffing", grid, STAFFING, keep=not_the_24th)
    assert [r.row_number for r in rows] == [2, 4]
    assert [r.cells[3] for r in rows] == ["1", "3"]
    assert seen == ["1", "2", "3"]  # every data row asked once, the header never
