"""Wiring: the router for the configured channels, and processing a finished run.

Used by the sensors (daemon) and by `make run` (no daemon): the same code, so
an alert reads the same and is sent once either way.
"""

from __future__ import annotations

import logging
import os

from dagster import ConfigurableResource, DagsterInstance, DagsterRun

from orchestration.defs.monitoring import spool, store
from orchestration.alarms import AlarmName, Route
from orchestration.defs.monitoring.mail import alert_mailer_from_env
from orchestration.defs.monitoring.notify import ConsoleNotifier, SlackNotifier, slack_client
from orchestration.defs.monitoring.pagerduty import pager_from_env
from orchestration.defs.monitoring.router import AlertRouter, Delivery
from orchestration.defs.monitoring.runs import RunReport, report_for_run
from orchestration.settings import Thresholds
from orchestration.metadata import runbook_base_url

log = logging.getLogger(__name__)


class AlertingResource(ConfigurableResource):
    """Where alerts go. Empty fields fall back to the environment:
    SLACK_BOT_TOKEN / SLACK_API_URL (unset token: console + alert log only),
    PST_SLACK_ALERTS_CHANNEL, PST_SLACK_MONITORING_CHANNEL, PST_DAGSTER_URL,
    PST_RUNBOOK_BASE_URL; P1 pages with PAGERDUTY_ROUTING_KEY (PAGERDUTY_EVENTS_URL),
    P2 is emailed with PST_SMTP_HOST (PST_ALERT_EMAIL_TO, else PST_DIGEST_TO)."""

    alerts_channel: str = ""
    monitoring_channel: str = ""

    def router(self, conn) -> AlertRouter:
        """The router on the warehouse's alert log. The warehouse answers again: alerts
        spooled while it did not are moved in, and its unreachable condition closes."""
        router = self._router(store.AlertLog(conn))
        if spool.move_spool_into(router.alert_log):
            router.resolve(spool.unreachable_finding("the warehouse answers again"))
        return router

    def spool_router(self) -> tuple[AlertRouter, spool.SpoolAlertLog]:
        """The router on the local spool, for when the warehouse is unreachable."""
        spooled = spool.SpoolAlertLog(spool.spool_path())
        return self._router(spooled), spooled

    def _router(self, alert_log) -> AlertRouter:
        token = _env("SLACK_BOT_TOKEN")
        notifier = (SlackNotifier(slack_client(token, _env("SLACK_API_URL")))
                    if token else ConsoleNotifier())
        channels = {
            Route.ALERTS: self.alerts_channel or _env("PST_SLACK_ALERTS_CHANNEL",
                                                      "#production_schedule_etl_alerts"),
            Route.MONITORING: self.monitoring_channel or _env("PST_SLACK_MONITORING_CHANNEL",
                                                              "#monitoring"),
        }
        return AlertRouter(alert_log, notifier, channels=channels,
                           runbook_base_url=runbook_base_url(),
                           dagster_base_url=_env("PST_DAGSTER_URL", "http://127.0.0.1:3000"),
                           pager=pager_from_env(), mailer=alert_mailer_from_env())


def is_unreachable(failure: Exception) -> bool:
    """A step's or resource's Failure that says the warehouse did not answer."""
    metadata = getattr(failure, "metadata", None) or {}
    entry = metadata.get("alarm")
    return getattr(entry, "value", entry) == AlarmName.WAREHOUSE_UNREACHABLE.value


def alert_while_unreachable(alerting: AlertingResource, message: str,
                            partition: str | None = None) -> list[Delivery]:
    """Raise `warehouse-unreachable` through the spool and deliver it (Slack or the
    console, PagerDuty); the same open condition is not sent twice. Never raises."""
    try:
        router, spooled = alerting.spool_router()
        router.raise_finding(spool.unreachable_finding(message, partition))
        deliveries = deliver(router)
        spooled.save()
        return deliveries
    except Exception:  # noqa: BLE001 - the alert path must not turn one fault into two
        log.exception("the warehouse-unreachable alert could not be spooled or delivered")
        return []


def _env(name: str, default: str | None = None) -> str | None:
    """An environment value; empty counts as unset (compose passes `${X:-}` as "")."""
    return os.environ.get(name, "").strip() or default


PROCESSED_TAG = "pst/alerts_processed"  # on a run once its findings were raised


def process_finished_run(instance: DagsterInstance, run: DagsterRun, router: AlertRouter,
                         thresholds: Thresholds) -> RunReport | None:
    """Raise/resolve what the run says; None when the run was processed before (by the
    sensor or by make run: the tag on the run record says which runs are done)."""
    current = instance.get_run_by_id(run.run_id) or run
    if PROCESSED_TAG in current.tags:
        return None
    instance.add_run_tags(run.run_id, {PROCESSED_TAG: "true"})
    report = report_for_run(instance, current, thresholds)
    for resolution in report.resolutions:
        router.resolve(resolution)
    for finding in report.findings:
        if router.raise_finding(finding) is not None:
            report.raised.append(finding)  # new or escalated: sent (P1-P3) or queued (P4)
    for finding in report.closing:
        router.resolve(finding)
    return report


def deliver(router: AlertRouter) -> list[Delivery]:
    deliveries = router.deliver_pending()
    for d in deliveries:
        level = logging.INFO if d.delivered else logging.WARNING
        log.log(level, "alert %s -> %s: %s", d.alarm, d.channel,
                "sent" if d.delivered else f"pending ({d.detail})")
    return deliveries
