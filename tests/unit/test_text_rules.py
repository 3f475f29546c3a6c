"""qa.md text rules and decisions D1-D5, one accepted/rejected table per rule."""

from datetime import date
from decimal import Decimal

import pytest

from tests.reference import text_rules as tr


@pytest.mark.parametrize(
    "raw, expected",
    [
        (" Item_ID ", "item_id"),
        ("LINES_STAFFED", "lines_staffed"),
        ("\tdt\r\n", "dt"),
        (None, ""),
    ],
)
def test_normalize_header(raw, expected):
    assert tr.normalize_header(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12", Decimal("12")),
        ("1,250.5", Decimal("1250.5")),
        ("1,250", Decimal("1250")),
        ("12,345,678", Decimal("12345678")),
        (" 7.25 ", Decimal("7.25")),
        ("-3", Decimal("-3")),
        ("+0.5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("1250", Decimal("1250")),
    ],
)
def test_parse_number_accepts(raw, expected):
    assert tr.parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["1,25", "1,2500", ",250", "1,,250", "1e3", ".5", "5.", "", "  ", None, "abc", "1 250",
     "1\n2", "1.250,5", "--1", "١٢", "$5", "5%", "1,250.5.1"],
)
def test_parse_number_rejects(raw):
    assert tr.parse_number(raw) is None


@pytest.mark.parametrize(
    "raw, expected",
    [("12", Decimal("12")), ("125.5", Decimal("125.5")), ("-4", Decimal("-4")),
     (" 3.0 ", Decimal("3.0"))],
)
def test_parse_plain_number_accepts(raw, expected):
    assert tr.parse_plain_number(raw) == expected


@pytest.mark.parametrize("raw", ["1,250", "1e3", ".5", "5.", "", None, "NaN", "inf"])
def test_parse_plain_number_rejects(raw):
    assert tr.parse_plain_number(raw) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("11/23/2026", date(2026, 11, 23)),
        ("1/5/2027", date(2027, 1, 5)),
        ("01/05/2027", date(2027, 1, 5)),
        (" 2026-02-28 ", date(2026, 2, 28)),
        ("2/29/2028", date(2028, 2, 29)),
    ],
)
def test_parse_date_accepts(raw, expected):
    assert tr.parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2026-02-30", "2/29/2026", "2026-1-5", "23/11/2026", "11/23/26", "2026/11/23",
     "20261123", "Nov 23 2026", "", None, "0000-01-01", "2026-13-01", "11/23/2026 10:00"],
)
def test_parse_date_rejects(raw):
    assert tr.parse_date(raw) is None


def test_numbers_limited_to_28_integer_digits():
    assert tr.parse_number("9" * 28 + ".5") == Decimal("9" * 28 + ".5")
    assert tr.parse_number("1" + "0" * 28) is None
    assert tr.parse_number("1" + ",000" * 9) == Decimal(10) ** 27  # 28 digits once commas go
    assert tr.parse_number("10" + ",000" * 9) is None  # 29 digits
    assert tr.parse_plain_number("-" + "9" * 29) is None
    assert tr.parse_plain_number("9" * 28) == Decimal("9" * 28)


def test_parse_iso_date_is_iso_only():
    assert tr.parse_iso_date("2026-11-23") == date(2026, 11, 23)
    assert tr.parse_iso_date("11/23/2026") is None
    assert tr.parse_iso_date("2026-02-30") is None


@pytest.mark.parametrize(
    "raw, expected",
    [("TRUE", True), ("true", True), ("Yes", True), ("yes", True), ("1", True),
     (" FALSE ", False), ("no", False), ("NO", False), ("0", False)],
)
def test_parse_bool_accepts(raw, expected):
    assert tr.parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["Y", "N", "t", "f", "2", "-1", "on", "", None, "1.0"])
def test_parse_bool_rejects(raw):
    assert tr.parse_bool(raw) is None


@pytest.mark.parametrize("raw, expected", [("1", 1), ("7", 7), (" 3 ", 3), ("07", 7)])
def test_parse_day_of_week_accepts(raw, expected):
    assert tr.parse_day_of_week(raw) == expected


@pytest.mark.parametrize("raw", ["0", "8", "+1", "1.0", "Monday", "", None, "-1"])
def test_parse_day_of_week_rejects(raw):
    assert tr.parse_day_of_week(raw) is None


def test_is_blank_and_trim():
    assert tr.is_blank(None) and tr.is_blank("") and tr.is_blank(" \t ")
    assert not tr.is_blank(" x ")
    assert tr.trim("  PLANT-A ") == "PLANT-A"
    # only ASCII whitespace is trimmed (a no-break space is content)
    assert tr.trim("\u00a0A") == "\u00a0A"
    assert tr.is_blank_row(["", " ", None]) and not tr.is_blank_row(["", "x"])


def test_columns_in_spec_order():
    assert tr.TAB_COLUMNS["staffing"] == ("manufacturing_location", "line_type", "dt",
                                          "lines_staffed")
    assert tr.TAB_COLUMNS["items"][0] == "item_id" and tr.TAB_COLUMNS["items"][-1] == "is_active"
    assert set(tr.TAB_COLUMNS) == {"staffing", "staffing_defaults", "items", "dc_mapping"}
    assert tr.CSV_COLUMNS["forecasts"] == ("item_id", "distribution_center", "forecast_date",
                                           "forecast_units")
    assert tr.CSV_COLUMNS["inventory_snapshot"] == ("item_id", "distribution_center",
                                                    "snapshot_dt", "on_hand_units")


def test_type_sheet_row():
    cells = {"manufacturing_location": " PLANT-A", "line_type": "AUTO ", "dt": "11/23/2026",
             "lines_staffed": "1,250"}
    assert tr.type_sheet_row("staffing", cells) == {
        "manufacturing_location": "PLANT-A", "line_type": "AUTO",
        "dt": date(2026, 11, 23), "lines_staffed": Decimal("1250")}
    # a blank required cell, or one bad cell, rejects the whole row
    assert tr.type_sheet_row("staffing", {**cells, "line_type": "  "}) is None
    assert tr.type_sheet_row("staffing", {**cells, "lines_staffed": "1,25"}) is None
    assert tr.type_sheet_row("dc_mapping", {"distribution_center": "DC-1"}) is None
