"""A run whose process is gone is failed and frees its pool slots; a live one is left alone.
On a real (temporary SQLite) Dagster instance, with real processes."""

from __future__ import annotations

import subprocess
import sys

from dagster import DagsterRunStatus, instance_for_test, job, op
from dagster._core.events import EngineEventData

from orchestration.defs.monitoring.dead_runs import fail_dead_runs

POOL = "pst_schedule_build"


@op
def noop():
    pass


@job
def some_job():
    noop()


def _started_run(instance, pid: int, step_key: str):
    run = instance.create_run_for_job(some_job, status=DagsterRunStatus.STARTED,
                                      tags={"dagster/partition": "2026-11-20"})
    instance.report_engine_event(f"Executing steps in process (pid: {pid})", run,
                                 EngineEventData.in_process(pid))
    instance.event_log_storage.claim_concurrency_slot(POOL, run.run_id, step_key)
    return run


def test_a_run_whose_process_died_is_failed_and_its_slot_freed():
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with instance_for_test() as instance:
            instance.event_log_storage.set_concurrency_slots(POOL, 2)
            dead_run = _started_run(instance, ended.pid, "build")
            live_run = _started_run(instance, alive.pid, "other_build")

            [dead] = fail_dead_runs(instance)

            assert (dead.run_id, dead.pid, dead.partition) == (dead_run.run_id, ended.pid,
                                                               "2026-11-20")
            assert instance.get_run_by_id(dead_run.run_id).status == DagsterRunStatus.FAILURE
            assert instance.get_run_by_id(live_run.run_id).status == DagsterRunStatus.STARTED
            claimed = instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
            assert [slot.run_id for slot in claimed] == [live_run.run_id]
            assert fail_dead_runs(instance) == []  # once
    finally:
        alive.kill()
        alive.wait()


def test_a_run_that_has_not_reached_its_steps_is_left_to_run_monitoring():
    with instance_for_test() as instance:
        run = instance.create_run_for_job(some_job, status=DagsterRunStatus.STARTING)
        assert fail_dead_runs(instance) == []
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTING
