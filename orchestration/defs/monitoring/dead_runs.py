"""Runs whose process died (SIGKILL, OOM, a closed laptop) on a local instance.

Such a run stays STARTED forever and keeps its `pst_schedule_build` pool slot, so
every later run waits at its dbt step. Dagster's run monitoring detects dead run
workers only for launchers that can report their health (ECS, Kubernetes, Docker),
not for `make run` (in process) nor the local daemon's default launcher. Every
run here executes in process and Dagster records that process's pid (the engine
event "Executing steps in process (pid: N)"), so a run in progress whose pid is
gone from this machine is dead: it is marked failed (the finished-runs path then
raises `prod-schedule-job-failed`) and its pool slots are freed.

Only for a SQLite instance: its runs all ran on this machine, so a pid means a
process here. A shared (PostgreSQL) instance leaves this to run monitoring.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

log = logging.getLogger(__name__)

IN_PROGRESS = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    job_name: str
    partition: str | None
    pid: int

    def describe(self) -> str:
        partition = f" of {self.partition}" if self.partition else ""
        return (f"run {self.run_id[:8]} ({self.job_name}{partition}) died without finishing "
                f"(process {self.pid} is gone): marked failed, its pool slots freed")


def run_pid(instance: DagsterInstance, run_id: str) -> int | None:
    """The pid of the process that executes the run's steps (its last engine event
    naming one), or None when the run has not reached its steps."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ENGINE_EVENT, ascending=False, limit=50).records
    for record in records:
        data = record.event_log_entry.dagster_event.engine_event_data
        pid = data.metadata.get("pid") if data and data.metadata else None
        if pid is not None:
            return int(pid.value)
    return None


def process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _is_local(instance: DagsterInstance) -> bool:
    from dagster._core.storage.runs.sqlite import SqliteRunStorage  # noqa: PLC0415

    return isinstance(instance.run_storage, SqliteRunStorage)


def fail_dead_runs(instance: DagsterInstance) -> list[DeadRun]:
    """Mark the dead runs of this machine failed and free what they held."""
    if not _is_local(instance):
        return []
    dead = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        pid = run_pid(instance, run.run_id)
        if pid is None or pid == os.getpid() or process_is_alive(pid):
            continue
        found = DeadRun(run.run_id, run.job_name, run.tags.get("dagster/partition"), pid)
        instance.report_run_failed(
            run, message=f"The run's process {pid} ended without finishing the run (killed?); "
                         "marked failed by the platform's dead-run check.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log.warning(found.describe())
        dead.append(found)
    return dead
