"""Alarms of one damaged run each, end to end: real runs of the daily job (make run's
entry point) on damaged copies of the sample, the alerts delivered by slack-sdk to a
local Slack stand-in.

The module has its own warehouse and Dagster home (test_alerting.py has the alarms
that compare a run with earlier clean ones). Each test has its own run_date, needs no
other test's runs and looks only at the messages its own runs produced.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from orchestration.landing import landing, local_files, specs
from orchestration.warehouse import connect, ensure_warehouse
from tests.fakes.slack_server import FakeSlack
from tests.fakes.supplybuy_server import FakeSupplybuy
from tests.integration.alerting import (
    ALERTS, MONITORING, TOKEN, Mark, alarms, alert_log, alerting_platform, copy_sample,
    evaluate_sensor, fetch_dicts, published, rewrite, runs_of,
)
from tests.integration.conftest import environment, run_partition

pytestmark = pytest.mark.integration

DRIFT_DAY = date(2026, 11, 4)  # the table-drift test's; the faults' run_dates come after
AFTER = DRIFT_DAY + timedelta(days=1)  # the faults' run_dates: AFTER + 1 ... AFTER + 5


@pytest.fixture(scope="module")
def slack():
    with FakeSlack(token=TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module", autouse=True)
def platform(pst_home, slack, dbt_manifest):
    with alerting_platform(pst_home / "alerting-faults-home", slack) as home:
        yield home


# -- staffing: re-run once, then alert -------------------------------------------------------

def test_missing_staffing_is_reloaded_once_then_alerted(sample_dir, tmp_path, slack):
    run_date = AFTER + timedelta(days=1)
    tomorrow = run_date + timedelta(days=1)
    pool = ("PLANT-RNO", "AUTO-PACK")
    data = copy_sample(sample_dir, tmp_path)

    def is_pool(row):
        return (row["manufacturing_location"].strip(), row["line_type"].strip()) == pool

    rewrite(data / "staffing.csv", keep=lambda r: not is_pool(r))
    rewrite(data / "staffing_defaults.csv",
            keep=lambda r: not (is_pool(r) and int(r["day_of_week"]) == tomorrow.isoweekday()))
    mark = Mark(slack)
    assert run_partition(run_date, data) == 0

    assert alarms(mark.new) == [("P1", "staffing-data-missing", ALERTS)]
    assert [r.job_name for r in runs_of(run_date)] == ["production_schedule_job",
                                                       "staffing_remediation_job"]
    assert "PLANT-RNO/AUTO-PACK" in mark.new[0].text or any(
        "PLANT-RNO/AUTO-PACK" in str(b) for b in mark.new[0].blocks)


# -- input problems in one run, Slack down: an added column, a stale inventory, a big history,
#    every pool over capacity; the pipeline goes on, the alerts wait and are sent once ---------

def test_input_problems_alert_once_and_wait_while_slack_fails(sample_dir, tmp_path, slack):
    run_date = AFTER + timedelta(days=2)
    data = copy_sample(sample_dir, tmp_path)
    rewrite(data / "items.csv", change=lambda r: {**r, "notes": "new column"},
            header_change=lambda h: [*h, "notes"])
    rewrite(data / "inventory_snapshot.csv",
            keep=lambda r: date.fromisoformat(r["snapshot_dt"]) <= run_date - timedelta(days=3))
    # 40 older snapshots of the items tab: its history passes 10,000 rows
    _, rows = local_files.sheet_tab_rows(sample_dir, specs.SHEET_TABS["items"])
    with connect(ensure_warehouse()) as conn:
        for k in range(40):
            landing.land_sheet_tab(conn, specs.SHEET_TABS["items"], rows,
                                   date(2026, 9, 1) + timedelta(days=k), datetime.now(timezone.utc))
    # half a line per pool and a changeover of a whole line: every candidate is over
    # capacity, and every location has lines but no production (ps_fps_errors 01)
    rewrite(data / "staffing.csv", keep=lambda r: False)
    rewrite(data / "staffing_defaults.csv", change=lambda r: {**r, "lines_staffed": "0.5"})
    rewrite(data / "items.csv", change=lambda r: {**r, "changeover_lines": "1"})
    expected = [
        ("P2", "business-rule-violation", ALERTS),
        ("P2", "capacity-overflow-high", ALERTS),
        ("P2", "data-freshness-stale", ALERTS),
        ("P3", "history-table-growth", MONITORING),
        ("P3", "schema-drift-detected", MONITORING),
    ]
    slack.fail_next(len(expected), status=500)  # Slack answers 500 to every alert, then recovers
    mark = Mark(slack)
    assert run_partition(run_date, data) == 0  # Slack failing never fails the pipeline
    assert mark.new == []
    pending = fetch_dicts("select alarm, delivery_attempts, last_delivery_error from "
                          "ops.alert_log where pending and route <> 'digest'")
    assert sorted(p["alarm"] for p in pending) == [alarm for _, alarm, _ in expected]
    assert all(p["delivery_attempts"] == 1 and "500" in p["last_delivery_error"] for p in pending)

    evaluate_sensor()  # the daemon's next tick retries them
    assert sorted(alarms(mark.new)) == expected
    drift = next(m for m in mark.new if "schema-drift-detected" in m.text)
    assert "notes" in drift.text
    assert "https://git.example/pst/blob/main/docs/runbooks/schema-drift-detected.md" in str(
        drift.blocks)
    evaluate_sensor()
    assert len(mark.new) == len(expected)  # sent once


# -- failures: a removed column, a missing file, a transient outage --------------------------

def test_a_removed_column_fails_the_run_with_drift_and_job_failed(sample_dir,
                                                                  tmp_path, slack):
    run_date = AFTER + timedelta(days=3)
    data = copy_sample(sample_dir, tmp_path)
    rewrite(data / "dc_mapping.csv",
            header_change=lambda h: [c for c in h if c != "manufacturing_location"])
    mark = Mark(slack)
    assert run_partition(run_date, data) == 1
    assert sorted(alarms(mark.new)) == [("P1", "prod-schedule-job-failed", ALERTS),
                                        ("P3", "schema-drift-detected", MONITORING)]
    assert published(run_date) == []


def test_a_step_healed_by_its_retry_raises_nothing(sample_dir, slack):
    """The retry is the landing step's (its RetryPolicy): `make land` runs that step and
    processes the run's alerts as `make run` does, without a dbt build."""
    run_date = AFTER + timedelta(days=4)
    with FakeSupplybuy.from_forecasts_csv(sample_dir / "forecasts.csv", token="sb") as supplybuy:
        supplybuy.force(503, count=5)  # the first date fails every client attempt, once
        mark = Mark(slack)
        with environment(SUPPLYBUY_BASE_URL=supplybuy.base_url, SUPPLYBUY_API_TOKEN="sb"):
            assert run_partition(run_date, sample_dir, land_only=True) == 0
        assert sum(1 for r in supplybuy.requests if r.status == 503) == 5
    assert mark.new == []
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        retries = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY).records
    assert [r.event_log_entry.dagster_event.step_key for r in retries] == \
        ["raw__supplybuy_forecasts"]


def test_a_failed_run_alerts_once_after_its_retries(sample_dir, tmp_path, slack):
    run_date = AFTER + timedelta(days=5)
    data = copy_sample(sample_dir, tmp_path)
    (data / "forecasts.csv").unlink()
    mark = Mark(slack)
    assert run_partition(run_date, data) == 1
    assert alarms(mark.new) == [("P1", "prod-schedule-job-failed", ALERTS)]
    assert "forecasts.csv" in mark.new[0].text
    evaluate_sensor()  # the daemon sees the same run: nothing more
    assert len(mark.new) == 1


# -- a warehouse table that changed shape ------------------------------------------------------

def test_a_column_added_to_a_landed_table_raises_schema_drift_once(sample_dir, slack):
    """One mechanism for tables: Dagster's column-schema check compares the columns of
    each materialization with the previous one's (defs/monitoring/schema_drift.py)."""
    run_date = DRIFT_DAY
    mark = Mark(slack)
    assert run_partition(run_date, sample_dir, land_only=True) == 0  # the table as it lands
    assert mark.new == []
    # re-run: only the table's columns differ from its last run
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("alter table raw.supplybuy_forecasts add column source_system varchar(20)")
    mark = Mark(slack)
    # the check is the landed table's (`make land` runs it; the build adds nothing to it)
    assert run_partition(run_date, sample_dir, land_only=True) == 0
    assert alarms(mark.new) == [("P3", "schema-drift-detected", MONITORING)]
    assert "raw/supplybuy_forecasts" in mark.new[0].text
    assert "source_system" in str(mark.new[0].blocks)
    mark = Mark(slack)
    # the same columns as last time: no drift
    assert run_partition(run_date, sample_dir, land_only=True) == 0
    assert mark.new == []
    [drift] = [a for a in alert_log("schema-drift-detected")
               if a["subject"] == "raw/supplybuy_forecasts:column_schema_change"]
    assert drift["status"] == "resolved"
