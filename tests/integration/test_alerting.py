"""Alarms that compare a run with its history, end to end: real runs of the daily job
(make run's entry point), the alerts delivered by slack-sdk to a local Slack stand-in,
the P4 digest to a local SMTP server.

The module has its own warehouse and Dagster home and starts with a clean week (3
consecutive run_dates): the history the row-count and duration alarms compare with.
The alarms of one damaged run each are in test_alerting_faults.py (another home, so
the two modules run side by side). Each test looks only at the messages its own runs
produced.
"""

from __future__ import annotations

import csv
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from datetime import date, timedelta
from pathlib import Path

import pytest

from orchestration.landing import local_files
from orchestration.warehouse import connect, ensure_warehouse
from tests.fakes.slack_server import FakeSlack
from tests.fakes.supplybuy_server import FakeSupplybuy
from tests.integration.alerting import (
    ALERTS, TOKEN, Mark, alarms, alert_log, alerting_platform, copy_sample,
    evaluate_sensor, published, rewrite,
)
from tests.integration.conftest import environment, run_partition
from tests.integration.parity import fetch_dicts

pytestmark = pytest.mark.integration

FIRST = date(2026, 11, 1)
# Three clean days: enough history for the row-count baseline (up to 7 previous run_dates,
# fewer at the start) and the duration alarms (Thresholds.duration_min_runs = 3 successful
# runs); the faults come after.
CLEAN_WEEK = [FIRST + timedelta(days=i) for i in range(3)]
AFTER = FIRST + timedelta(days=len(CLEAN_WEEK))  # the first run_date after the clean days


@pytest.fixture(scope="module")
def slack():
    with FakeSlack(token=TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module", autouse=True)
def platform(pst_home, slack, dbt_manifest):
    # the session's own folder (pytest's tmp dirs rotate)
    with alerting_platform(pst_home / "alerting-history-home", slack) as home:
        yield home


# -- a clean week ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clean_week(sample_dir, slack):
    mark = Mark(slack)
    for run_date in CLEAN_WEEK:
        assert run_partition(run_date, sample_dir) == 0
    return mark


def test_a_clean_week_posts_no_p1_to_p3_alert(clean_week):
    assert clean_week.new == []
    # every run was processed, and its success waits for the digest (P4)
    digest = alert_log("job-completed-successfully")
    assert sorted(a["partition_key"] for a in digest) == [d.isoformat() for d in CLEAN_WEEK]
    assert all(a["pending"] and a["route"] == "digest" for a in digest)
    # the row-count history is the published schedule itself: every run_date of the week
    published = fetch_dicts("select distinct run_date from dwh.fact_production_schedule "
                            "where run_date between %s and %s order by run_date",
                            (CLEAN_WEEK[0], CLEAN_WEEK[-1]))
    assert [p["run_date"] for p in published] == CLEAN_WEEK


def test_the_sensor_does_not_send_what_make_run_sent(clean_week, slack):
    mark = Mark(slack)
    evaluate_sensor()
    assert mark.new == []


def schedule_of(run_dates: list[date]) -> dict[date, list[tuple]]:
    rows = fetch_dicts("select * from dwh.fact_production_schedule where run_date = any(%s) "
                       "order by run_date, fps_dt, manufacturing_location, line_type, item_id",
                       (run_dates,))
    by_date: dict[date, list[tuple]] = {d: [] for d in run_dates}
    for row in rows:
        # everything but the build timestamp, which is allowed to change on a re-run
        by_date[row["run_date"]].append(
            tuple(v for k, v in sorted(row.items()) if k != "runtime_dt_utc"))
    return by_date


def test_a_slow_rerun_of_the_third_run_date_restores_only_it_and_raises_the_duration_anomaly(
        clean_week, sample_dir, slack):
    """fact_production_schedule keeps every run_date; a re-run replaces only its own rows.
    The re-run is also slowed to about 3x the week's average run: only its duration differs
    from the week, so it raises the duration anomaly and nothing else (one run for both:
    a run costs ~45 s of CPU on this machine)."""
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    run_date = CLEAN_WEEK[2]
    before = schedule_of(CLEAN_WEEK)
    assert all(len(rows) > 1_000 for rows in before.values())
    # damage the third partition so that only a real rebuild can restore it
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("delete from dwh.fact_production_schedule where run_date = %s "
                    "and rank_over_manufacturing_location_line_type > 3", (run_date,))
        assert cur.rowcount > 0
    with DagsterInstance.get() as instance:  # the week's runs, from Dagster's run records
        durations = [r.end_time - r.start_time for r in instance.get_run_records(RunsFilter(
            job_name="production_schedule_job", statuses=[DagsterRunStatus.SUCCESS]))]
    average = sum(durations) / len(durations)
    with FakeSupplybuy.from_forecasts_csv(sample_dir / "forecasts.csv", token="sb") as supplybuy:
        dates = local_files.forecast_window(run_date, 31, 7)
        # the first responses wait: the run takes about 3x the average (above 2x even when
        # the machine is busier during the clean runs than during this one)
        supplybuy.slow(2.0 * average / len(dates), count=len(dates))
        mark = Mark(slack)
        # these runs take ~30 s: this run lets a doubling count (production: 60 s); the rest of
        # the module keeps the production figure, so a busy machine's noise raises nothing
        with environment(SUPPLYBUY_BASE_URL=supplybuy.base_url, SUPPLYBUY_API_TOKEN="sb",
                         PST_DURATION_MIN_EXCESS_SECONDS="10"):
            assert run_partition(run_date, sample_dir) == 0
    assert schedule_of(CLEAN_WEEK) == before
    assert alarms(mark.new) == [("P2", "prod-schedule-duration-anomaly", ALERTS)]
    for day in CLEAN_WEEK:  # each run_date's plan dates are its own
        plan_dates = {r["fps_dt"] for r in fetch_dicts(
            "select distinct fps_dt from dwh.fact_production_schedule where run_date = %s",
            (day,))}
        assert min(plan_dates) == day + timedelta(days=1)
        assert max(plan_dates) <= day + timedelta(days=31)


# -- row count vs the previous 7 run_dates ---------------------------------------------------

def _drop_items_forecasts(data: Path, share: float) -> None:
    with (data / "items.csv").open(newline="", encoding="utf-8-sig") as handle:
        items = sorted({row["item_id"].strip() for row in csv.DictReader(handle)})
    dropped = set(items[: int(len(items) * share)])
    rewrite(data / "forecasts.csv", keep=lambda row: row["item_id"].strip() not in dropped)


def test_a_row_count_drop_warns_then_escalates_and_blocks_the_publish(clean_week, sample_dir,
                                                                      tmp_path, slack):
    run_date = AFTER
    warn_data = copy_sample(sample_dir, tmp_path / "warn")
    _drop_items_forecasts(warn_data, 0.3)
    mark = Mark(slack)
    assert run_partition(run_date, warn_data) == 0
    assert alarms(mark.new) == [("P2", "prod-schedule-row-count-warning", ALERTS)]
    warned = published(run_date)
    assert warned  # a warning publishes

    critical_data = copy_sample(sample_dir, tmp_path / "critical")
    _drop_items_forecasts(critical_data, 0.7)
    mark = Mark(slack)
    assert run_partition(run_date, critical_data) == 1  # the blocking check stops the publish
    assert alarms(mark.new) == [("P1", "prod-schedule-row-count-critical", ALERTS)]
    assert published(run_date) == warned  # the previously published schedule stays
    numbers = alert_log("prod-schedule-row-count-critical")[-1]
    assert '"baseline_run_dates"' in numbers["numbers"] and numbers["status"] == "open"

    # (the same open condition again is not re-sent: test_alert_router.py, without a run)
    mark = Mark(slack)
    assert run_partition(run_date, sample_dir) == 0  # fixed: published, condition resolved
    assert mark.new == []
    assert alert_log("prod-schedule-row-count-critical")[-1]["status"] == "resolved"
    assert len(published(run_date)) > len(warned)


# -- the P4 digest and the weekly summary by email ------------------------------------------------

def test_the_daily_digest_and_weekly_summary_go_by_email(clean_week):
    from aiosmtpd.controller import Controller

    from orchestration.defs.monitoring.digest import send_daily_digest, send_weekly_summary
    from orchestration.defs.monitoring.service import AlertingResource

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.content, policy=default_policy)
            self.messages.append(f"{message['subject']}\n{message.get_content()}")
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with environment(PST_SMTP_HOST="127.0.0.1", PST_SMTP_PORT=str(port),
                         PST_DIGEST_TO="planning-ops@example.com"):
            with connect(ensure_warehouse()) as conn:
                router = AlertingResource().router(conn)
                assert send_daily_digest(router).startswith("smtp://127.0.0.1")
                assert send_daily_digest(router) is None  # nothing left to send
                send_weekly_summary(conn, router)
    finally:
        controller.stop()
    daily, weekly = inbox.messages
    assert "job-completed-successfully" in daily
    for run_date in CLEAN_WEEK:
        assert run_date.isoformat() in daily
    assert "weekly summary" in weekly.lower()
    for section in ("Runs", "Durations", "Row counts", "Alerts"):
        assert section in weekly
    for run_date in CLEAN_WEEK:  # the run_dates built this week, with their rows
        assert f"{run_date}: tomorrow" in weekly
    raised = fetch_dicts("select alarm, count(*) as n from ops.alert_log where severity <> 'P4' "
                         "group by alarm")
    for row in raised:  # every alert of the week is counted in the summary
        assert f"{row['alarm']}: {row['n']}" in weekly
    from dagster import DagsterInstance, DagsterRunStatus

    with DagsterInstance.get() as instance:  # every run of the week, failed ones included
        runs = [r for r in instance.get_runs() if "digest" not in r.job_name
                and "summary" not in r.job_name]
    by_status = {s: sum(1 for r in runs if r.status == s)
                 for s in (DagsterRunStatus.FAILURE, DagsterRunStatus.SUCCESS)}
    expected = f"{len(runs)} runs: " + ", ".join(
        f"{n} {s.value.lower()}" for s, n in sorted(by_status.items(), key=lambda i: i[0].value)
        if n)
    assert expected in weekly
