"""Bad input and another warehouse: what a run does with them, end to end."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from orchestration.warehouse import connect, ensure_warehouse
from tests.integration.conftest import environment, run_partition

pytestmark = pytest.mark.integration


def query(sql_text: str, params=()):
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql_text, params)
        return cur.fetchall()


def read_csv(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_a_missing_required_column_fails_naming_file_and_column(data_copy, dbt_manifest, capsys):
    rows = read_csv(data_copy / "staffing.csv")
    with (data_copy / "staffing.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["manufacturing_location", "line_type", "dt"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert run_partition(date(2026, 11, 20), data_copy) == 1
    output = capsys.readouterr().out
    assert "staffing.csv" in output and "'lines_staffed'" in output


def test_a_missing_column_pages_with_the_steps_own_message(data_copy, dbt_manifest, capsys):
    """The P1 for the failed run says what failed, not only the job's name (issue 14, 5)."""
    rows = read_csv(data_copy / "items.csv")
    with (data_copy / "items.csv").open("w", newline="") as handle:
        columns = [c for c in rows[0] if c != "units_per_line_day"]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert run_partition(date(2026, 11, 19), data_copy) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err  # the console notifier writes alerts to stderr
    [page] = [line for line in output.splitlines() if "P1 prod-schedule-job-failed" in line]
    # the summary under the run: the step's own message, no Python class path or traceback
    assert "  step raw__sheets_items: items.csv (tab 'items'): missing required column" in output
    assert "dagster._core" not in output and "Traceback" not in output
    assert "production_schedule_job failed: raw__sheets_items: items.csv" in page
    assert "'units_per_line_day'" in page


# One run of a damaged copy for the input problems a run lives with (a run each cost
# ~45 s of CPU): a bad cell in items.csv and an empty staffing tab.
DAMAGED_RUN_DATE = date(2026, 11, 13)


@pytest.fixture(scope="module")
def damaged_run(sample_dir, dbt_manifest, tmp_path_factory):
    import shutil

    from orchestration.landing.local_load import land_local_form

    data = tmp_path_factory.mktemp("damaged") / "data"
    shutil.copytree(sample_dir, data)
    land_local_form(data, date(2026, 11, 12))  # an older snapshot, with staffing overrides
    rows = read_csv(data / "items.csv")
    rows[0]["units_per_line_day"] = "12,34"  # rejected by the text rules: code 8
    with (data / "items.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    with (data / "staffing.csv").open("w", newline="") as handle:  # a header, no rows
        handle.write("manufacturing_location,line_type,dt,lines_staffed\n")
    assert run_partition(DAMAGED_RUN_DATE, data) == 0
    return rows[0]["item_id"].strip()


def test_bad_cells_are_kept_and_reported_not_fatal(damaged_run):
    bad_item = damaged_run
    assert query("select units_per_line_day from raw.sheets_items "
                 "where _snapshot_dt = %s and _row_number = 2", (DAMAGED_RUN_DATE,)) == [("12,34",)]
    findings = query("select code, source, row_number from stg2.ps_qa_inputs "
                     "where run_date = %s and source = 'items'", (DAMAGED_RUN_DATE,))
    assert ("8", "items", 2) in findings
    assert query("select count(*) from dwh.fact_production_schedule "
                 "where run_date = %s and item_id = %s", (DAMAGED_RUN_DATE, bad_item)) == [(0,)]


def test_an_empty_tab_is_a_snapshot_not_a_gap(damaged_run):
    """A staffing tab with a header and no rows is the snapshot in force: the run
    uses the defaults, never an older snapshot's overrides."""
    assert query("select count(*) from raw.sheets_staffing where _snapshot_dt = %s",
                 (date(2026, 11, 12),))[0][0] > 0  # the older snapshot had overrides
    assert query("select count(*) from stg.stg_sheets__staffing") == [(0,)]
    assert query("select row_count from raw.source_loads where source = 'sheets_staffing' "
                 "and snapshot_dt = %s", (DAMAGED_RUN_DATE,)) == [(0,)]
    assert query("select count(*) from dwh.fact_production_schedule where run_date = %s",
                 (DAMAGED_RUN_DATE,))[0][0] > 0


def test_database_url_and_h_w_r_select_the_server_and_the_schedule(sample_dir, dbt_manifest,
                                                                   tmp_path):
    """`make run HORIZON_DAYS=7 DEMAND_WINDOW_DAYS=3 LINE_ROUNDING_INCREMENT=0.25` with
    PST_DATABASE_URL + PST_LOCAL_DATA_DIR: that directory, that server, that partition and
    those parameters (one run for both: a run costs ~45 s of CPU on this machine)."""
    import pgserver

    from orchestration.run import main

    run_date = date(2026, 11, 9)  # a run_date no other test builds
    other = pgserver.get_server(tmp_path / "other-pg", cleanup_mode="stop")
    try:
        with environment(PST_DATABASE_URL=other.get_uri(), PST_LOCAL_DATA_DIR=str(sample_dir)):
            assert main(["--run-date", run_date.isoformat(), "--horizon-days", "7",
                         "--demand-window-days", "3", "--line-rounding-increment", "0.25"]) == 0
            plan_dates, odd_quarters = query(
                "select count(distinct fps_dt), sum(case when mod(required_lines, 0.5) = 0.25 "
                "then 1 else 0 end) from dwh.fact_production_schedule where run_date = %s",
                (run_date,))[0]
            forecast_dates = query("select count(distinct forecast_date) from "
                                   "raw.supplybuy_forecasts where snapshot_dt = %s", (run_date,))
            snapshots = query("select count(distinct _snapshot_dt) from raw.sheets_items")
        assert plan_dates == 7
        assert odd_quarters > 0  # lines in steps of 0.25, not 0.5
        assert forecast_dates == [(7 + 3 - 1,)]
        assert snapshots == [(1,)]  # the other server holds this run's load only
        # and the session's own warehouse got nothing of it
        [(published_here,)] = query("select to_regclass('dwh.fact_production_schedule') is not null")
        if published_here:
            assert query("select count(*) from dwh.fact_production_schedule where run_date = %s",
                         (run_date,)) == [(0,)]
    finally:
        ensure_warehouse()  # back to the session's embedded warehouse for later tests
        other.cleanup()


def test_no_snapshot_at_or_before_run_date_fails_saying_so(dbt_manifest, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from orchestration.settings import DBT_PROJECT_DIR

    ensure_warehouse()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", "stg_sheets__items",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target", "local", "--target-path", str(tmp_path),
         "--vars", json.dumps({"run_date": "2026-01-05"})],
        capture_output=True, text=True)
    assert result.returncode != 0
    assert "No snapshot of the 'items' sheet at or before run_date 2026-01-05" in result.stdout
    assert "`make land RUN_DATE=2026-01-05`" in result.stdout  # the command that mends it
