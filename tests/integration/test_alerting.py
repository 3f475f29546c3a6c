"""Alarms end to end: real runs of the daily job (make run's entry point) on
damaged copies of the sample, the alerts they raise delivered by slack-sdk to a
local Slack stand-in, the P4 digest to a local SMTP server.

The module has its own warehouse and Dagster home, and starts with a clean
week (8 consecutive run_dates): the history the row-count and duration alarms
compare with. Tests run in file order and each looks only at the messages its
own runs produced.
"""

from __future__ import annotations

import csv
import shutil
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestration.landing import landing, local_files, specs
from orchestration.warehouse import connect, ensure_warehouse
from tests.fakes.slack_server import FakeSlack
from tests.fakes.supplybuy_server import FakeSupplybuy
from tests.integration.conftest import environment, run_partition
from tests.integration.parity import fetch_dicts

pytestmark = pytest.mark.integration

TOKEN = "test-bot-token"
ALERTS, MONITORING = "#production_schedule_etl_alerts", "#monitoring"
FIRST = date(2026, 11, 1)
# Four clean days: enough history for the row-count baseline (up to 7 previous run_dates,
# fewer at the start) and the duration alarms (3 successful runs); the faults come after.
CLEAN_WEEK = [FIRST + timedelta(days=i) for i in range(4)]
AFTER = FIRST + timedelta(days=len(CLEAN_WEEK))  # the first run_date after the clean days


# -- the module's own platform: warehouse, Dagster home, Slack ------------------------------

@pytest.fixture(scope="module")
def slack():
    with FakeSlack(token=TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module", autouse=True)
def alerting_platform(pst_home, slack, dbt_manifest):
    home = pst_home / "alerting-home"  # the session's own folder (pytest's tmp dirs rotate)
    with environment(PST_HOME=str(home), DAGSTER_HOME=str(home / "dagster_home"),
                     SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url,
                     PST_RUNBOOK_BASE_URL="https://git.example/pst/blob/main",
                     PST_SMTP_HOST=None):
        yield home


def alarms(messages) -> list[tuple[str, str, str]]:
    """(severity, alarm, channel) of each message; the text starts with the title."""
    out = []
    for m in messages:
        severity, alarm = m.text.split()[:2]
        out.append((severity, alarm, m.channel))
    return out


class Mark:
    """The Slack messages posted after this point."""

    def __init__(self, slack: FakeSlack):
        self.slack, self.start = slack, len(slack.messages)

    @property
    def new(self):
        return self.slack.messages[self.start:]


def copy_sample(sample_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sample_dir, target)
    return target


def rewrite(path: Path, keep=lambda row: True, change=lambda row: row, header_change=None):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    body = [change(dict(zip(header, r))) for r in body if r and keep(dict(zip(header, r)))]
    if header_change:
        header = header_change(header)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(h, "") for h in header] for row in body])


def published(run_date: date) -> list[tuple]:
    return [tuple(r.values()) for r in fetch_dicts(
        "select fps_dt, manufacturing_location, line_type, item_id, production_lines, "
        "production_goal_total from dwh.fact_production_schedule where run_date = %s "
        "order by 1, 2, 3, 4", (run_date,))]


def alert_log(alarm: str) -> list[dict]:
    return fetch_dicts("select * from ops.alert_log where alarm = %s order by first_raised_at",
                       (alarm,))


def runs_of(run_date: date) -> list:
    """The Dagster runs of a partition, oldest first."""
    from dagster import DagsterInstance, RunsFilter

    with DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(tags={"dagster/partition": run_date.isoformat()}))
    return list(reversed(runs))


def evaluate_sensor():
    """One tick of the daemon's alert sensor against this module's Dagster home."""
    from dagster import DagsterInstance, build_sensor_context

    from orchestration.defs.monitoring.resources import MonitoringSettings
    from orchestration.defs.monitoring.sensors import monitoring_sensors
    from orchestration.defs.monitoring.service import AlertingResource
    from orchestration.settings import Settings
    from orchestration.warehouse.resource import WarehouseResource

    [alert_on_finished_runs] = [s for s in monitoring_sensors() if s.name == "alert_on_finished_runs"]
    monitoring = MonitoringSettings.from_thresholds(Settings.from_env().thresholds)
    with DagsterInstance.get() as instance:
        context = build_sensor_context(instance=instance, resources={
            "warehouse": WarehouseResource(), "alerting": AlertingResource(),
            "monitoring": monitoring})
        return alert_on_finished_runs(context)


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


def test_rerunning_the_third_run_date_leaves_the_others_untouched(clean_week, sample_dir, slack):
    """fact_production_schedule keeps every run_date; a re-run replaces only its own rows."""
    before = schedule_of(CLEAN_WEEK)
    assert all(len(rows) > 1_000 for rows in before.values())
    # damage the third partition so that only a real rebuild can restore it
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("delete from dwh.fact_production_schedule where run_date = %s "
                    "and rank_over_manufacturing_location_line_type > 3", (CLEAN_WEEK[2],))
        assert cur.rowcount > 0
    mark = Mark(slack)
    assert run_partition(CLEAN_WEEK[2], sample_dir) == 0
    assert schedule_of(CLEAN_WEEK) == before
    assert mark.new == []
    for run_date in CLEAN_WEEK:  # each run_date's plan dates are its own
        plan_dates = {r["fps_dt"] for r in fetch_dicts(
            "select distinct fps_dt from dwh.fact_production_schedule where run_date = %s",
            (run_date,))}
        assert min(plan_dates) == run_date + timedelta(days=1)
        assert max(plan_dates) <= run_date + timedelta(days=31)


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


# -- staffing: re-run once, then alert -------------------------------------------------------

def test_missing_staffing_is_reloaded_once_then_alerted(clean_week, sample_dir, tmp_path, slack):
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


# -- input problems in one run: an added column, a stale inventory, a big history -------------

def test_added_column_stale_inventory_and_history_growth(clean_week, sample_dir, tmp_path, slack):
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
    mark = Mark(slack)
    assert run_partition(run_date, data) == 0

    assert sorted(alarms(mark.new)) == [
        ("P2", "data-freshness-stale", ALERTS),
        ("P3", "history-table-growth", MONITORING),
        ("P3", "schema-drift-detected", MONITORING),
    ]
    drift = next(m for m in mark.new if "schema-drift-detected" in m.text)
    assert "notes" in drift.text
    assert "https://git.example/pst/blob/main/docs/runbooks/schema-drift-detected.md" in str(
        drift.blocks)


# -- failures: a removed column, a missing file, a transient outage --------------------------

def test_a_removed_column_fails_the_run_with_drift_and_job_failed(clean_week, sample_dir,
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


def test_a_step_healed_by_its_retry_raises_nothing(clean_week, sample_dir, slack):
    run_date = AFTER + timedelta(days=4)
    with FakeSupplybuy.from_forecasts_csv(sample_dir / "forecasts.csv", token="sb") as supplybuy:
        supplybuy.force(503, count=5)  # the first date fails every client attempt, once
        mark = Mark(slack)
        with environment(SUPPLYBUY_BASE_URL=supplybuy.base_url, SUPPLYBUY_API_TOKEN="sb"):
            assert run_partition(run_date, sample_dir) == 0
        assert sum(1 for r in supplybuy.requests if r.status == 503) == 5
    assert mark.new == []
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        retries = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY).records
    assert [r.event_log_entry.dagster_event.step_key for r in retries] == \
        ["raw__supplybuy_forecasts"]


def test_a_failed_run_alerts_once_after_its_retries(clean_week, sample_dir, tmp_path, slack):
    run_date = AFTER + timedelta(days=5)
    data = copy_sample(sample_dir, tmp_path)
    (data / "forecasts.csv").unlink()
    mark = Mark(slack)
    assert run_partition(run_date, data) == 1
    assert alarms(mark.new) == [("P1", "prod-schedule-job-failed", ALERTS)]
    assert "forecasts.csv" in mark.new[0].text
    evaluate_sensor()  # the daemon sees the same run: nothing more
    assert len(mark.new) == 1


# -- Slack down: the pipeline goes on, the alert waits and is sent once ------------------------

def test_slack_failing_keeps_alerts_pending_until_it_recovers(clean_week, sample_dir, tmp_path,
                                                              slack):
    run_date = AFTER + timedelta(days=6)
    data = copy_sample(sample_dir, tmp_path)
    # half a line per pool and a changeover of a whole line: every candidate is over
    # capacity, and every location has lines but no production (ps_fps_errors 01)
    rewrite(data / "staffing.csv", keep=lambda r: False)
    rewrite(data / "staffing_defaults.csv", change=lambda r: {**r, "lines_staffed": "0.5"})
    rewrite(data / "items.csv", change=lambda r: {**r, "changeover_lines": "1"})
    slack.fail_next(2, status=500)  # Slack answers 500 to both alerts of the run, then recovers
    mark = Mark(slack)
    assert run_partition(run_date, data) == 0  # Slack failing never fails the pipeline
    assert mark.new == []
    pending = fetch_dicts("select alarm, delivery_attempts, last_delivery_error from "
                          "ops.alert_log where pending and route <> 'digest'")
    assert sorted(p["alarm"] for p in pending) == ["business-rule-violation",
                                                   "capacity-overflow-high"]
    assert all(p["delivery_attempts"] == 1 and "500" in p["last_delivery_error"] for p in pending)

    evaluate_sensor()  # the daemon's next tick retries them
    assert sorted(alarms(mark.new)) == [("P2", "business-rule-violation", ALERTS),
                                        ("P2", "capacity-overflow-high", ALERTS)]
    evaluate_sensor()
    assert len(mark.new) == 2  # sent once


# -- a slow run ----------------------------------------------------------------------------------

def test_a_run_twice_as_slow_as_the_week_raises_the_duration_anomaly(clean_week, sample_dir,
                                                                      slack):
    run_date = CLEAN_WEEK[-1]  # re-run a clean day: only its duration differs from the week
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

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
    assert alarms(mark.new) == [("P2", "prod-schedule-duration-anomaly", ALERTS)]


# -- a warehouse table that changed shape ------------------------------------------------------

def test_a_column_added_to_a_landed_table_raises_schema_drift_once(clean_week, sample_dir, slack):
    """One mechanism for tables: Dagster's column-schema check compares the columns of
    each materialization with the previous one's (defs/monitoring/schema_drift.py)."""
    run_date = CLEAN_WEEK[3]  # its baseline is the clean days before it, whatever ran later
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("alter table raw.supplybuy_forecasts add column source_system varchar(20)")
    mark = Mark(slack)
    assert run_partition(run_date, sample_dir) == 0
    assert alarms(mark.new) == [("P3", "schema-drift-detected", MONITORING)]
    assert "raw/supplybuy_forecasts" in mark.new[0].text
    assert "source_system" in str(mark.new[0].blocks)
    mark = Mark(slack)
    assert run_partition(run_date, sample_dir) == 0  # the same columns as last time: no drift
    assert mark.new == []
    [drift] = [a for a in alert_log("schema-drift-detected")
               if a["subject"] == "raw/supplybuy_forecasts:column_schema_change"]
    assert drift["status"] == "resolved"


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
