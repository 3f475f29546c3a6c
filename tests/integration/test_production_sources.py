"""The production forms end to end: real gspread and requests over HTTP to local
stand-ins for Google Sheets and Supplybuy, through `make run`'s entry point.

The stand-ins serve the very CSV files of the local form, so what lands must be
the same row for row (and so the schedule the models build from it); a backfill
with Google Sheets must use the snapshot in force and never fetch today's sheet
as an older one.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from psycopg2 import sql

from orchestration import settings
from orchestration.warehouse import connect, ensure_warehouse
from tests.fakes.sheets_server import FakeSheets, tabs_from_csv_dir
from tests.fakes.supplybuy_server import FakeSupplybuy
from tests.integration.conftest import environment, run_partition
from tests.integration.parity import (
    fetch_dicts, finding_keys, published_schedule, schedule_differences,
)
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

TOKEN = "supplybuy-test-token"
SCHEDULE_COLUMNS = (
    "fps_dt, manufacturing_location, line_type, item_id, is_automated, schedule_class, "
    "rank_over_manufacturing_location_line_type, projected_inventory, forecast_units, "
    "avg_demand, days_of_supply, need_units, changeover_lines, required_lines, "
    "production_lines, lines_available, production_goal_total, is_within_capacity, "
    "is_tomorrow_production_schedule")


def query(sql_text: str, params=()):
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql_text, params)
        return cur.fetchall()


def schedule(run_date):
    columns = sql.SQL(", ").join(sql.Identifier(c.strip()) for c in SCHEDULE_COLUMNS.split(","))
    return query(sql.SQL("select {} from dwh.fact_production_schedule where run_date = %s "
                         "order by fps_dt, manufacturing_location, line_type, item_id").format(
                             columns), (run_date,))


FINDING_KEYS = ("code", "source", "row_number", "item_id", "distribution_center")


def findings(run_date) -> set[tuple]:
    return finding_keys(fetch_dicts("select * from stg2.ps_qa_inputs where run_date = %s",
                                    (run_date,)), FINDING_KEYS)


# raw table -> its snapshot column (the Sheets tabs keep a snapshot per load day)
RAW_TABLES = {"sheets_staffing": "_snapshot_dt", "sheets_staffing_defaults": "_snapshot_dt",
              "sheets_items": "_snapshot_dt", "sheets_dc_mapping": "_snapshot_dt",
              "supplybuy_forecasts": "snapshot_dt"}


@pytest.fixture(scope="module")
def today():
    return settings.plant_today()


@pytest.fixture(scope="module")
def sample_around_today(pst_home, today) -> Path:
    """The generated sample over a window around today (Sheets loads are stamped today)."""
    from orchestration.sample_data.generate import generate_sample

    out = pst_home / "sample-around-today"
    if not (out / "forecasts.csv").exists():
        generate_sample(out, scale=1, start=today - timedelta(days=40),
                        end=today + timedelta(days=45))
    return out


@pytest.fixture
def production_sources(sample_around_today, tmp_path):
    """Both stand-ins serving the sample, and the environment that selects them."""
    with FakeSheets(tabs_from_csv_dir(sample_around_today)) as sheets, \
            FakeSupplybuy.from_forecasts_csv(sample_around_today / "forecasts.csv", token=TOKEN,
                                             fault_rate=0.1, seed=7) as supplybuy:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(sheets.service_account_info()))
        env = dict(GOOGLE_SHEETS_SPREADSHEET_ID=sheets.spreadsheet_id,
                   GOOGLE_APPLICATION_CREDENTIALS=str(key_file),
                   PST_SHEETS_API_URL=sheets.api_base_url,
                   SUPPLYBUY_BASE_URL=supplybuy.base_url, SUPPLYBUY_API_TOKEN=TOKEN)
        yield sheets, supplybuy, env


def landed(run_date) -> dict[str, list[tuple]]:
    """What each source landed for run_date, without the load's time and, for Supplybuy,
    the row numbers (the API's pages number rows their own way): the rows the models read."""
    out = {}
    for table, date_column in RAW_TABLES.items():
        skipped = ["_loaded_at", *(["_row_number"] if table == "supplybuy_forecasts" else [])]
        columns = [c for (c,) in query(
            "select column_name from information_schema.columns where table_schema = 'raw' "
            "and table_name = %s and column_name <> all(%s) order by column_name",
            (table, skipped))]
        listed = sql.SQL(", ").join(map(sql.Identifier, columns))
        out[table] = query(sql.SQL("select {} from {} where {} = %s order by {}").format(
            listed, sql.Identifier("raw", table), sql.Identifier(date_column), listed), (run_date,))
    return out


def test_sheets_and_supplybuy_land_what_the_local_form_lands(sample_around_today,
                                                             production_sources, dbt_manifest,
                                                             pst_home, today):
    """The same rows land from both forms, and the production form's run publishes the
    schedule and QA findings of those files (the independent reference computes them from
    the local form's CSVs: a build of the local form is not needed to know them)."""
    sheets, supplybuy, env = production_sources
    assert run_partition(today, sample_around_today, land_only=True) == 0
    local = landed(today)
    assert all(local.values()), {t: len(rows) for t, rows in local.items()}

    with environment(**env):
        assert run_partition(today, sample_around_today) == 0

    production = landed(today)
    for table in RAW_TABLES:  # row for row
        assert production[table] == local[table], table
    reference = compute_schedule(sample_around_today, today)
    assert len(reference.schedule) > 1000
    assert schedule_differences(reference.schedule, published_schedule(today)) == []
    assert findings(today) == finding_keys(reference.qa_inputs, FINDING_KEYS)
    # every window date was requested, pages and all (retries included: 10 % faults)
    window = {(today + timedelta(days=k)).isoformat() for k in range(1, 31 + 7)}
    assert {r.query.get("forecast_date") for r in supplybuy.requests} == window
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in supplybuy.requests)
    assert len(sheets.requests_of("values")) == 4
    # raw payloads archived (no bucket configured: the local folder)
    archive = pst_home / "raw_archive"
    assert len(list((archive / "sheets_items" / today.isoformat()).glob("*/values.json"))) == 1
    pages = list((archive / "supplybuy_forecasts" / today.isoformat()).glob("*/*/page-*.json"))
    assert {p.parent.name for p in pages} == window
    assert query("select count(*) from raw.source_loads where source = 'sheets_items' "
                 "and snapshot_dt = %s", (today,)) == [(1,)]


def test_a_sheets_backfill_uses_the_snapshot_in_force(sample_around_today, production_sources,
                                                      dbt_manifest, today):
    sheets, _, env = production_sources
    older, backfilled = today - timedelta(days=6), today - timedelta(days=3)
    # an older snapshot landed by an earlier run (local form: the files are that day's snapshot)
    assert run_partition(older, sample_around_today, land_only=True) == 0
    requests_before = len(sheets.requests_of("values"))

    with environment(**env):
        assert run_partition(backfilled, sample_around_today) == 0

    assert len(sheets.requests_of("values")) == requests_before  # today's sheet never fetched
    assert query("select count(*) from raw.source_loads where source like 'sheets_%%' "
                 "and snapshot_dt = %s", (backfilled,)) == [(0,)]
    assert len(schedule(backfilled)) > 1000


def test_a_sheets_backfill_before_any_snapshot_fails_saying_so(sample_around_today,
                                                                production_sources, dbt_manifest,
                                                                today, capsys):
    sheets, _, env = production_sources
    never = date(2026, 1, 2)  # before every run_date the test session lands
    with environment(**env):
        assert run_partition(never, sample_around_today) == 1
    output = capsys.readouterr().out
    assert f"No snapshot of the 'staffing' sheet at or before run_date {never}" in output
    assert sheets.requests_of("values") == []


def test_sheets_auth_failure_fails_the_run_with_its_alarm(sample_around_today, production_sources,
                                                          dbt_manifest, today, capsys):
    sheets, _, env = production_sources
    sheets.reject_api(403)
    with environment(**env):
        assert run_partition(today, sample_around_today) == 1
    output = capsys.readouterr().out
    assert "Sheets authentication failed" in output
    assert "google-sheets-auth-failed" in output


def test_a_supplybuy_date_that_keeps_failing_publishes_no_demand(sample_around_today,
                                                                 production_sources, dbt_manifest,
                                                                 today, capsys):
    _, _, env = production_sources
    run_date = today
    with FakeSupplybuy.from_forecasts_csv(sample_around_today / "forecasts.csv", token=TOKEN,
                                          fail_dates={today + timedelta(days=5)}) as broken:
        with environment(**{**env, "SUPPLYBUY_BASE_URL": broken.base_url}):
            before = query("select count(*), max(_loaded_at) from raw.supplybuy_forecasts "
                           "where snapshot_dt = %s", (run_date,))
            assert run_partition(run_date, sample_around_today) == 1
    output = capsys.readouterr().out
    assert "supplybuy-unavailable" in output
    assert (today + timedelta(days=5)).isoformat() in output
    # the earlier complete pull of this run_date is untouched: nothing partial landed
    assert query("select count(*), max(_loaded_at) from raw.supplybuy_forecasts "
                 "where snapshot_dt = %s", (run_date,)) == before
