"""The PagerDuty pager (orchestration/defs/monitoring/pagerduty.py) against the PagerDuty
Events API stand-in on 127.0.0.1 (tests/fakes/pagerduty_server.py), and the P2 alert
email's rendering and configuration (mail.py)."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timezone

import pytest

from orchestration.alarms import Route
from orchestration.defs.monitoring.mail import (
    MisconfiguredMailer,
    SmtpDigestSender,
    alert_mailer_from_env,
    render_alert_email,
)
from orchestration.defs.monitoring.model import Finding, route_finding
from orchestration.defs.monitoring.notify import DeliveryError
from orchestration.defs.monitoring.pagerduty import (
    DEFAULT_EVENTS_URL,
    PagerDutyPager,
    pager_from_env,
    resolve_event,
    trigger_event,
)
from tests.fakes.pagerduty_server import FakePagerDuty

pytestmark = pytest.mark.timeout(60)

KEY = "R0UTINGKEY-5e3f9a1c2b7d4e6f8a0b1c2d"
CHANNELS = {Route.ALERTS: "#alerts", Route.MONITORING: "#monitoring"}
RAISED = datetime(2026, 11, 23, 5, 12, tzinfo=timezone.utc)


def make_alert(alarm: str = "supplybuy-unavailable", summary: str = "retries exhausted",
               numbers: dict | None = None, **kw):
    finding = Finding(alarm, summary, partition="2026-11-23", subject="raw__supplybuy_forecasts",
                      run_id="run-7", numbers={"failed_dates": 3, "share": 0.0812345}
                      if numbers is None else numbers, **kw)
    return route_finding(finding, channels=CHANNELS, runbook_base_url="https://git.example/pst",
                         dagster_base_url="http://dagster.example:3000", raised_at=RAISED)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pagerduty():
    with FakePagerDuty(routing_key=KEY) as fake:
        yield fake


def test_a_trigger_carries_alarm_severity_partition_numbers_and_runbook(pagerduty):
    alert = make_alert()
    via = PagerDutyPager(KEY, pagerduty.base_url).send(trigger_event(alert, "fp-0123456789abcd"))

    assert via == "pagerduty trigger fp-0123456789abcd"
    (request,) = pagerduty.requests
    assert (request.method, request.path, request.status) == ("POST", "/v2/enqueue", 202)
    assert request.body["routing_key"] == KEY  # only ever in the body
    (incident,) = pagerduty.incidents
    assert pagerduty.pages == 1 and incident.status == "triggered"
    event = incident.trigger
    assert event["event_action"] == "trigger" and event["dedup_key"] == "fp-0123456789abcd"
    payload = event["payload"]
    assert payload["summary"] == "P1 supplybuy-unavailable [2026-11-23]: retries exhausted"
    assert payload["severity"] == "critical"
    assert payload["source"] == "production-schedule-platform"
    assert payload["timestamp"] == "2026-11-23T05:12:00+00:00"
    assert (payload["class"], payload["group"], payload["component"]) == (
        "supplybuy-unavailable", "2026-11-23", "raw__supplybuy_forecasts")
    details = payload["custom_details"]
    assert details["alarm"] == "supplybuy-unavailable" and details["partition"] == "2026-11-23"
    assert details["numbers"] == {"failed_dates": "3", "share": "0.08123"}
    assert details["runbook"] == "https://git.example/pst/docs/runbooks/supplybuy-unavailable.md"
    assert details["dagster"] == "http://dagster.example:3000/runs/run-7"
    assert event["links"][0] == {"href": details["runbook"], "text": "Runbook"}
    assert event["client_url"] == "http://dagster.example:3000/runs/run-7"


def test_a_resolve_closes_the_incident_of_its_dedup_key(pagerduty):
    pager = PagerDutyPager(KEY, pagerduty.base_url + "/")  # a trailing slash is fine
    pager.send(trigger_event(make_alert(), "fp-1"))
    pager.send(trigger_event(make_alert(), "fp-1"))  # same open incident: no second page
    assert pager.send(resolve_event("fp-1")) == "pagerduty resolve fp-1"
    assert pagerduty.pages == 1 and pagerduty.incidents[0].status == "resolved"
    assert [e["event_action"] for e in pagerduty.events_for("fp-1")] == [
        "trigger", "trigger", "resolve"]


def test_a_long_summary_and_many_numbers_still_make_a_valid_event(pagerduty):
    alert = make_alert(summary="x" * 5000, numbers={f"n{i}": i for i in range(100)})
    PagerDutyPager(KEY, pagerduty.base_url).send(trigger_event(alert, "fp-2"))
    payload = pagerduty.incidents[0].trigger["payload"]
    assert len(payload["summary"]) == 1024
    assert len(payload["custom_details"]["numbers"]) == 40
    assert payload["custom_details"]["numbers_not_shown"] == 60


def test_a_rejected_event_is_a_delivery_error_without_the_routing_key(pagerduty, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "WRONGKEY-aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    with pytest.raises(DeliveryError) as error:
        PagerDutyPager(wrong, pagerduty.base_url).send(trigger_event(make_alert(), "fp-3"))
    message = str(error.value)
    assert "HTTP 400" in message and "routing_key" in message and "trigger" in message
    assert wrong not in message and KEY not in message
    assert wrong not in caplog.text
    assert pagerduty.pages == 0


@pytest.mark.parametrize("fault, expected", [
    ("down", "HTTP 503"), (429, "HTTP 429 (throttled)"), (500, "HTTP 500")])
def test_outages_and_throttling_are_delivery_errors(pagerduty, fault, expected):
    if fault == "down":
        pagerduty.down()
    else:
        pagerduty.fail_next(1, status=fault)
    with pytest.raises(DeliveryError, match=expected.replace("(", r"\(").replace(")", r"\)")) \
            as error:
        PagerDutyPager(KEY, pagerduty.base_url).send(trigger_event(make_alert(), "fp-4"))
    assert KEY not in str(error.value)
    assert pagerduty.pages == 0


def test_connection_refused_is_a_delivery_error():
    pager = PagerDutyPager(KEY, f"http://127.0.0.1:{closed_port()}", timeout=(1.0, 1.0))
    with pytest.raises(DeliveryError, match="ConnectionError") as error:
        pager.send(resolve_event("fp-5"))
    assert KEY not in str(error.value) and KEY not in repr(pager)


def test_a_timed_out_event_may_still_have_reached_pagerduty(pagerduty):
    """Why a retried trigger must carry the same dedup_key: the stand-in, like PagerDuty,
    may have processed an event whose answer the client never saw."""
    pagerduty.slow_next(1, seconds=1.0)
    pager = PagerDutyPager(KEY, pagerduty.base_url, timeout=(1.0, 0.1))
    with pytest.raises(DeliveryError, match="ReadTimeout"):
        pager.send(trigger_event(make_alert(), "fp-6"))
    pager.send(trigger_event(make_alert(), "fp-6"))  # the retry
    assert len(pagerduty.events_for("fp-6")) == 2 and pagerduty.pages == 1


def test_pager_from_env(monkeypatch):
    monkeypatch.delenv("PAGERDUTY_ROUTING_KEY", raising=False)
    monkeypatch.delenv("PAGERDUTY_EVENTS_URL", raising=False)
    assert pager_from_env() is None
    monkeypatch.setenv("PAGERDUTY_ROUTING_KEY", "  ")
    assert pager_from_env() is None  # blank counts as unset
    monkeypatch.setenv("PAGERDUTY_ROUTING_KEY", KEY)
    pager = pager_from_env()
    assert pager.events_url == DEFAULT_EVENTS_URL == "https://events.pagerduty.com"
    monkeypatch.setenv("PAGERDUTY_EVENTS_URL", "http://127.0.0.1:9/")
    pager = pager_from_env()
    assert pager.events_url == "http://127.0.0.1:9"
    assert KEY not in repr(pager) and KEY not in pager.describe()


# -- the P2 alert email ------------------------------------------------------------------

def test_the_alert_email_names_alarm_severity_partition_numbers_and_links():
    alert = make_alert("capacity-overflow-high", "45% of tomorrow's candidates over capacity",
                       numbers={"share_over_capacity": 0.45, "candidates": 1200})
    subject, body = render_alert_email(alert)
    assert subject == ("P2 capacity-overflow-high [2026-11-23]: 45% of tomorrow's candidates "
                       "over capacity")
    for text in ("Alarm:      capacity-overflow-high", "Severity:   P2",
                 "Partition:  2026-11-23", "Raised at:  2026-11-23 05:12 UTC",
                 "share_over_capacity: 0.45", "candidates: 1200",
                 "Runbook:    https://git.example/pst/docs/runbooks/capacity-overflow-high.md",
                 "Dagster UI: http://dagster.example:3000/runs/run-7"):
        assert text in body
    long_subject, _ = render_alert_email(make_alert(summary="line one\nline two " + "y" * 400))
    assert "\n" not in long_subject and len(long_subject) == 200


@pytest.fixture
def mail_env(monkeypatch):
    for name in ("PST_SMTP_HOST", "PST_SMTP_PORT", "PST_SMTP_USER", "PST_SMTP_PASSWORD",
                 "PST_SMTP_STARTTLS", "PST_DIGEST_FROM", "PST_DIGEST_TO", "PST_ALERT_EMAIL_TO"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_alert_email_is_off_without_smtp_and_uses_the_digests_settings(mail_env):
    assert alert_mailer_from_env() is None
    mail_env.setenv("PST_ALERT_EMAIL_TO", "oncall@example.test")
    assert alert_mailer_from_env() is None  # recipients alone do not turn it on

    mail_env.delenv("PST_ALERT_EMAIL_TO")
    mail_env.setenv("PST_SMTP_HOST", "mail.example.test")
    mail_env.setenv("PST_SMTP_PORT", "587")
    mail_env.setenv("PST_SMTP_PASSWORD", "s3cret-pass")
    mail_env.setenv("PST_DIGEST_TO", "planning-ops@example.test")
    mailer = alert_mailer_from_env()
    assert isinstance(mailer, SmtpDigestSender)
    assert (mailer.host, mailer.port, mailer.recipients, mailer.purpose) == (
        "mail.example.test", 587, ["planning-ops@example.test"], "alert email")
    assert "s3cret-pass" not in repr(mailer)

    mail_env.setenv("PST_ALERT_EMAIL_TO", "oncall@example.test, lead@example.test")
    assert alert_mailer_from_env().recipients == ["oncall@example.test", "lead@example.test"]


@pytest.mark.parametrize("setting", [("PST_DIGEST_TO", ""), ("PST_SMTP_PORT", "twenty-five")])
def test_a_misconfigured_alert_email_waits_instead_of_raising(mail_env, setting):
    mail_env.setenv("PST_SMTP_HOST", "mail.example.test")
    mail_env.setenv("PST_DIGEST_TO", "planning-ops@example.test")
    mail_env.setenv(*setting)
    mailer = alert_mailer_from_env()  # never raises: Slack and PagerDuty must go on
    assert isinstance(mailer, MisconfiguredMailer)
    with pytest.raises(DeliveryError, match=setting[0] if setting[1] else "PST_ALERT_EMAIL_TO"):
        mailer.send("subject", "body")
