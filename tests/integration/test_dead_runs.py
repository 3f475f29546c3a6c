"""A `make run` killed (SIGKILL) during its dbt build must not block the next run: the
next `make run` fails the dead run, frees its pool slot, runs to the end, and the dead
run's failure pages as `prod-schedule-job-failed`. The killed partition published
nothing; the next `make run` of it publishes what any run of it does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from tests.integration.conftest import environment, run_partition
from tests.integration.parity import KEY, fetch_dicts, published_schedule

pytestmark = pytest.mark.integration

KILLED = date(2026, 11, 11)
POOL = "pst_schedule_build"


def _wait_for_the_build_slot(process: subprocess.Popen, timeout: float = 600) -> str:
    """The run id holding the dbt pool's slot, once the killed run's dbt step has it."""
    deadline = time.monotonic() + timeout
    with DagsterInstance.get() as instance:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the run ended before its dbt step started"
            claimed = instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
            if claimed:
                return claimed[0].run_id
            time.sleep(0.5)
    raise AssertionError("the run's dbt step never took the pool's slot")


def _published(run_date: date) -> list[dict]:
    """The published rows of run_date; none while no publish of the session made the table."""
    [[exists]] = [[r["exists"] for r in fetch_dicts(
        "select to_regclass('dwh.fact_production_schedule') is not null as exists")]]
    return published_schedule(run_date) if exists else []


def test_a_killed_run_does_not_block_the_next_one(sample_dir, dbt_manifest):
    assert _published(KILLED) == []  # a run_date no other test of the session builds
    with environment(PST_LOCAL_DATA_DIR=str(sample_dir)):
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run", "--run-date", KILLED.isoformat()],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        killed_run_id = _wait_for_the_build_slot(process)
        time.sleep(3)  # inside the dbt build
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its dbt process, as a crash would
        process.wait()
    with DagsterInstance.get() as instance:
        assert instance.get_run_by_id(killed_run_id).status == DagsterRunStatus.STARTED
    assert _published(KILLED) == []  # the killed build published nothing

    # the next make run (the same partition again): it did not wait for the dead run's slot
    assert run_partition(KILLED, sample_dir) == 0

    with DagsterInstance.get() as instance:
        assert instance.get_run_by_id(killed_run_id).status == DagsterRunStatus.FAILURE
        assert not instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
        in_progress = instance.get_run_records(filters=RunsFilter(
            statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]))
        assert in_progress == []
    pages = fetch_dicts("select * from ops.alert_log where alarm = %s and run_id = %s",
                        ("prod-schedule-job-failed", killed_run_id))
    assert len(pages) == 1
    assert pages[0]["severity"] == "P1" and pages[0]["partition_key"] == KILLED.isoformat()
    assert "ended without finishing" in pages[0]["summary"]
    published = published_schedule(KILLED)
    assert len(published) > 2000
    assert len({_key(row) for row in published}) == len(published)  # no half-published copy


def _key(row: dict) -> tuple:
    return tuple(row[k] for k in KEY)
