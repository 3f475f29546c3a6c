"""A finding (something a check or sensor saw) and the alert it becomes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from orchestration.alarms import Route, Severity, alarm, route_of


@dataclass(frozen=True)
class Finding:
    """What a check, sensor or failed step observed.

    `subject` says what the condition is about (an asset key, a tab, a run id);
    together with the alarm and the partition it identifies the condition, so
    the same open condition is recognised on every evaluation (fingerprint).
    `severity` overrides the catalog's; by default it is the alarm's.
    """

    alarm: str
    summary: str  # one line a person can act on
    partition: str | None = None
    subject: str = ""
    numbers: dict[str, object] = field(default_factory=dict)  # what tripped it
    run_id: str | None = None
    severity: Severity | None = None
    # alarms that are levels of one condition share it (row count warning ->
    # critical, duration slow -> anomaly), so a rise is an escalation, not a new alert
    condition: str | None = None
    # False for conditions of a table rather than of a run_date (schema drift of a
    # table, history growth): one alert however many partitions see it
    per_partition: bool = True

    @property
    def fingerprint(self) -> str:
        partition = (self.partition or "") if self.per_partition else "*"
        key = "|".join((self.condition or self.alarm, self.subject, partition))
        return hashlib.sha1(key.encode()).hexdigest()[:16]

    @property
    def effective_severity(self) -> Severity:
        return self.severity or alarm(self.alarm).severity


@dataclass(frozen=True)
class Alert:
    """A finding routed: what is sent, where, and the links that go with it."""

    finding: Finding
    severity: Severity
    route: Route
    channel: str | None  # Slack channel for P1-P3, None for the digest
    runbook_url: str
    dagster_url: str | None
    raised_at: datetime

    @property
    def alarm(self) -> str:
        return self.finding.alarm

    @property
    def title(self) -> str:
        partition = f" [{self.finding.partition}]" if self.finding.partition else ""
        return f"{self.severity.value} {self.finding.alarm}{partition}: {self.finding.summary}"


def route_finding(finding: Finding, *, channels: dict[Route, str], runbook_base_url: str,
                  dagster_base_url: str | None, raised_at: datetime) -> Alert:
    severity = finding.effective_severity
    route = route_of(severity)
    dagster_url = None
    if dagster_base_url:
        base = dagster_base_url.rstrip("/")
        dagster_url = f"{base}/runs/{finding.run_id}" if finding.run_id else f"{base}/assets"
    return Alert(finding=finding, severity=severity, route=route,
                 channel=channels.get(route) if route != Route.DIGEST else None,
                 runbook_url=f"{runbook_base_url.rstrip('/')}/{alarm(finding.alarm).runbook}",
                 dagster_url=dagster_url, raised_at=raised_at)
