"""The router's rules on the real alert log (ops.alert_log in the embedded warehouse),
with a recording notifier: deduplication, escalation, resolution, retries, routing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from psycopg2 import sql

from orchestration.alarms import Route, Severity
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.notify import DeliveryError
from orchestration.defs.monitoring.router import AlertRouter
from orchestration.defs.monitoring.runs import duration_finding
from orchestration.settings import Thresholds
from orchestration.defs.monitoring.store import AlertLog
from orchestration.warehouse import connect

pytestmark = pytest.mark.integration

CHANNELS = {Route.ALERTS: "#alerts", Route.MONITORING: "#monitoring"}


class RecordingNotifier:
    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.failures_left = 0

    def send(self, channel, text, blocks=None):
        if self.failures_left:
            self.failures_left -= 1
            raise DeliveryError(f"Slack delivery to {channel} failed: HTTP 500")
        self.sent.append((channel, text))
        return "ts-1"


@pytest.fixture
def router(warehouse):
    with connect(warehouse) as conn:
        with conn.cursor() as cur:
            cur.execute("create schema if not exists ops")
        log = AlertLog(conn)
        with conn.cursor() as cur:
            cur.execute(sql.SQL("delete from {}").format(sql.Identifier("ops", "alert_log")))
        notifier = RecordingNotifier()
        clock = iter(datetime(2026, 11, 23, 5, tzinfo=timezone.utc) + timedelta(minutes=m)
                     for m in range(1000))
        yield AlertRouter(log, notifier, channels=CHANNELS,
                          runbook_base_url="https://git.example/pst",
                          dagster_base_url="http://dagster.example", clock=lambda: next(clock))


def row_count(severity, alarm, partition="2026-11-23"):
    return Finding(alarm, f"{alarm} summary", partition=partition, subject="stg2/staged:row_count",
                   condition="prod-schedule-row-count", severity=severity, numbers={"rows": 10})


def test_an_open_condition_is_sent_once_and_again_when_it_escalates(router):
    router.raise_finding(row_count(Severity.P2, "prod-schedule-row-count-warning"))
    router.deliver_pending()
    router.raise_finding(row_count(Severity.P2, "prod-schedule-row-count-warning"))
    router.deliver_pending()
    assert [c for c, _ in router.notifier.sent] == ["#alerts"]

    router.raise_finding(row_count(Severity.P1, "prod-schedule-row-count-critical"))
    router.deliver_pending()
    assert len(router.notifier.sent) == 2
    assert router.notifier.sent[1][1].startswith("P1 prod-schedule-row-count-critical [2026-11-23]")

    router.raise_finding(row_count(Severity.P2, "prod-schedule-row-count-warning"))  # calmer: quiet
    router.deliver_pending()
    assert len(router.notifier.sent) == 2


def test_a_resolved_condition_that_recurs_is_a_new_alert(router):
    finding = row_count(Severity.P2, "prod-schedule-row-count-warning")
    router.raise_finding(finding)
    router.deliver_pending()
    assert router.resolve(finding) == 1
    assert router.resolve(finding) == 0
    router.raise_finding(finding)
    router.deliver_pending()
    assert len(router.notifier.sent) == 2


def test_another_partition_is_another_condition_unless_table_level(router):
    router.raise_finding(row_count(Severity.P2, "prod-schedule-row-count-warning", "2026-11-23"))
    router.raise_finding(row_count(Severity.P2, "prod-schedule-row-count-warning", "2026-11-24"))
    drift = dict(alarm="schema-drift-detected", summary="dwh.fact differs", subject="dwh/fact:drift",
                 per_partition=False)
    router.raise_finding(Finding(partition="2026-11-23", **drift))
    router.raise_finding(Finding(partition="2026-11-24", **drift))
    router.deliver_pending()
    assert sorted(c for c, _ in router.notifier.sent) == ["#alerts", "#alerts", "#monitoring"]


def test_a_failed_delivery_stays_pending_and_is_retried_once_delivered(router):
    router.notifier.failures_left = 2
    router.raise_finding(Finding("supplybuy-unavailable", "retries exhausted", partition="2026-11-23",
                                 subject="raw__supplybuy_forecasts"))
    first, = router.deliver_pending()
    second, = router.deliver_pending()
    assert not first.delivered and not second.delivered and "HTTP 500" in second.detail
    logged, = router.alert_log.pending((Route.ALERTS.value,))
    assert logged.delivery_attempts == 2 and "HTTP 500" in logged.last_delivery_error
    third, = router.deliver_pending()
    assert third.delivered
    assert router.deliver_pending() == []
    assert [c for c, _ in router.notifier.sent] == ["#alerts"]


def test_p4_waits_for_the_digest_and_is_closed_by_it(router):
    router.raise_finding(Finding("job-completed-successfully", "ok", partition="2026-11-23",
                                 subject="run-1"))
    assert router.deliver_pending() == []
    pending = router.pending_digest()
    assert [p.alarm for p in pending] == ["job-completed-successfully"]
    router.mark_digested(pending, "file:///digest.txt")
    assert router.pending_digest() == []
    assert router.notifier.sent == []


def test_the_message_names_alarm_partition_numbers_and_links(router):
    router.raise_finding(Finding("capacity-overflow-high", "45% over capacity",
                                 partition="2026-11-23", subject="stg2/staged:capacity",
                                 numbers={"share_over_capacity": 0.45}, run_id="abc"))
    router.deliver_pending()
    (_, text), = router.notifier.sent
    assert text.startswith("P2 capacity-overflow-high [2026-11-23]: 45% over capacity")
    assert "https://git.example/pst/docs/runbooks/capacity-overflow-high.md" in text


@pytest.mark.parametrize("duration, expected", [
    (100.0, None),                                # as usual
    (160.0, "prod-schedule-duration-slow"),      # 1.6x
    (250.0, "prod-schedule-duration-anomaly"),   # 2.5x
])
def test_duration_levels(duration, expected):
    finding = duration_finding(duration, [100.0, 95.0, 105.0], Thresholds(),
                               partition="2026-11-23", run_id="r1")
    assert (finding.alarm if finding else None) == expected


def test_duration_needs_history_and_a_real_excess():
    t = Thresholds()
    assert duration_finding(300.0, [100.0, 100.0], t, partition=None, run_id="r") is None
    assert duration_finding(25.0, [10.0, 10.0, 10.0], t, partition=None, run_id="r") is None
    assert duration_finding(25.0, [10.0, 10.0, 10.0], Thresholds(duration_min_excess_seconds=5),
                            partition=None, run_id="r").alarm == "prod-schedule-duration-anomaly"
