"""PagerDuty for P1 alerts: the Events API v2 over plain HTTP (requests).

Migration plan section 4.1: P1 -> Slack + SMS + PagerDuty (15 minutes). A P1
alert sends one `trigger` event whose dedup_key is the alert's fingerprint (the
condition: alarm family, subject, partition), and a `resolve` event with the
same key when the router closes the condition. SMS and phone calls are
PagerDuty's: the on-call's notification rules.

    POST {PAGERDUTY_EVENTS_URL}/v2/enqueue      (default https://events.pagerduty.com)
    {"routing_key": ..., "event_action": "trigger" | "resolve", "dedup_key": ...,
     "payload": {"summary", "source", "severity", "timestamp", "component", "group",
                 "class", "custom_details"}, "links": [...], "client", "client_url"}
    202 {"status": "success", "message": "Event processed", "dedup_key": ...}

Like notify.py, every failure is one DeliveryError and nothing is retried here:
the router keeps the event pending in ops.alert_delivery and retries it on its
next pass. The routing key (PAGERDUTY_ROUTING_KEY) is a secret: it is only put
in the request body, never in a message, a log line or the repr.
"""

from __future__ import annotations

import json
import os
from typing import Any

import requests

from orchestration.defs.monitoring.model import Alert
from orchestration.defs.monitoring.notify import (
    MAX_NUMBERS,
    NUMBER_VALUE_LIMIT,
    DeliveryError,
    _truncate,
    _value,
    as_utc,
)

ROUTING_KEY_ENV = "PAGERDUTY_ROUTING_KEY"
DEFAULT_EVENTS_URL = "https://events.pagerduty.com"
ENQUEUE_PATH = "/v2/enqueue"
SOURCE = "production-schedule-platform"
CLIENT = "Production schedule platform (Dagster)"
SUMMARY_LIMIT = 1024   # the Events API's limit for payload.summary
DEDUP_KEY_LIMIT = 255

# The platform's severities as PagerDuty's (only P1 pages; the rest for completeness).
SEVERITY = {"P1": "critical", "P2": "error", "P3": "warning", "P4": "info"}


def trigger_event(alert: Alert, dedup_key: str) -> dict[str, Any]:
    """The trigger event of an alert (without the routing key, which the pager adds)."""
    finding = alert.finding
    numbers = {key: _truncate(_value(value), NUMBER_VALUE_LIMIT)
               for key, value in list(finding.numbers.items())[:MAX_NUMBERS]}
    details: dict[str, Any] = {
        "alarm": finding.alarm,
        "severity": alert.severity.value,
        "partition": finding.partition or "none",
        "summary": finding.summary,
        "numbers": numbers,
        "runbook": alert.runbook_url,
    }
    if len(finding.numbers) > len(numbers):
        details["numbers_not_shown"] = len(finding.numbers) - len(numbers)
    if alert.dagster_url:
        details["dagster"] = alert.dagster_url
    if finding.run_id:
        details["run_id"] = finding.run_id
    links = [{"href": alert.runbook_url, "text": "Runbook"}]
    if alert.dagster_url:
        links.append({"href": alert.dagster_url, "text": "Dagster UI"})
    event: dict[str, Any] = {
        "event_action": "trigger",
        "dedup_key": dedup_key[:DEDUP_KEY_LIMIT],
        "payload": {
            "summary": _truncate(" ".join(alert.title.split()), SUMMARY_LIMIT),
            "source": SOURCE,
            "severity": SEVERITY[alert.severity.value],
            "timestamp": as_utc(alert.raised_at).isoformat(),
            "component": finding.subject or finding.alarm,
            "group": finding.partition or "none",
            "class": finding.alarm,
            "custom_details": details,
        },
        "links": links,
        "client": CLIENT,
    }
    if alert.dagster_url:
        event["client_url"] = alert.dagster_url
    return event


def resolve_event(dedup_key: str) -> dict[str, Any]:
    return {"event_action": "resolve", "dedup_key": dedup_key[:DEDUP_KEY_LIMIT]}


class PagerDutyPager:
    """Sends Events API v2 events; any failure is a DeliveryError (the key never in it)."""

    def __init__(self, routing_key: str, events_url: str = DEFAULT_EVENTS_URL, *,
                 timeout: float | tuple[float, float] = (5.0, 10.0),
                 session: requests.Session | None = None):
        if not routing_key:
            raise ValueError(f"PagerDuty routing key is empty ({ROUTING_KEY_ENV})")
        self._routing_key = routing_key
        self.events_url = (events_url or DEFAULT_EVENTS_URL).rstrip("/")
        self.timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # no key
        return f"PagerDutyPager({self.events_url!r})"

    def describe(self) -> str:
        return f"PagerDuty {self.events_url}"

    def _scrub(self, text: str) -> str:
        # Belt and braces: no message below is built from the key. Short keys are
        # skipped (replacing "k" everywhere would garble the message, not protect it).
        key = self._routing_key
        return text.replace(key, "<routing key>") if len(key) >= 8 else text

    def send(self, event: dict[str, Any]) -> str:
        """POST one event; returns what was delivered ("pagerduty trigger <dedup_key>")."""
        action = event.get("event_action", "?")
        what = f"PagerDuty {action} event"
        body = json.dumps({"routing_key": self._routing_key, **event}, default=str)
        try:
            response = self._session.post(self.events_url + ENQUEUE_PATH, data=body,
                                          headers={"Content-Type": "application/json"},
                                          timeout=self.timeout)
        except requests.RequestException as exc:  # refused, reset, timeouts, bad URL
            raise DeliveryError(self._scrub(
                f"{what} to {self.events_url} failed: {type(exc).__name__}: "
                f"{_truncate(str(exc), 300)}")) from None
        if response.status_code in (200, 201, 202):
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            key = answer.get("dedup_key") if isinstance(answer, dict) else None
            return f"pagerduty {action} {key or event.get('dedup_key')}"
        detail = f"HTTP {response.status_code}"
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            parts = [str(answer.get("message") or answer.get("status") or "")]
            if answer.get("errors"):
                parts.append("; ".join(map(str, answer["errors"])))
            detail += ": " + " - ".join(p for p in parts if p)
        if response.status_code == 429:
            detail += " (throttled)"
        raise DeliveryError(self._scrub(f"{what} to {self.events_url} failed: "
                                        f"{_truncate(detail, 300)}"))


def pager_from_env() -> PagerDutyPager | None:
    """PAGERDUTY_ROUTING_KEY set: P1 alerts page (PAGERDUTY_EVENTS_URL, default PagerDuty's);
    unset: no paging. Read when called, so a changed environment takes effect."""
    key = os.environ.get("PAGERDUTY_ROUTING_KEY", "").strip()
    if not key:
        return None
    url = os.environ.get("PAGERDUTY_EVENTS_URL", "").strip() or DEFAULT_EVENTS_URL
    return PagerDutyPager(key, url)
