"""Wiring: the router for the configured channels, and processing a finished run.

Used by the sensors (daemon) and by `make run` (no daemon): the same code, so
an alert reads the same and is sent once either way.
"""

from __future__ import annotations

import logging
import os

from dagster import ConfigurableResource, DagsterInstance, DagsterRun

from orchestration.defs.monitoring import store
from orchestration.alarms import Route
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
        token = _env("SLACK_BOT_TOKEN")
        notifier = (SlackNotifier(slack_client(token, _env("SLACK_API_URL")))
                    if token else ConsoleNotifier())
        channels = {
            Route.ALERTS: self.alerts_channel or _env("PST_SLACK_ALERTS_CHANNEL",
                                                      "#production_schedule_etl_alerts"),
            Route.MONITORING: self.monitoring_channel or _env("PST_SLACK_MONITORING_CHANNEL",
                                                              "#monitoring"),
        }
        return AlertRouter(store.AlertLog(conn), notifier, channels=channels,
                           runbook_base_url=runbook_base_url(),
                           dagster_base_url=_env("PST_DAGSTER_URL", "http://127.0.0.1:3000"),
                           pager=pager_from_env(), mailer=alert_mailer_from_env())


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
