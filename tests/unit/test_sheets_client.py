"""SheetsReader: real gspread + google-auth over real HTTP to the fake Sheets API on 127.0.0.1.

The Backoff gets a recording no-op sleep, so retry loops run for real without waiting.
"""

from __future__ import annotations

import csv
import json
import socket

import gspread
import pytest
import requests
from google.auth.transport import DEFAULT_MAX_REFRESH_ATTEMPTS
from google.oauth2.service_account import Credentials

from orchestration.landing.retry import Backoff
from orchestration.defs.sheets.client import (
    GOOGLE_SHEETS_API,
    BaseUrlHTTPClient,
    SheetsAuthError,
    SheetsError,
    SheetsReader,
    SheetsTabNotFound,
    SheetsUnavailable,
)
from orchestration.landing.specs import SHEET_TABS
from orchestration.landing.tabular import SourceSchemaError, landing_rows
from tests.fakes.sheets_server import (
    FakeSheets,
    generate_private_key,
    private_key_pem,
    tabs_from_csv_dir,
)

pytestmark = pytest.mark.timeout(60)

STAFFING = SHEET_TABS["staffing"].required_columns
ITEMS = SHEET_TABS["items"].required_columns
DC_MAPPING = SHEET_TABS["dc_mapping"].required_columns

# As people type it: columns out of order, header case/spaces, US and ISO dates,
# stray spaces, a blank row inside, a short row, blank (and space-only) rows at the end.
STAFFING_GRID = [
    [" Line_Type ", "dt", "MANUFACTURING_LOCATION", "lines_staffed "],
    ["AUTO", "11/23/2026", " PLT-A ", "3"],
    ["MANUAL", "2026-11-24", "PLT-A", "1,250"],
    ["", "", "", ""],
    ["AUTO", " 11/25/2026 ", "PLT-B", ""],
    ["", "", "", ""],
    ["   ", "", "", ""],
    ["", "", "", ""],
]
ITEM_HEADER = ["item_id", "item_name", "manufacturing_location", "line_type", "is_automated",
               "units_per_line_day", "changeover_lines", "safety_stock_days",
               "target_days_of_supply", "is_active"]
ITEMS_GRID = [
    ITEM_HEADER,
    ["SKU-1", "Widget, large", "PLT-A", "AUTO", "TRUE", "1,250.5", "1", "2", "10", "yes"],
    ["SKU-2", "Gadget", "PLT-B", "MANUAL", "no", "800", "0", "1.5", "7", "0"],
]


def raised_alarm(error) -> tuple[str, bool]:
    """The alarm the tab's asset raises for this client error, and whether it retries."""
    from orchestration.defs.sheets.assets import sheets_failure

    failure = sheets_failure(error, "staffing")
    return failure.metadata["alarm"].value, failure.allow_retries


@pytest.fixture
def fake():
    with FakeSheets({"staffing": STAFFING_GRID, "items": ITEMS_GRID,
                     "dc_mapping": [["distribution_center", "manufacturing_location"]]}) as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_reader(fake, sleeps):
    def make(max_attempts=5, **kwargs):
        # random=0.5 makes the equal jitter deterministic: delay = 0.75 * ceiling.
        backoff = Backoff(max_attempts=max_attempts, base_delay=0.5, factor=2.0,
                          sleep=sleeps.append, random=lambda: 0.5)
        kwargs.setdefault("api_base_url", fake.api_base_url)
        info = kwargs.pop("info", None) or fake.service_account_info()
        return SheetsReader(fake.spreadsheet_id, info, backoff=backoff, **kwargs)

    return make


def label(tab):
    return f"Google Sheets tab '{tab}'"


# -- values as typed, through landing_rows -------------------------------------------------------


def test_tabs_come_back_as_typed_text_and_land(fake, make_reader):
    reader = make_reader()
    staffing = reader.tab_values("staffing")
    # Exactly what the API sends: text as typed, trailing blank cells/rows trimmed, ragged rows.
    assert staffing == [
        [" Line_Type ", "dt", "MANUFACTURING_LOCATION", "lines_staffed "],
        ["AUTO", "11/23/2026", " PLT-A ", "3"],
        ["MANUAL", "2026-11-24", "PLT-A", "1,250"],
        [],
        ["AUTO", " 11/25/2026 ", "PLT-B"],
        [],
        ["   "],
    ]
    header_map, rows = landing_rows(label("staffing"), staffing, STAFFING)
    assert header_map.extra_columns == []
    assert [r.row_number for r in rows] == [2, 3, 5]  # header is row 1; blank rows counted
    assert [r.cells for r in rows] == [
        (" PLT-A ", "AUTO", "11/23/2026", "3"),
        ("PLT-A", "MANUAL", "2026-11-24", "1,250"),
        ("PLT-B", "AUTO", " 11/25/2026 ", ""),
    ]

    items = reader.tab_values("items")
    assert items == ITEMS_GRID
    _, item_rows = landing_rows(label("items"), items, ITEMS)
    assert item_rows[0].cells[ITEMS.index("units_per_line_day")] == "1,250.5"
    assert item_rows[0].cells[ITEMS.index("is_automated")] == "TRUE"
    assert item_rows[0].cells[ITEMS.index("item_name")] == "Widget, large"

    # One token for the reader, one values GET per tab, rendered as displayed.
    assert len(fake.requests_of("token")) == 1
    values = fake.requests_of("values")
    assert [r.path.rsplit("/", 1)[1] for r in values] == ["'staffing'", "'items'"]
    assert all(r.query["valueRenderOption"] == ["FORMATTED_VALUE"] for r in values)
    assert fake.requests_of("metadata") == []


def test_missing_required_column_names_tab_and_column(fake, make_reader):
    fake.tabs["staffing"] = [["manufacturing_location", "line_type", "dt", "lines"],
                             ["PLT-A", "AUTO", "2026-11-23", "3"]]
    grid = make_reader().tab_values("staffing")
    with pytest.raises(SourceSchemaError) as error:
        landing_rows(label("staffing"), grid, STAFFING)
    assert error.value.missing == ["lines_staffed"]
    assert "tab 'staffing'" in str(error.value) and "'lines_staffed'" in str(error.value)


def test_extra_column_is_kept(fake, make_reader):
    fake.tabs["dc_mapping"] = [["Manufacturing_Location", "distribution_center", "Notes"],
                               ["PLT-A", "DC-EAST", "since March"],
                               ["PLT-B", "DC-WEST"]]
    header_map, rows = landing_rows(label("dc_mapping"), make_reader().tab_values("dc_mapping"),
                                    DC_MAPPING)
    assert header_map.extra_columns == ["notes"]
    assert [r.cells for r in rows] == [("DC-EAST", "PLT-A"), ("DC-WEST", "PLT-B")]
    assert json.loads(rows[0].extra_json) == {"notes": "since March"}
    assert rows[1].extra_json is None


def test_empty_tab_is_an_empty_grid_and_a_missing_header(fake, make_reader):
    fake.tabs["staffing"] = []
    grid = make_reader().tab_values("staffing")
    assert grid == []
    with pytest.raises(SourceSchemaError):
        landing_rows(label("staffing"), grid, STAFFING)


def test_tabs_are_reread_on_every_call(fake, make_reader):
    reader = make_reader()
    assert reader.tab_values("dc_mapping") == [["distribution_center", "manufacturing_location"]]
    fake.tabs["dc_mapping"] = [["distribution_center", "manufacturing_location"], ["DC-1", "PLT-A"]]
    assert reader.tab_values("dc_mapping")[1] == ["DC-1", "PLT-A"]


def test_raw_payload_is_the_json_the_server_sent(fake, make_reader):
    grid, payload = make_reader().tab_values_with_payload("items")
    assert isinstance(payload, bytes)
    sent = fake.responses_of("values")
    assert len(sent) == 1 and sent[0].status == 200
    assert payload == sent[0].body
    assert json.loads(payload)["values"] == grid == ITEMS_GRID


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_errors_are_retried_with_backoff(fake, make_reader, sleeps, status):
    fake.fail_values(status, times=2)
    assert make_reader().tab_values("items") == ITEMS_GRID
    assert sleeps == [0.375, 0.75]  # 0.5 * 2**(k-1), equal jitter at random()=0.5
    assert [r.status for r in fake.responses_of("values")] == [status, status, 200]


def test_retry_after_is_honoured(fake, make_reader, sleeps):
    fake.fail_values(429, times=1, retry_after=7)
    assert make_reader().tab_values("items") == ITEMS_GRID
    assert sleeps == [7.0]


def test_503_forever_gives_up_after_max_attempts(fake, make_reader, sleeps):
    fake.fail_values(503, times=100)
    with pytest.raises(SheetsUnavailable) as error:
        make_reader(max_attempts=4).tab_values("staffing")
    assert (error.value.tab, error.value.status, error.value.attempts) == ("staffing", 503, 4)
    assert "'staffing'" in str(error.value) and "503" in str(error.value)
    assert "4 attempts" in str(error.value)
    assert raised_alarm(error.value) == ("prod-schedule-job-failed", True)  # retried as a step
    assert len(fake.requests_of("values")) == 4
    assert sleeps == [0.375, 0.75, 1.5]  # no wait after the last attempt


def test_connection_errors_are_retried(fake, make_reader, sleeps):
    with socket.socket() as probe:  # a port nobody listens on (the token endpoint still works)
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(SheetsUnavailable) as error:
        make_reader(max_attempts=3, api_base_url=dead).tab_values("staffing")
    assert error.value.status is None and error.value.attempts == 3
    assert "ConnectionError" in str(error.value)
    assert len(sleeps) == 2


def test_requests_have_a_read_timeout(fake, make_reader, sleeps):
    fake.values_delay = 1.0
    with pytest.raises(SheetsUnavailable) as error:
        make_reader(max_attempts=2, timeout=(2.0, 0.1)).tab_values("staffing")
    assert "Timeout" in str(error.value) and error.value.attempts == 2
    assert len(sleeps) == 1


# -- authentication --------------------------------------------------------------------------


def assert_auth_message(error, fake, tab):
    message = str(error)
    assert raised_alarm(error) == ("google-sheets-auth-failed", False)
    assert message.startswith("Sheets authentication failed")
    assert repr(tab) in message and fake.spreadsheet_id in message
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message and "access" in message
    info = fake.service_account_info()
    assert "PRIVATE KEY" not in message and info["private_key"] not in message
    assert info["private_key_id"] not in message


@pytest.mark.parametrize("status, values_calls", [
    # On a 401 google-auth re-fetches the token and repeats the call (an expired token
    # is the usual cause); our Backoff never retries either status.
    (401, 1 + DEFAULT_MAX_REFRESH_ATTEMPTS),
    (403, 1),
])
def test_api_401_403_are_auth_errors_without_retries(fake, make_reader, sleeps, status,
                                                     values_calls):
    fake.reject_api(status)
    with pytest.raises(SheetsAuthError) as error:
        make_reader().tab_values("staffing")
    assert_auth_message(error.value, fake, "staffing")
    assert f"HTTP {status}" in str(error.value)
    assert sleeps == []
    assert len(fake.requests_of("values")) == values_calls


@pytest.mark.parametrize("status", [401, 403])
def test_token_endpoint_rejection_is_an_auth_error(fake, make_reader, sleeps, status):
    fake.reject_token(status)
    with pytest.raises(SheetsAuthError) as error:
        make_reader().tab_values("items")
    assert_auth_message(error.value, fake, "items")
    assert sleeps == []
    assert len(fake.requests_of("token")) == 1 and fake.requests_of("values") == []


def test_a_key_the_server_does_not_know_is_an_auth_error(fake, make_reader, sleeps):
    # The fake verifies the JWT's signature: a different key gets invalid_grant (HTTP 400).
    foreign = fake.service_account_info(private_key=private_key_pem(generate_private_key()))
    with pytest.raises(SheetsAuthError):
        make_reader(info=foreign).tab_values("items")
    assert fake.responses_of("token")[0].status == 400
    assert b"Invalid JWT Signature" in fake.responses_of("token")[0].body
    assert sleeps == [] and fake.requests_of("values") == []


def test_fake_requires_the_bearer_token_it_issued(fake):
    url = f"{fake.api_base_url}/v4/spreadsheets/{fake.spreadsheet_id}/values/staffing"
    assert requests.get(url, timeout=5).status_code == 401
    forged = {"Authorization": "Bearer made-up"}
    assert requests.get(url, headers=forged, timeout=5).status_code == 401


def test_unusable_key_fails_at_construction_without_key_material(fake):
    info = fake.service_account_info()
    del info["client_email"]
    with pytest.raises(SheetsAuthError) as error:
        SheetsReader(fake.spreadsheet_id, info, api_base_url=fake.api_base_url)
    message = str(error.value)
    assert message.startswith("Sheets authentication failed")
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message and "client_email" in message
    assert "PRIVATE KEY" not in message
    assert fake.requests == []


# -- missing tab / spreadsheet ---------------------------------------------------------------


def test_missing_tab(fake, make_reader, sleeps):
    with pytest.raises(SheetsTabNotFound) as error:
        make_reader().tab_values("Staffing 2026")
    assert error.value.tab == "Staffing 2026"
    assert raised_alarm(error.value) == ("schema-drift-detected", False)
    assert "'Staffing 2026'" in str(error.value)
    assert "'staffing'" in str(error.value)  # lists the tabs that do exist
    assert sleeps == []
    assert len(fake.requests_of("values")) == 1


def test_missing_spreadsheet_is_not_retried(fake, sleeps):
    reader = SheetsReader("no-such-sheet", fake.service_account_info(),
                          api_base_url=fake.api_base_url, backoff=Backoff(sleep=sleeps.append))
    with pytest.raises(SheetsError, match="no-such-sheet.*404") as error:
        reader.tab_values("staffing")
    assert not isinstance(error.value, (SheetsAuthError, SheetsUnavailable, SheetsTabNotFound))
    assert sleeps == []


def test_default_base_url_is_google(fake):
    reader = SheetsReader("x", fake.service_account_info())
    assert reader._http.api_base_url == GOOGLE_SHEETS_API
    assert reader._http.timeout == (5.0, 60.0)


# -- the fake speaks gspread's high-level path too --------------------------------------------


def test_gspread_open_by_key_worksheet_get_all_values(fake, make_reader):
    credentials = Credentials.from_service_account_info(fake.service_account_info(),
                                                        scopes=gspread.auth.READONLY_SCOPES)
    client = gspread.Client(auth=credentials, http_client=BaseUrlHTTPClient)
    client.http_client.api_base_url = fake.api_base_url
    spreadsheet = client.open_by_key(fake.spreadsheet_id)
    assert [ws.title for ws in spreadsheet.worksheets()] == ["staffing", "items", "dc_mapping"]
    assert spreadsheet.worksheet("items").get_all_values() == make_reader().tab_values("items")
    with pytest.raises(gspread.WorksheetNotFound):
        spreadsheet.worksheet("nope")


def test_tabs_from_local_csv_files(tmp_path, make_reader):
    grids = {
        "staffing": [["manufacturing_location", "line_type", "dt", "lines_staffed"],
                     ["PLT-A", "AUTO", "2026-11-23", "3"]],
        "staffing_defaults": [
            ["manufacturing_location", "line_type", "day_of_week", "lines_staffed"],
            ["PLT-A", "AUTO", "1", "2"],
        ],
        "items": ITEMS_GRID,
        "dc_mapping": [["distribution_center", "manufacturing_location"], ["DC-EAST", "PLT-A"]],
    }
    for name, grid in grids.items():
        with (tmp_path / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(grid)
    tabs = tabs_from_csv_dir(tmp_path)
    assert tabs == grids
    with FakeSheets(tabs) as fake:
        reader = SheetsReader(fake.spreadsheet_id, fake.service_account_info(),
                              api_base_url=fake.api_base_url)
        for name, tab in SHEET_TABS.items():
            _, rows = landing_rows(label(name), reader.tab_values(name), tab.required_columns)
            assert len(rows) == len(grids[name]) - 1
