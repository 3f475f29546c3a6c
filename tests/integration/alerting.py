"""What the alerting modules share: their own platform (warehouse, Dagster home,
Slack stand-in) and the helpers that read what a run posted and published.

test_alerting.py holds the alarms that compare a run with clean days (row count,
duration, a re-run, the digest); test_alerting_faults.py the alarms of one damaged
run each. Each module has its own home, so the two run side by side on two workers.
"""

from __future__ import annotations

import csv
import shutil
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tests.fakes.slack_server import FakeSlack
from tests.integration.conftest import environment
from tests.integration.parity import fetch_dicts

TOKEN = "test-bot-token"
ALERTS, MONITORING = "#production_schedule_etl_alerts", "#monitoring"


@contextmanager
def alerting_platform(home: Path, slack: FakeSlack):
    """A module's own PST_HOME and Dagster home, alerts to the Slack stand-in."""
    with environment(PST_HOME=str(home), DAGSTER_HOME=str(home / "dagster_home"),
                     SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url,
                     PST_RUNBOOK_BASE_URL="https://git.example/pst/blob/main",
                     PST_SMTP_HOST=None):
        yield home


def alarms(messages) -> list[tuple[str, str, str]]:
    """(severity, alarm, channel) of each message; the text starts with the title."""
    out = []
    for m in messages:
        severity, alarm = m.text.split()[:2]
        out.append((severity, alarm, m.channel))
    return out


class Mark:
    """The Slack messages posted after this point."""

    def __init__(self, slack: FakeSlack):
        self.slack, self.start = slack, len(slack.messages)

    @property
    def new(self):
        return self.slack.messages[self.start:]


def copy_sample(sample_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sample_dir, target)
    return target


def rewrite(path: Path, keep=lambda row: True, change=lambda row: row, header_change=None):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    body = [change(dict(zip(header, r))) for r in body if r and keep(dict(zip(header, r)))]
    if header_change:
        header = header_change(header)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(h, "") for h in header] for row in body])


def published(run_date: date) -> list[tuple]:
    return [tuple(r.values()) for r in fetch_dicts(
        "select fps_dt, manufacturing_location, line_type, item_id, production_lines, "
        "production_goal_total from dwh.fact_production_schedule where run_date = %s "
        "order by 1, 2, 3, 4", (run_date,))]


def alert_log(alarm: str) -> list[dict]:
    return fetch_dicts("select * from ops.alert_log where alarm = %s order by first_raised_at",
                       (alarm,))


def runs_of(run_date: date) -> list:
    """The Dagster runs of a partition, oldest first."""
    from dagster import DagsterInstance, RunsFilter

    with DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(tags={"dagster/partition": run_date.isoformat()}))
    return list(reversed(runs))


def evaluate_sensor():
    """One tick of the daemon's alert sensor against this module's Dagster home."""
    from dagster import DagsterInstance, build_sensor_context

    from orchestration.defs.monitoring.resources import MonitoringSettings
    from orchestration.defs.monitoring.sensors import monitoring_sensors
    from orchestration.defs.monitoring.service import AlertingResource
    from orchestration.settings import Settings
    from orchestration.warehouse.resource import WarehouseResource

    [alert_on_finished_runs] = [s for s in monitoring_sensors() if s.name == "alert_on_finished_runs"]
    monitoring = MonitoringSettings.from_thresholds(Settings.from_env().thresholds)
    with DagsterInstance.get() as instance:
        context = build_sensor_context(instance=instance, resources={
            "warehouse": WarehouseResource(), "alerting": AlertingResource(),
            "monitoring": monitoring})
        return alert_on_finished_runs(context)


