"""A cell the warehouse cannot store must not lose its tab (issue 14, item 3; D63).

Fault injection found it: one NUL in one sheet cell made PostgreSQL's COPY
reject the whole tab (`invalid byte sequence for encoding "UTF8": 0x00`), and
every row of the tab was neither in raw nor reported. These tests land through
the real paths (the CSV local form and the Google Sheets client against the
fake Sheets API) into the session's embedded PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from psycopg2 import sql

from orchestration.landing import landing, local_files, specs
from orchestration.landing.tabular import landing_rows
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import connect
from orchestration.warehouse.connection import table_exists
from tests.cell_strategies import KINDS, check_landed_cell, is_blank_row, is_storable, tab_rows

pytestmark = pytest.mark.integration

# Far beyond every run_date of the other test modules: no run of theirs selects
# these snapshots (latest at or before run_date), and the module removes them.
FOCUSED_DT = date(2031, 1, 2)
LOADED_AT = datetime(2031, 1, 2, 5, 0, tzinfo=timezone.utc)
MARKER = "\ufffd"
ITEMS = specs.SHEET_TABS["items"]


def _items_grid(name_cell: str) -> list[list[str]]:
    grid = [list(ITEMS.required_columns)]
    for i in range(1, 553):  # the size of the sample's tab that was lost
        grid.append([f"I-{i:04d}", f"Item {i}", "PLANT-ATL", "AUTO-FILL", "TRUE", "500", "0.5",
                     "2", "5", "TRUE"])
    grid[7][1] = name_cell  # row 8 of the sheet
    return grid


def _write_csv(path, grid) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(grid)


def _landed(target, tab: specs.SheetTab, snapshot_dt: date) -> dict[int, tuple[str, ...]]:
    with connect(target) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("select _row_number, _loaded_at, {} from {} where _snapshot_dt = %s")
                    .format(sql.SQL(", ").join(map(sql.Identifier, tab.required_columns)),
                            sql.Identifier(*tab.raw_table)), (snapshot_dt,))
        rows = cur.fetchall()
    assert {row[1] for row in rows} <= {LOADED_AT}  # every row stamped with its load
    return {row[0]: tuple(row[2:]) for row in rows}


def _logged_count(target, tab: specs.SheetTab, snapshot_dt: date) -> int | None:
    with connect(target) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("select row_count from {} where source = %s and snapshot_dt = %s")
                    .format(sql.Identifier(*specs.LOADS_TABLE)), (tab.raw_table[1], snapshot_dt))
        found = cur.fetchone()
        return found[0] if found else None


@pytest.fixture(scope="module")
def target(warehouse):
    """The session's warehouse; this module's snapshots are removed afterwards."""
    yield warehouse
    with connect(warehouse) as conn, conn.cursor() as cur:
        for table, column in [*((t.raw_table, "_snapshot_dt") for t in specs.SHEET_TABS.values()),
                              (specs.FORECAST_RAW_TABLE, "snapshot_dt"),
                              (specs.LOADS_TABLE, "snapshot_dt")]:
            if table_exists(cur, *table):
                cur.execute(sql.SQL("delete from {} where {} >= %s").format(
                    sql.Identifier(*table), sql.Identifier(column)), (FOCUSED_DT,))


def test_a_nul_in_one_csv_cell_lands_the_whole_tab(target, tmp_path):
    _write_csv(tmp_path / ITEMS.csv_file, _items_grid("Wid\x00get"))
    extra_columns, rows = local_files.sheet_tab_rows(tmp_path, ITEMS)
    with connect(target) as conn:
        landed = landing.land_sheet_tab(conn, ITEMS, rows, FOCUSED_DT, LOADED_AT, extra_columns)

    raw = _landed(target, ITEMS, FOCUSED_DT)
    assert landed == len(raw) == _logged_count(target, ITEMS, FOCUSED_DT) == 552
    assert raw[8][1] == f"Wid{MARKER}get"  # visible where the NUL was
    assert raw[9] == ("I-0008", "Item 8", "PLANT-ATL", "AUTO-FILL", "TRUE", "500", "0.5", "2",
                      "5", "TRUE")  # the other rows as typed


def test_undecodable_bytes_in_a_csv_tab_land_the_whole_tab(target, tmp_path):
    """Invalid UTF-8 in a file is the CSV form of a lone surrogate."""
    path = tmp_path / ITEMS.csv_file
    _write_csv(path, _items_grid("BYTES"))
    path.write_bytes(path.read_bytes().replace(b"BYTES", b"Gad\xffget"))
    extra_columns, rows = local_files.sheet_tab_rows(tmp_path, ITEMS)
    with connect(target) as conn:
        landed = landing.land_sheet_tab(conn, ITEMS, rows, FOCUSED_DT, LOADED_AT, extra_columns)
    raw = _landed(target, ITEMS, FOCUSED_DT)
    assert landed == len(raw) == 552
    assert raw[8][1] == f"Gad{MARKER}get"


@pytest.mark.parametrize("bad", ["Wid\x00get", "Wid\ud800get", "\x00"])
def test_a_nul_or_lone_surrogate_from_the_sheets_api_lands_the_whole_tab(target, bad):
    """The Sheets client path: the API's JSON carries `\\u0000` or `\\ud800`."""
    from orchestration.defs.sheets.client import SheetsReader
    from tests.fakes.sheets_server import FakeSheets

    with FakeSheets({"items": _items_grid(bad)}) as fake:
        reader = SheetsReader(fake.spreadsheet_id, fake.service_account_info(),
                              api_base_url=fake.api_base_url)
        grid, payload = reader.tab_values_with_payload("items")
    assert grid[7][1] == bad  # the client hands the text over as the API sent it
    assert payload.isascii()  # the archived payload is the JSON as sent (escaped)
    header_map, rows = landing_rows("Google Sheets tab 'items'", grid, ITEMS.required_columns)
    with connect(target) as conn:
        landed = landing.land_sheet_tab(conn, ITEMS, rows, FOCUSED_DT, LOADED_AT,
                                        header_map.extra_columns)
    raw = _landed(target, ITEMS, FOCUSED_DT)
    assert landed == len(raw) == 552
    assert raw[8][1] == bad.replace("\x00", MARKER).replace("\ud800", MARKER)


# -- the landing invariant over generated tabs, through both paths into PostgreSQL ------------

SHEETS_DT, CSV_DT = date(2031, 1, 3), date(2031, 1, 4)


@pytest.fixture(scope="module")
def sheets_api():
    """One fake Sheets API and one reader for the module (not one per example)."""
    from orchestration.defs.sheets.client import SheetsReader
    from tests.fakes.sheets_server import FakeSheets

    with FakeSheets({}) as fake:
        yield fake, SheetsReader(fake.spreadsheet_id, fake.service_account_info(),
                                 api_base_url=fake.api_base_url)


@st.composite
def generated_tabs(draw):
    tab = draw(st.sampled_from(list(KINDS)))
    header = list(KINDS[tab])
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["notes", "Notes\x00", "comment\ud800"])))
    return tab, header, draw(tab_rows(tab))


def _assert_landed(target, tab, snapshot_dt, landed, data):
    expected_numbers = [i + 2 for i, row in enumerate(data) if not is_blank_row(row)]
    raw = _landed(target, tab, snapshot_dt)
    # rows in = rows landed = rows in raw = the load log's count
    assert landed == len(raw) == len(expected_numbers) == _logged_count(target, tab, snapshot_dt)
    assert sorted(raw) == expected_numbers
    for number, cells in raw.items():
        original = data[number - 2] + [""] * len(tab.required_columns)
        for i, landed_cell in enumerate(cells):
            check_landed_cell(original[i], landed_cell)


@settings(deadline=None, max_examples=60, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(generated=generated_tabs())
def test_every_row_of_a_generated_tab_lands_through_both_paths(target, sheets_api, tmp_path,
                                                               generated):
    name, header, data = generated
    tab = specs.SHEET_TABS[name]
    fake, reader = sheets_api

    fake.tabs[name] = [header, *data]  # the Google Sheets path: JSON from the API
    header_map, rows = landing_rows(f"Google Sheets tab '{name}'", reader.tab_values(name),
                                    tab.required_columns)
    with connect(target) as conn:
        landed = landing.land_sheet_tab(conn, tab, rows, SHEETS_DT, LOADED_AT,
                                        header_map.extra_columns)
    _assert_landed(target, tab, SHEETS_DT, landed, data)

    # the CSV local form: a lone surrogate is written as the invalid UTF-8 bytes of
    # its code point; each undecodable byte reads as one character
    with (tmp_path / tab.csv_file).open("w", newline="", encoding="utf-8",
                                        errors="surrogatepass") as handle:
        csv.writer(handle).writerows([header, *data])
    extra_columns, rows = local_files.sheet_tab_rows(tmp_path, tab)
    with connect(target) as conn:
        landed = landing.land_sheet_tab(conn, tab, rows, CSV_DT, LOADED_AT, extra_columns)
    as_read = [[c.encode("utf-8", "surrogatepass").decode("utf-8", "surrogateescape")
                for c in row] for row in data]
    _assert_landed(target, tab, CSV_DT, landed, as_read)


# -- rows in = rows in raw = rows valid + rows reported, through dbt (one invocation) ----------

RUN_DATE = date(2031, 1, 6)
DEV_USER = "pst_unstorable"  # the dev target's schemas: dev_pst_unstorable_stg, ..._stg2
TEMPLATES = {  # a valid row per tab, in spec column order
    "staffing": ["PLANT-ATL", "AUTO-FILL", "2031-01-07", "2"],
    "staffing_defaults": ["PLANT-ATL", "AUTO-FILL", "3", "2"],
    "items": ["I-0001", "Widget", "PLANT-ATL", "AUTO-FILL", "TRUE", "500", "0.5", "2", "5",
              "TRUE"],
    "dc_mapping": ["DC-01", "PLANT-ATL"],
}
# in every column, text kinds included: each must make its row code 8 (D63)
FOCUSED_CELLS = ["Wid\x00get", "\x00", "\ud800", "  x\udc80 ", "é" * 40_000]


def _generated_batch(examples: int) -> dict[str, list[list[str]]]:
    """Data rows per tab from `examples` Hypothesis examples, concatenated, so that
    dbt runs once for all of them (a dbt run per example would take minutes)."""
    collected: dict[str, list[list[str]]] = {tab: [] for tab in KINDS}

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({tab: tab_rows(tab, max_rows=8) for tab in KINDS}))
    def collect(tabs):
        for tab, rows in tabs.items():
            collected[tab].extend(rows)

    collect()
    for tab, template in TEMPLATES.items():
        for column in range(len(template)):
            for bad in FOCUSED_CELLS:
                collected[tab].append([*template[:column], bad, *template[column + 1:]])
    return collected


def _unstorable_columns(tab: str, row: list[str]) -> set[str]:
    """The required columns whose cell the warehouse cannot store as typed."""
    padded = row + [""] * len(KINDS[tab])
    return {column for column, text in zip(KINDS[tab], padded)
            if not is_storable(text) and not is_blank_row([text])}


FORECASTS = [  # Supplybuy-shaped records: they reach COPY without landing_rows
    ("I-0001", "DC-01", "2031-01-07", "10", None, 1),
    ("I-00\x0001", "DC-01", "2031-01-07", "10", None, 2),      # code 8: the key
    ("I-0001", "DC-01", "2031-01-07", "1\x000", None, 3),      # code 7: the units
    ("I-0001", "DC-01", "2031-01-0\x007", "10", "2031\ud800", 4),  # code 8: the date
    ("I-0001", "DC\ud800", "2031-01-07", "10", None, 5),       # code 8: the key
]


@pytest.fixture(scope="module")
def dbt_batch(target, tmp_path_factory):
    """Generated tabs landed through the CSV local form, then one `dbt run` of
    ps_qa_inputs and everything upstream on the dev target (own schemas)."""
    data_dir = tmp_path_factory.mktemp("unstorable-tabs")
    grids = _generated_batch(examples=15)
    landed = {}
    with connect(target) as conn:
        for name, rows in grids.items():
            tab = specs.SHEET_TABS[name]
            with (data_dir / tab.csv_file).open("w", newline="", encoding="utf-8",
                                                errors="surrogatepass") as handle:
                csv.writer(handle).writerows([list(KINDS[name]), *rows])
            extra_columns, rows_to_land = local_files.sheet_tab_rows(data_dir, tab)
            landed[name] = landing.land_sheet_tab(conn, tab, rows_to_land, RUN_DATE, LOADED_AT,
                                                  extra_columns)
        landing.land_forecasts(conn, FORECASTS, RUN_DATE, LOADED_AT)
        with conn.cursor() as cur:
            landing.ensure_inventory_tables(cur)  # the ERP's table: read, not replaced

    work = tmp_path_factory.mktemp("dbt-unstorable")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", "+ps_qa_inputs",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target", "dev", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs"), "--vars", json.dumps({"run_date": RUN_DATE.isoformat()})],
        capture_output=True, text=True,
        env={**os.environ, **target.dbt_env(), "PST_DEV_USER": DEV_USER})
    assert result.returncode == 0, result.stdout[-5000:]
    try:
        with connect(target) as conn, conn.cursor() as cur:
            checked = {}
            for name in KINDS:
                cur.execute(sql.SQL("select _row_number, qa_code from {}").format(
                    sql.Identifier(f"dev_{DEV_USER}_stg2", f"int_{name}__checked")))
                checked[name] = dict(cur.fetchall())
            cur.execute(sql.SQL("select source, row_number, code, message from {} "
                                "where run_date = %s").format(
                sql.Identifier(f"dev_{DEV_USER}_stg2", "ps_qa_inputs")), (RUN_DATE,))
            findings = cur.fetchall()
        yield grids, landed, checked, findings
    finally:
        with connect(target) as conn, conn.cursor() as cur:
            for suffix in ("", "_stg", "_stg2", "_dwh"):
                cur.execute(sql.SQL("drop schema if exists {} cascade").format(
                    sql.Identifier(f"dev_{DEV_USER}{suffix}")))


def test_every_row_is_valid_or_reported_with_tab_row_and_column(target, dbt_batch):
    grids, landed, checked, findings = dbt_batch
    for name, data in grids.items():
        rows_in = [i + 2 for i, row in enumerate(data) if not is_blank_row(row)]
        in_raw = _landed(target, specs.SHEET_TABS[name], RUN_DATE)
        valid = [n for n, code in checked[name].items() if code is None]
        reported = {n: (code, message) for source, n, code, message in findings
                    if source == name}
        assert len(reported) == sum(1 for f in findings if f[0] == name)  # one per row
        assert len(rows_in) == landed[name] == len(in_raw) == len(valid) + len(reported), name
        assert sorted([*valid, *reported]) == rows_in == sorted(in_raw)

        for number, (code, message) in reported.items():
            assert f"{name} row {number} " in message  # the tab and the row
            if code == "8":  # the column(s): "<column> is blank" / "<column> '<cell>' ..."
                assert any(f"{column} is blank" in message or f"{column} '" in message
                           for column in KINDS[name]), message
            unstorable = _unstorable_columns(name, data[number - 2])
            assert message.count("cannot store") == len(unstorable), message
            for column in unstorable:
                assert code == "8" and f"{column} '" in message, (column, message)
        # a row with a cell the warehouse cannot store is never valid, whatever the column
        assert not [n for n in valid if _unstorable_columns(name, data[n - 2])]


def test_every_focused_cell_is_reported_in_every_column(dbt_batch):
    grids, _, checked, findings = dbt_batch
    for name, template in TEMPLATES.items():
        focused = range(len(grids[name]) - len(template) * len(FOCUSED_CELLS) + 2,
                        len(grids[name]) + 2)
        assert all(checked[name][n] == "8" for n in focused), name


def test_forecast_rows_with_unstorable_text_are_reported_not_lost(dbt_batch):
    _, _, _, findings = dbt_batch
    codes = {n: code for source, n, code, _ in findings if source == "forecasts" and n}
    assert codes == {2: "8", 3: "7", 4: "8", 5: "8"}
    messages = {n: m for source, n, _, m in findings if source == "forecasts" and n}
    assert "item_id 'I-00\ufffd01' has a character the warehouse cannot store" in messages[2]
    assert "distribution_center 'DC\ufffd' has a character" in messages[5]
