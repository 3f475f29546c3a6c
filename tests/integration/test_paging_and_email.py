"""P1 pages (PagerDuty Events API v2), P2 is emailed beside Slack (migration plan 4.1):
the router on the real alert log (ops.alert_log, ops.alert_delivery in the session's
embedded warehouse), every channel a real server on 127.0.0.1: the PagerDuty stand-in
(tests/fakes/pagerduty_server.py), the Slack stand-in through slack-sdk, and aiosmtpd."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from psycopg2 import sql

from orchestration.alarms import Route, Severity
from orchestration.defs.monitoring.mail import SmtpDigestSender
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.notify import SlackNotifier, slack_client
from orchestration.defs.monitoring.pagerduty import PagerDutyPager
from orchestration.defs.monitoring.router import AlertRouter
from orchestration.defs.monitoring.store import AlertLog
from orchestration.warehouse import connect
from tests.fakes.pagerduty_server import FakePagerDuty
from tests.fakes.slack_server import FakeSlack
from tests.integration.conftest import environment

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

ROUTING_KEY = "R0UTINGKEY-0f1e2d3c4b5a69788796a5b4"
SLACK_TOKEN = "test-bot-token"
ALERTS, MONITORING = "#production_schedule_etl_alerts", "#monitoring"
CHANNELS = {Route.ALERTS: ALERTS, Route.MONITORING: MONITORING}
ONCALL = ["oncall@example.test"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(message_from_bytes(envelope.original_content, policy=default_policy))
        return "250 OK"


class Smtp:
    """aiosmtpd on a fixed port that can be stopped (down) and started again (back)."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def up(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def services():
    smtp = Smtp()
    smtp.up()
    with FakePagerDuty(routing_key=ROUTING_KEY) as pagerduty, FakeSlack(SLACK_TOKEN) as slack:
        yield pagerduty, slack, smtp
    smtp.down()


@pytest.fixture
def conn(warehouse):
    with connect(warehouse) as conn:
        AlertLog(conn)  # creates ops.alert_log and ops.alert_delivery
        with conn.cursor() as cur:
            for table in ("alert_log", "alert_delivery"):
                cur.execute(sql.SQL("delete from {}").format(sql.Identifier("ops", table)))
        yield conn


def make_router(conn, pagerduty, slack, smtp, *, paging=True, email=True) -> AlertRouter:
    clock = iter(datetime(2026, 11, 23, 5, tzinfo=timezone.utc) + timedelta(minutes=m)
                 for m in range(1000))
    return AlertRouter(
        AlertLog(conn), SlackNotifier(slack_client(SLACK_TOKEN, slack.api_url, timeout=5)),
        channels=CHANNELS, runbook_base_url="https://git.example/pst",
        dagster_base_url="http://dagster.example", clock=lambda: next(clock),
        pager=PagerDutyPager(ROUTING_KEY, pagerduty.base_url, timeout=(2.0, 2.0))
        if paging else None,
        mailer=SmtpDigestSender("127.0.0.1", smtp.port, "pst-alerts@localhost", ONCALL,
                                timeout=5, purpose="alert email") if email else None)


@pytest.fixture
def platform(conn, services):
    pagerduty, slack, smtp = services
    return make_router(conn, pagerduty, slack, smtp), pagerduty, slack, smtp


def supplybuy_down(partition="2026-11-23") -> Finding:
    return Finding("supplybuy-unavailable", "retries exhausted", partition=partition,
                   subject="supplybuy-unavailable", condition="run-failure",
                   numbers={"failed_dates": 3}, run_id="run-1")


def capacity(partition="2026-11-23") -> Finding:
    return Finding("capacity-overflow-high", "45% of tomorrow's candidates over capacity",
                   partition=partition, subject="stg2/staged:capacity_overflow_high",
                   numbers={"share_over_capacity": 0.45})


def row_count(severity: Severity) -> Finding:
    alarm = ("prod-schedule-row-count-critical" if severity == Severity.P1
             else "prod-schedule-row-count-warning")
    return Finding(alarm, f"{alarm}: rows down", partition="2026-11-23",
                   subject="stg2/staged:row_count", condition="prod-schedule-row-count",
                   severity=severity, numbers={"rows": 10})


def deliveries_table(conn) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute("select channel, action, status, attempts, last_error "
                    "from ops.alert_delivery order by seq")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


# -- P1: one page per condition, resolved when it clears -----------------------------------

def test_a_p1_pages_once_with_the_fingerprint_and_its_clear_sends_one_resolve(platform, conn):
    router, pagerduty, slack, smtp = platform
    finding = supplybuy_down()
    router.raise_finding(finding)
    router.deliver_pending()

    (incident,) = pagerduty.incidents
    assert incident.dedup_key == finding.fingerprint
    payload = incident.trigger["payload"]
    assert payload["summary"].startswith("P1 supplybuy-unavailable [2026-11-23]")
    assert payload["severity"] == "critical" and payload["source"]
    assert payload["custom_details"]["numbers"] == {"failed_dates": "3"}
    assert payload["custom_details"]["runbook"] == (
        "https://git.example/pst/docs/runbooks/supplybuy-unavailable.md")
    assert [m.channel for m in slack.messages] == [ALERTS]  # Slack as before
    assert smtp.inbox.mails == []  # P1 is paged, not emailed

    for _ in range(3):  # the same open condition, seen on later evaluations
        assert router.raise_finding(finding) is None
        router.deliver_pending()
    assert len(pagerduty.events) == 1 and len(slack.messages) == 1

    assert router.resolve(finding) == 1
    router.deliver_pending()
    router.deliver_pending()
    assert [e["event_action"] for e in pagerduty.events] == ["trigger", "resolve"]
    assert pagerduty.events[1]["dedup_key"] == finding.fingerprint
    assert incident.status == "resolved" and pagerduty.pages == 1
    assert [(d["action"], d["status"]) for d in deliveries_table(conn)] == [
        ("trigger", "delivered"), ("resolve", "delivered")]


def test_pagerduty_down_then_back_delivers_the_page_once(platform, conn, caplog):
    caplog.set_level(logging.DEBUG)
    router, pagerduty, slack, smtp = platform
    pagerduty.down()
    router.raise_finding(supplybuy_down())
    first = router.deliver_pending()
    second = router.deliver_pending()

    assert [(d.channel, d.delivered) for d in first] == [(ALERTS, True), ("pagerduty", False)]
    assert [(d.channel, d.delivered) for d in second] == [("pagerduty", False)]
    (row,) = deliveries_table(conn)
    assert (row["status"], row["attempts"]) == ("pending", 2) and "HTTP 503" in row["last_error"]
    assert pagerduty.pages == 0 and len(slack.messages) == 1  # Slack did not wait for it

    pagerduty.up()
    (third,) = router.deliver_pending()
    assert third.delivered and third.channel == "pagerduty"
    assert router.deliver_pending() == []
    assert pagerduty.pages == 1 and len(pagerduty.events) == 1
    assert [r.status for r in pagerduty.requests] == [503, 503, 202]
    (row,) = deliveries_table(conn)
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 3, None)
    # the routing key is a secret: not in a log line, an error or the alert log
    assert ROUTING_KEY not in caplog.text
    with conn.cursor() as cur:
        cur.execute("select * from ops.alert_log")
        logged = repr(cur.fetchall())
        cur.execute("select * from ops.alert_delivery")
        logged += repr(cur.fetchall())
    assert ROUTING_KEY not in logged


def test_a_page_whose_answer_timed_out_is_retried_without_a_second_page(conn, services):
    pagerduty, slack, smtp = services
    router = make_router(conn, pagerduty, slack, smtp)
    router.pager.timeout = (2.0, 0.2)
    pagerduty.slow_next(1, seconds=1.0)  # PagerDuty takes it, the answer comes too late
    router.raise_finding(supplybuy_down())
    assert [d.delivered for d in router.deliver_pending() if d.channel == "pagerduty"] == [False]
    assert [d.delivered for d in router.deliver_pending()] == [True]
    assert router.deliver_pending() == []
    assert len(pagerduty.events) == 2 and pagerduty.pages == 1  # same dedup_key: one incident


def test_a_condition_that_clears_before_pagerduty_took_the_page(platform, conn):
    router, pagerduty, slack, smtp = platform
    # never tried (raised and cleared between two delivery passes): nothing is sent
    early = supplybuy_down("2026-11-23")
    router.raise_finding(early)
    router.resolve(early)
    # tried while PagerDuty was down: it may have arrived, so it is resolved
    tried = supplybuy_down("2026-11-24")
    pagerduty.down()
    router.raise_finding(tried)
    router.deliver_pending()
    router.resolve(tried)
    pagerduty.up()
    router.deliver_pending()
    assert router.deliver_pending() == []

    assert [(e["event_action"], e["dedup_key"]) for e in pagerduty.events] == [
        ("resolve", tried.fingerprint)]
    assert pagerduty.pages == 0  # nobody was woken for a condition already gone
    assert [(d["action"], d["status"]) for d in deliveries_table(conn)] == [
        ("trigger", "cancelled"), ("trigger", "cancelled"), ("resolve", "delivered")]
    assert len(slack.messages) == 2  # Slack still says both happened


def test_a_recurrence_is_a_new_page_after_the_previous_resolve(platform, conn):
    router, pagerduty, slack, smtp = platform
    finding = supplybuy_down()
    router.raise_finding(finding)
    router.deliver_pending()
    pagerduty.down()
    router.resolve(finding)
    router.deliver_pending()           # the resolve fails
    router.raise_finding(finding)      # and the condition is back: a new alert, a new trigger
    router.deliver_pending()           # the new trigger waits for the resolve before it
    assert [r.status for r in pagerduty.requests] == [202, 503, 503]
    pagerduty.up()
    router.deliver_pending()

    assert [e["event_action"] for e in pagerduty.events] == ["trigger", "resolve", "trigger"]
    assert pagerduty.pages == 2
    assert [i.status for i in pagerduty.incidents] == ["resolved", "triggered"]


def test_an_escalation_to_p1_pages_once_and_is_not_emailed_again(platform, conn):
    router, pagerduty, slack, smtp = platform
    router.raise_finding(row_count(Severity.P2))
    router.deliver_pending()
    assert pagerduty.pages == 0 and len(smtp.inbox.mails) == 1
    router.raise_finding(row_count(Severity.P1))
    router.deliver_pending()
    router.raise_finding(row_count(Severity.P1))
    router.deliver_pending()
    assert pagerduty.pages == 1 and len(pagerduty.events) == 1
    assert pagerduty.incidents[0].trigger["payload"]["summary"].startswith(
        "P1 prod-schedule-row-count-critical")
    assert len(smtp.inbox.mails) == 1 and len(slack.messages) == 2


# -- P2: Slack and email -------------------------------------------------------------------

def test_a_p2_sends_one_email_and_one_slack_message(platform, conn):
    router, pagerduty, slack, smtp = platform
    router.raise_finding(capacity())
    sent = router.deliver_pending()
    router.raise_finding(capacity())  # seen again while open: nothing more
    assert router.deliver_pending() == []

    assert sorted((d.channel, d.delivered) for d in sent) == [(ALERTS, True), ("email", True)]
    assert [m.channel for m in slack.messages] == [ALERTS]
    (mail,) = smtp.inbox.mails
    assert mail["To"] == "oncall@example.test"
    assert mail["Subject"] == ("P2 capacity-overflow-high [2026-11-23]: 45% of tomorrow's "
                               "candidates over capacity")
    body = mail.get_content()
    assert "share_over_capacity: 0.45" in body
    assert "https://git.example/pst/docs/runbooks/capacity-overflow-high.md" in body
    assert pagerduty.events == []


def test_smtp_down_then_back_delivers_the_email_once(platform, conn):
    router, pagerduty, slack, smtp = platform
    smtp.down()
    router.raise_finding(capacity())
    first = router.deliver_pending()
    assert sorted((d.channel, d.delivered) for d in first) == [(ALERTS, True), ("email", False)]
    assert "alert email delivery to smtp://127.0.0.1" in [d for d in first if not d.delivered][0].detail
    router.deliver_pending()
    (row,) = deliveries_table(conn)
    assert (row["channel"], row["status"], row["attempts"]) == ("email", "pending", 2)

    smtp.up()
    assert [d.delivered for d in router.deliver_pending()] == [True]
    assert router.deliver_pending() == []
    assert len(smtp.inbox.mails) == 1 and len(slack.messages) == 1


def test_slack_down_does_not_hold_the_page_or_the_email(platform, conn):
    router, pagerduty, slack, smtp = platform
    slack.down()
    router.raise_finding(supplybuy_down())
    router.raise_finding(capacity())
    router.deliver_pending()
    assert pagerduty.pages == 1 and len(smtp.inbox.mails) == 1 and slack.messages == []
    slack.up()
    router.deliver_pending()
    assert len(slack.messages) == 2
    assert router.deliver_pending() == []
    assert pagerduty.pages == 1 and len(smtp.inbox.mails) == 1


def test_p3_and_p4_never_page_nor_email(platform, conn):
    router, pagerduty, slack, smtp = platform
    router.raise_finding(Finding("schema-drift-detected", "a column was added",
                                 partition="2026-11-23", subject="raw/x:drift",
                                 per_partition=False))
    router.raise_finding(Finding("prod-schedule-duration-slow", "1.6x", partition="2026-11-23",
                                 subject="run-1", condition="prod-schedule-duration"))
    router.raise_finding(Finding("job-completed-successfully", "ok", partition="2026-11-23",
                                 subject="run-1"))
    router.deliver_pending()
    assert [m.channel for m in slack.messages] == [MONITORING, MONITORING]
    assert pagerduty.requests == [] and smtp.inbox.mails == []
    assert deliveries_table(conn) == []
    assert [p.alarm for p in router.pending_digest()] == ["job-completed-successfully"]


# -- configuration: off unless configured, and wired through AlertingResource --------------

def test_without_pagerduty_or_smtp_nothing_is_queued(conn, services):
    pagerduty, slack, smtp = services
    router = make_router(conn, pagerduty, slack, smtp, paging=False, email=False)
    router.raise_finding(supplybuy_down())
    router.raise_finding(capacity())
    router.deliver_pending()
    assert len(slack.messages) == 2
    assert deliveries_table(conn) == [] and pagerduty.requests == [] and smtp.inbox.mails == []


def test_the_alerting_resource_pages_and_emails_when_configured(conn, services):
    from orchestration.defs.monitoring.service import AlertingResource, deliver

    pagerduty, slack, smtp = services
    off = dict(PAGERDUTY_ROUTING_KEY=None, PAGERDUTY_EVENTS_URL=None, PST_SMTP_HOST=None,
               SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_API_URL=slack.api_url)
    with environment(**off):
        router = AlertingResource().router(conn)
        assert router.pager is None and router.mailer is None

    with environment(**{**off, "PAGERDUTY_ROUTING_KEY": ROUTING_KEY,
                        "PAGERDUTY_EVENTS_URL": pagerduty.base_url,
                        "PST_SMTP_HOST": "127.0.0.1", "PST_SMTP_PORT": str(smtp.port),
                        "PST_DIGEST_TO": "planning-ops@example.test",
                        "PST_ALERT_EMAIL_TO": "oncall@example.test"}):
        router = AlertingResource().router(conn)
        router.raise_finding(supplybuy_down())
        router.raise_finding(capacity())
        delivered = deliver(router)
    assert sorted(d.channel for d in delivered if d.delivered) == [
        ALERTS, ALERTS, "email", "pagerduty"]
    assert pagerduty.pages == 1
    assert pagerduty.requests[0].body["routing_key"] == ROUTING_KEY
    (mail,) = smtp.inbox.mails
    assert mail["To"] == "oncall@example.test"
    assert mail["Subject"].startswith("P2 capacity-overflow-high")
