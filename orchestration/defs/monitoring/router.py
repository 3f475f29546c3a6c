"""Findings -> alerts: deduplicate, log, route, deliver (qa.md "Alarms").

Rules:
* one open alert per condition (fingerprint = alarm/condition, subject, partition);
  the same open condition seen again is not re-sent, only its last_seen moves;
* it is sent again when its severity rises (P2 warning -> P1 critical), or after
  it was resolved and recurs (a new alert);
* P1/P2 go to the alerts channel, P3 to the monitoring channel, P4 wait for the
  digest;
* P1 also pages through PagerDuty (when a pager is configured): one `trigger`
  event per alert, dedup_key = the fingerprint, and one `resolve` event when the
  condition is resolved; P2 is also sent by email (when a mailer is configured);
* a delivery failure never raises: the alert stays pending (with the error and
  the attempt count) and the next delivery pass retries it. PagerDuty events and
  emails are queued in ops.alert_delivery with the same guarantee, each channel
  on its own: an outage of one delays only that channel, and an event is marked
  delivered once, so a channel that comes back gets it once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Protocol

from orchestration.alarms import Route, Severity
from orchestration.defs.monitoring.mail import render_alert_email
from orchestration.defs.monitoring.model import Alert, Finding, route_finding
from orchestration.defs.monitoring.notify import DeliveryError, Notifier, render_slack_message
from orchestration.defs.monitoring.pagerduty import resolve_event, trigger_event
from orchestration.defs.monitoring.store import AlertLog, LoggedAlert, QueuedDelivery

log = logging.getLogger(__name__)

PAGERDUTY, EMAIL = "pagerduty", "email"          # ops.alert_delivery.channel
TRIGGER, RESOLVE, SEND = "trigger", "resolve", "send"  # ops.alert_delivery.action
PENDING, DELIVERED, CANCELLED = "pending", "delivered", "cancelled"


class Pager(Protocol):
    """What P1 alerts page through (pagerduty.PagerDutyPager)."""

    def send(self, event: dict[str, Any]) -> str: ...


class Mailer(Protocol):
    """What P2 alerts are emailed through (mail.SmtpDigestSender)."""

    def send(self, subject: str, body: str) -> str: ...


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
                 clock: Callable[[], datetime] = _utcnow, pager: Pager | None = None,
                 mailer: Mailer | None = None):
        self.alert_log = alert_log
        self.notifier = notifier
        self.pager = pager    # None: P1 does not page
        self.mailer = mailer  # None: P2 is not emailed
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
            return self._queue_channels(self.alert_log.open_alert(finding.fingerprint), now)
        if alert.severity.rank > existing.severity.rank:
            # escalation: the same condition got worse, send it again
            self.alert_log.update(existing.alert_id, {
                **common, "alarm": finding.alarm, "severity": alert.severity.value,
                "route": alert.route.value, "runbook_url": alert.runbook_url,
                "channel": alert.channel, "pending": True})
            return self._queue_channels(self.alert_log.open_alert(finding.fingerprint), now)
        self.alert_log.update(existing.alert_id, common)
        return None

    def resolve(self, finding_like: Finding) -> int:
        """Close the open alert of this condition, if any (it may then recur); a page
        of it is resolved in PagerDuty too."""
        existing = self.alert_log.open_alert(finding_like.fingerprint)
        if existing is None:
            return 0
        now = self.clock()
        self.alert_log.update(existing.alert_id, {"status": "resolved", "resolved_at": now})
        self._resolve_page(existing, now)
        return 1

    # -- the channels beyond Slack: PagerDuty (P1) and email (P2) ------------------------

    def _queue_channels(self, logged: LoggedAlert, now: datetime) -> LoggedAlert:
        """Queue the page of a P1 and the email of a P2, once per alert (an escalation
        P2 -> P1 adds the page; the P2's email was already queued)."""
        if logged.severity == Severity.P1 and self.pager is not None:
            self._queue_once(logged, PAGERDUTY, TRIGGER, now)
        if logged.severity == Severity.P2 and self.mailer is not None:
            self._queue_once(logged, EMAIL, SEND, now)
        return logged

    def _queue_once(self, logged: LoggedAlert, channel: str, action: str, now: datetime) -> None:
        if any(d.action == action for d in self.alert_log.deliveries(logged.alert_id, channel)):
            return
        self.alert_log.queue_delivery(
            delivery_id=f"{logged.alert_id}:{channel}:{action}", alert_id=logged.alert_id,
            fingerprint=logged.fingerprint, channel=channel, action=action, queued_at=now)

    def _resolve_page(self, logged: LoggedAlert, now: datetime) -> None:
        """The condition cleared: resolve its PagerDuty incident.

        A trigger never tried is cancelled and nothing is sent (nobody was paged, and
        paging now for a condition already gone would wake someone for nothing). A
        trigger tried but not confirmed (an outage, a timeout) may have reached
        PagerDuty: it is cancelled and a resolve is queued, which PagerDuty ignores if
        it never opened the incident. A delivered trigger gets its resolve."""
        events = {d.action: d for d in self.alert_log.deliveries(logged.alert_id, PAGERDUTY)}
        trigger = events.get(TRIGGER)
        if trigger is None or RESOLVE in events or trigger.status == CANCELLED:
            return
        if trigger.status == PENDING:
            self.alert_log.update_delivery(trigger.delivery_id, {"status": CANCELLED})
            if trigger.attempts == 0:
                return
        self._queue_once(logged, PAGERDUTY, RESOLVE, now)

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
        """Send every pending P1-P3 alert, then the pending PagerDuty events and alert
        emails; failures stay pending for the next pass."""
        deliveries = []
        for logged in self.alert_log.pending((Route.ALERTS.value, Route.MONITORING.value)):
            deliveries.append(self._deliver(logged))
        if self.pager is not None:
            deliveries += self._deliver_queued(PAGERDUTY, self._send_page, in_order=True)
        if self.mailer is not None:
            deliveries += self._deliver_queued(EMAIL, self._send_email, in_order=False)
        return deliveries

    def _deliver_queued(self, channel: str,
                        send: Callable[[QueuedDelivery, LoggedAlert], str],
                        in_order: bool) -> list[Delivery]:
        """Each pending event of the channel, oldest first. `in_order`: after a failure,
        the later events of the same condition wait too (a resolve must not overtake its
        trigger, nor a recurrence's trigger the previous resolve)."""
        deliveries = []
        held: set[str] = set()
        for queued in self.alert_log.pending_deliveries(channel):
            label = channel if queued.action in (TRIGGER, SEND) else f"{channel} {queued.action}"
            if queued.fingerprint in held:
                continue
            logged = self.alert_log.alert(queued.alert_id)
            if logged is None:  # the alert row is gone (cleaned up by hand): nothing to say
                self.alert_log.update_delivery(queued.delivery_id, {
                    "status": CANCELLED, "last_error": "alert not in ops.alert_log"})
                continue
            attempts = queued.attempts + 1
            try:
                via = send(queued, logged)
            except DeliveryError as error:
                if in_order:
                    held.add(queued.fingerprint)
                log.warning("alert %s to %s not delivered (attempt %d), kept pending: %s",
                            logged.alarm, label, attempts, error)
                self.alert_log.update_delivery(queued.delivery_id, {
                    "attempts": attempts, "last_error": str(error)[:2000]})
                deliveries.append(Delivery(logged.alert_id, logged.alarm, label, False,
                                           str(error)))
                continue
            self.alert_log.update_delivery(queued.delivery_id, {
                "status": DELIVERED, "attempts": attempts, "delivered_at": self.clock(),
                "delivered_via": via, "last_error": None})
            deliveries.append(Delivery(logged.alert_id, logged.alarm, label, True, via))
        return deliveries

    def _send_page(self, queued: QueuedDelivery, logged: LoggedAlert) -> str:
        if queued.action == RESOLVE:
            return self.pager.send(resolve_event(queued.fingerprint))
        return self.pager.send(trigger_event(self._as_alert(logged), queued.fingerprint))

    def _send_email(self, queued: QueuedDelivery, logged: LoggedAlert) -> str:
        return self.mailer.send(*render_alert_email(self._as_alert(logged)))

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
