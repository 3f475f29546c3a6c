"""The warehouse does not answer (PST_DATABASE_URL at a closed port): `make run` says so
in one line naming where and which setting, starts no Dagster run (so no step retries),
prints no traceback, and the P1 reaches Slack once although the alert log lives in the
unreachable warehouse (it is spooled locally). When the warehouse answers again the
next run moves the alert into ops.alert_log and closes it."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from dagster import DagsterInstance

from orchestration.defs.monitoring.spool import spool_path
from orchestration.warehouse.resource import WarehouseResource
from tests.fakes.slack_server import FakeSlack
from tests.integration.conftest import environment, run_partition
from tests.integration.parity import fetch_dicts

pytestmark = pytest.mark.integration

RUN_DATE = date(2026, 11, 21)
TOKEN = "test-bot-token"  # what the Slack stand-in accepts


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture(scope="module")
def slack():
    with FakeSlack(token=TOKEN) as fake, environment(SLACK_BOT_TOKEN=TOKEN,
                                                     SLACK_API_URL=fake.api_url):
        yield fake


def test_an_unreachable_warehouse_stops_the_run_at_once_and_still_alerts(
        sample_dir, dbt_manifest, slack, capfd):
    url = f"postgresql://pst:secret-password@127.0.0.1:{closed_port()}/warehouse"
    with DagsterInstance.get() as instance:
        runs_before = len(instance.get_runs())

    for attempt in range(2):  # the same open condition is not sent twice
        assert run_partition(RUN_DATE, sample_dir, PST_DATABASE_URL=url) == 1
    output = capfd.readouterr()
    console = output.out + output.err
    lines = [x for x in console.splitlines() if x.startswith("warehouse unreachable")]
    assert len(lines) == 2  # one line per attempt
    line = lines[0]
    assert "127.0.0.1" in line and "(PST_DATABASE_URL)" in line and "refused" in line
    assert "Traceback" not in console and "secret-password" not in console
    with DagsterInstance.get() as instance:
        assert len(instance.get_runs()) == runs_before  # stopped before any step
    pages = [m for m in slack.messages if m.text.startswith("P1 warehouse-unreachable")]
    assert len(pages) == 1 and "(PST_DATABASE_URL)" in pages[0].text
    assert spool_path().exists()

    # the warehouse answers again: the next run (here `make land`, no build needed) moves
    # the spooled alert into ops.alert_log and closes it
    assert run_partition(RUN_DATE, sample_dir, land_only=True) == 0
    assert not spool_path().exists()
    [logged] = fetch_dicts("select * from ops.alert_log where alarm = 'warehouse-unreachable'")
    assert (logged["severity"], logged["status"], logged["pending"]) == ("P1", "resolved", False)
    assert len([m for m in slack.messages if "warehouse-unreachable" in m.text]) == 1


def test_a_step_meeting_an_unreachable_warehouse_fails_without_retries(monkeypatch):
    from dagster import Failure

    monkeypatch.setenv("PST_DATABASE_URL", f"postgresql://pst:x@127.0.0.1:{closed_port()}/db")
    with pytest.raises(Failure) as failure:
        with WarehouseResource().connection():
            pass
    assert failure.value.allow_retries is False
    assert failure.value.metadata["alarm"].value == "warehouse-unreachable"
    assert "warehouse unreachable: PostgreSQL pst@127.0.0.1" in failure.value.description


def test_the_sensor_alerts_from_the_spool_when_the_warehouse_is_unreachable(slack, monkeypatch):
    from dagster import SkipReason, build_sensor_context

    from orchestration.defs.monitoring.resources import MonitoringSettings
    from orchestration.defs.monitoring.sensors import monitoring_sensors
    from orchestration.defs.monitoring.service import AlertingResource

    [finished_runs] = [s for s in monitoring_sensors() if s.name == "alert_on_finished_runs"]
    monkeypatch.setenv("PST_DATABASE_URL", f"postgresql://pst:x@127.0.0.1:{closed_port()}/db")
    before = len(slack.messages)
    try:
        with DagsterInstance.get() as instance:
            for _ in range(2):  # two ticks, one alert
                context = build_sensor_context(
                    instance=instance, cursor="0",
                    resources={"warehouse": WarehouseResource(), "alerting": AlertingResource(),
                               "monitoring": MonitoringSettings()})
                result = finished_runs(context)
                assert isinstance(result, SkipReason) and "warehouse unreachable" in result.skip_message
                assert context.cursor == "0"  # the finished runs wait for the warehouse
        new = slack.messages[before:]
        assert len(new) == 1 and new[0].text.startswith("P1 warehouse-unreachable")
    finally:
        spool_path().unlink(missing_ok=True)
