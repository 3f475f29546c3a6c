"""Findings -> alerts: deduplicate, log, route, deliver (qa.md "Alarms").

Rules:
* one open alert per condition (fingerprint = alarm/condition, subject, partition);
  the same open condition seen again is not re-sent, only its last_seen moves;
* it is sent again when its severity rises (P2 warning -> P1 critical), or after
  it was resolved and recurs (a new alert);
* P1/P2 go to the alerts channel, P3 to the monitoring channel, P4 wait for the
  digest;
* a delivery failure never raises: the alert stays pending (with the error and
  the attempt count) and the next delivery pass retries it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from orchestration.alarms import Route, Severity
from orchestration.defs.monitoring.model import Alert, Finding, route_finding
from orchestration.defs.monitoring.notify import DeliveryError, Notifier, render_slack_message
from orchestration.defs.monitoring.store import AlertLog, LoggedAlert

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    alert_id: str
    alarm: str
    channel: str
    delivered: bool
    detail: str


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AlertRouter:
    def __init__(self, alert_log: AlertLog, notifier: Notifier, *, channels: dict[Route, str],
                 runbook_base_url: str, dagster_base_url: str | None,
                 clock: Callable[[], datetime] = _utcnow):
        self.alert_log = alert_log
        self.notifier = notifier
        self.channels = channels
        self.runbook_base_url = runbook_base_url
        self.dagster_base_url = dagster_base_url
        self.clock = clock

    # -- raising and resolving -----------------------------------------------------------

    def raise_finding(self, finding: Finding) -> LoggedAlert | None:
        """Log the finding; returns the alert when it is new or escalated (to be sent)."""
        now = self.clock()
        alert = route_finding(finding, channels=self.channels,
                              runbook_base_url=self.runbook_base_url,
                              dagster_base_url=self.dagster_base_url, raised_at=now)
        existing = self.alert_log.open_alert(finding.fingerprint)
        common = {"summary": finding.summary, "numbers": json.dumps(finding.numbers, default=str),
                  "run_id": finding.run_id, "last_seen_at": now,
                  "dagster_url": alert.dagster_url}
        if existing is None:
            self.alert_log.insert({**common, **self._new_row(alert, now)})
            return self.alert_log.open_alert(finding.fingerprint)
        if alert.severity.rank > existing.severity.rank:
            # escalation: the same condition got worse, send it again
            self.alert_log.update(existing.alert_id, {
                **common, "alarm": finding.alarm, "severity": alert.severity.value,
                "route": alert.route.value, "runbook_url": alert.runbook_url,
                "channel": alert.channel, "pending": True})
            return self.alert_log.open_alert(finding.fingerprint)
        self.alert_log.update(existing.alert_id, common)
        return None

    def resolve(self, finding_like: Finding) -> int:
        """Close the open alert of this condition, if any (it may then recur)."""
        existing = self.alert_log.open_alert(finding_like.fingerprint)
        if existing is None:
            return 0
        self.alert_log.update(existing.alert_id, {"status": "resolved",
                                                  "resolved_at": self.clock()})
        return 1

    def _new_row(self, alert: Alert, now: datetime) -> dict:
        f = alert.finding
        return {
            "alert_id": f"{f.fingerprint}-{now.strftime('%Y%m%dT%H%M%S%f')}",
            "fingerprint": f.fingerprint, "alarm": f.alarm, "severity": alert.severity.value,
            "route": alert.route.value, "channel": alert.channel, "partition_key": f.partition,
            "subject": f.subject, "runbook_url": alert.runbook_url, "status": "open",
            "first_raised_at": now, "pending": True, "delivery_attempts": 0,
        }

    # -- delivery ------------------------------------------------------------------------

    def deliver_pending(self) -> list[Delivery]:
        """Send every pending P1-P3 alert; failures stay pending for the next pass."""
        deliveries = []
        for logged in self.alert_log.pending((Route.ALERTS.value, Route.MONITORING.value)):
            deliveries.append(self._deliver(logged))
        return deliveries

    def _deliver(self, logged: LoggedAlert) -> Delivery:
        text, blocks = render_slack_message(self._as_alert(logged))
        attempts = logged.delivery_attempts + 1
        try:
            via = self.notifier.send(logged.channel, text, blocks)
        except DeliveryError as error:
            log.warning("alert %s to %s not delivered (attempt %d), kept pending: %s",
                        logged.alarm, logged.channel, attempts, error)
            self.alert_log.update(logged.alert_id, {"delivery_attempts": attempts,
                                                    "last_delivery_error": str(error)[:2000]})
            return Delivery(logged.alert_id, logged.alarm, logged.channel, False, str(error))
        self.alert_log.update(logged.alert_id, {
            "pending": False, "delivered_at": self.clock(), "delivered_via": via,
            "delivery_attempts": attempts, "sent_severity": logged.severity.value,
            "last_delivery_error": None})
        return Delivery(logged.alert_id, logged.alarm, logged.channel, True, via)

    def _as_alert(self, logged: LoggedAlert) -> Alert:
        finding = Finding(alarm=logged.alarm, summary=logged.summary,
                          partition=logged.partition_key, subject=logged.subject,
                          numbers=logged.numbers, run_id=logged.run_id,
                          severity=logged.severity)
        return Alert(finding=finding, severity=logged.severity, route=Route(logged.route),
                     channel=logged.channel, runbook_url=logged.runbook_url,
                     dagster_url=logged.dagster_url, raised_at=logged.first_raised_at)

    # -- the digest ----------------------------------------------------------------------

    def pending_digest(self) -> list[LoggedAlert]:
        return self.alert_log.pending((Route.DIGEST.value,))

    def mark_digested(self, alerts: list[LoggedAlert], via: str) -> None:
        now = self.clock()
        for logged in alerts:
            # a P4 entry is a report, not a condition: closed once it is in a digest
            self.alert_log.update(logged.alert_id, {
                "pending": False, "delivered_at": now, "delivered_via": via,
                "delivery_attempts": logged.delivery_attempts + 1,
                "sent_severity": Severity.P4.value, "status": "resolved", "resolved_at": now})
