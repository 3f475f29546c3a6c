"""data-freshness-stale for the Google Sheets tabs, which backfills cannot exercise
(a backfill never calls the Sheets API, D33: it reuses the snapshot in force).

The freshness check is a plain function of a connection, the run_date and the clock
(orchestration/defs/freshness.py: evaluate_load_freshness, what each tab's
`data_freshness` check calls), so the test lands snapshots with the real landing code
and load times of its choosing, evaluates every tab at the daily run's time, and sends
the outcome through the real alert path (check metadata -> findings -> router ->
slack-sdk -> the Slack stand-in). All of it in one transaction that is rolled back:
the session's warehouse keeps nothing of it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg2
import pytest

from orchestration.landing import landing, specs
from orchestration.landing.snapshots import snapshot_in_force
from orchestration.landing.tabular import landing_rows
from orchestration.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.integration.conftest import environment, route_findings

pytestmark = pytest.mark.integration

TOKEN = "test-bot-token"
RUN_DATE = date(2026, 2, 10)  # no other test lands a snapshot this early (asserted below)
ONE_ROW = {
    "staffing": ["PLANT-ATL", "AUTO-FILL", RUN_DATE.isoformat(), "4"],
    "staffing_defaults": ["PLANT-ATL", "AUTO-FILL", "1", "4"],
    "items": ["I-0001", "Item 1", "PLANT-ATL", "AUTO-FILL", "TRUE", "500", "0.5", "2", "5",
              "TRUE"],
    "dc_mapping": ["DC-01", "PLANT-ATL"],
}


def land(conn, tab: specs.SheetTab, snapshot_dt: date, loaded_at: datetime) -> None:
    _, rows = landing_rows(f"tab '{tab.name}'", [list(tab.required_columns), ONE_ROW[tab.name]],
                           tab.required_columns)
    landing.land_sheet_tab(conn, tab, rows, snapshot_dt, loaded_at)


def evaluate_every_tab(conn, settings: Settings, now: datetime):
    """Each tab's data_freshness check as the asset check evaluates it, at `now`."""
    from orchestration.defs.freshness import evaluate_load_freshness

    return {tab.name: evaluate_load_freshness(conn, tab.raw_table[1], RUN_DATE,
                                              settings.thresholds.freshness_hours, settings,
                                              now=now)
            for tab in specs.SHEET_TABS.values()}


def route(conn, outcomes, slack):
    """The outcomes through the alert path of a finished run: evaluations -> findings and
    resolutions (runs.check_findings) -> the router -> Slack. Returns the alert log rows."""
    from dagster import AssetKey
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluation,
    )

    from orchestration.defs.monitoring.runs import check_findings
    from orchestration.defs.monitoring.service import AlertingResource

    evaluations = [AssetCheckEvaluation(
        asset_key=AssetKey(list(specs.SHEET_TABS[name].raw_table)), check_name="data_freshness",
        passed=o.passed, metadata=o.to_result().metadata, description=o.summary)
        for name, o in outcomes.items()]
    findings, resolutions = check_findings(evaluations, RUN_DATE.isoformat(), "run-freshness")
    with environment(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url):
        router = AlertingResource().router(conn)
        route_findings(router, findings, resolutions)
    with conn.cursor() as cur:
        cur.execute("select subject, status from ops.alert_log where alarm = "
                    "'data-freshness-stale' and partition_key = %s order by subject",
                    (RUN_DATE.isoformat(),))
        return cur.fetchall()


@pytest.fixture
def conn(warehouse):
    connection = psycopg2.connect(**warehouse.psycopg2_kwargs)
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


def test_a_stale_tab_raises_data_freshness_stale_naming_it_and_a_fresh_load_clears_it(conn):
    settings = Settings.from_env()
    hours = settings.thresholds.freshness_hours
    # the daily run of RUN_DATE (plant time): the clock the check judges a partition by
    now = datetime.combine(RUN_DATE, time(settings.schedule_hour, settings.schedule_minute),
                           tzinfo=ZoneInfo(settings.plant_timezone))
    tabs = specs.SHEET_TABS
    assert all(snapshot_in_force(conn, t.raw_table[1], RUN_DATE) is None for t in tabs.values())

    # every tab loaded two days ago; today's load reached every tab but items
    for tab in tabs.values():
        land(conn, tab, RUN_DATE - timedelta(days=2), now - timedelta(hours=2 * hours + 1))
    for name in ("staffing", "staffing_defaults", "dc_mapping"):
        land(conn, tabs[name], RUN_DATE, now - timedelta(minutes=10))

    with FakeSlack(token=TOKEN) as slack:
        stale = evaluate_every_tab(conn, settings, now)
        assert {name: o.passed for name, o in stale.items()} == {
            "staffing": True, "staffing_defaults": True, "items": False, "dc_mapping": True}
        items = stale["items"]
        assert (items.alarm, items.severity.value) == ("data-freshness-stale", "P2")
        assert items.summary == ("raw.sheets_items: the snapshot in force is "
                                 f"{2 * hours + 1:.0f} h old (over {hours:.0f} h)")
        assert items.numbers["age_hours"] == 2 * hours + 1

        assert route(conn, stale, slack) == [("raw/sheets_items:data_freshness", "open")]
        [alert] = slack.messages
        assert alert.channel == "#production_schedule_etl_alerts"
        assert alert.text.startswith(f"P2 data-freshness-stale [{RUN_DATE}]: raw.sheets_items: "
                                     "the snapshot in force is")

        # a fresh load of the tab (today's snapshot) clears it, and nothing more is sent
        land(conn, tabs["items"], RUN_DATE, now - timedelta(minutes=5))
        fresh = evaluate_every_tab(conn, settings, now)
        assert all(o.passed for o in fresh.values())
        assert fresh["items"].summary == "raw.sheets_items: snapshot 0.1 h old"
        assert route(conn, fresh, slack) == [("raw/sheets_items:data_freshness", "resolved")]
        assert len(slack.messages) == 1


def test_just_over_the_threshold_is_stale_and_just_under_is_fresh(conn):
    """The boundary at the daily run's time: 24 h (the threshold) is still fresh."""
    settings = Settings.from_env()
    hours = settings.thresholds.freshness_hours
    now = datetime.combine(RUN_DATE, time(settings.schedule_hour, settings.schedule_minute),
                           tzinfo=ZoneInfo(settings.plant_timezone))
    items = specs.SHEET_TABS["items"]
    land(conn, items, RUN_DATE - timedelta(days=1), now - timedelta(hours=hours))
    assert evaluate_every_tab(conn, settings, now)["items"].passed
    land(conn, items, RUN_DATE - timedelta(days=1), now - timedelta(hours=hours, minutes=6))
    outcome = evaluate_every_tab(conn, settings, now)["items"]
    assert not outcome.passed and outcome.alarm == "data-freshness-stale"
