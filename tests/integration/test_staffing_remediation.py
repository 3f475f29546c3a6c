"""The staffing auto-remediation on a fresh warehouse: the daily run's staffing load
fails (nothing is built, nothing published: the warehouse has no model yet), the tab is
back when the remediation re-runs the load, and the remediation builds and publishes
the schedule; no `prod-schedule-job-failed` about a dbt relation that does not exist."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from dagster import DagsterInstance

from orchestration import console
from orchestration.warehouse.embedded import stop_embedded
from tests.integration.conftest import environment, run_partition
from tests.integration.parity import fetch_dicts, published_schedule

pytestmark = pytest.mark.integration

RUN_DATE = date(2026, 11, 19)


@pytest.fixture()
def fresh_home(tmp_path, dbt_manifest):
    home = tmp_path / "fresh-home"
    with environment(PST_HOME=str(home), DAGSTER_HOME=str(home / "dagster_home")):
        yield home
    stop_embedded(home / "warehouse")


def test_a_staffing_tab_back_for_the_remediation_builds_a_fresh_warehouse(
        fresh_home, sample_dir, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    (data / "staffing_defaults.csv").unlink()
    announce = console.Console.note

    def tab_back_when_the_remediation_starts(self, text):
        if "re-running the staffing load" in text:
            shutil.copy(sample_dir / "staffing_defaults.csv", data / "staffing_defaults.csv")
        return announce(self, text)

    monkeypatch.setattr(console.Console, "note", tab_back_when_the_remediation_starts)

    assert run_partition(RUN_DATE, data) == 0
    output = capsys.readouterr().out
    assert "the staffing load was re-run once" in output and "succeeded" in output
    with DagsterInstance.get() as instance:
        jobs = sorted((r.job_name, r.status.value) for r in instance.get_runs())
    assert jobs == [("production_schedule_job", "FAILURE"),
                    ("staffing_remediation_job", "SUCCESS")]
    assert len(published_schedule(RUN_DATE)) > 2000
    assert fetch_dicts("select alarm from ops.alert_log where severity = 'P1'") == []
