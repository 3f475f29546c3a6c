"""What `make run` prints: one line per stage with its elapsed time.

    install     locked environment ready                                   0.4 s
    definitions 6 sources, 41 dbt models, 89 checks                       9.8 s
    land        6 sources, 276,094 rows                                    4.1 s
    build       40 models, 166 dbt tests passed                           21.3 s
    ...

The run's stages (land, build, checks, publish) come from its Dagster events,
read by a logger (`stage_logger`) as they happen; everything else a run logs
(dbt's per-node lines, Dagster's event lines) goes to the run's log file, or to
the console too at PST_LOG_LEVEL=DEBUG. Plain text: no colour codes.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from dagster import DagsterEventType, logger

from orchestration.settings import PUBLISHED_TABLE, publish_schema

WIDTH = 64  # of the detail column


def stage_line(stage: str, detail: str, seconds: float | None = None) -> str:
    took = f"{seconds:7.1f} s" if seconds is not None else ""
    if len(detail) > WIDTH:
        return f"{stage:<11} {detail}  {took.strip()}".rstrip()
    return f"{stage:<11} {detail:<{WIDTH}} {took}".rstrip()


class Console:
    """Stage lines to the console the run started with (tests swap sys.stdout)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def stage(self, stage: str, detail: str, seconds: float | None = None) -> None:
        self.stream.write(stage_line(stage, detail, seconds) + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        self.stream.write(f"{'':<11} {text}\n")
        self.stream.flush()

    def timed(self, stage: str) -> "_Timed":
        return _Timed(self, stage)


class _Timed:
    """`with console.timed("warehouse") as t: ...; t.detail = "..."`."""

    def __init__(self, console: Console, stage: str):
        self.console, self.stage, self.detail = console, stage, ""

    def __enter__(self) -> "_Timed":
        self.started = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.console.stage(self.stage, self.detail, time.monotonic() - self.started)


@dataclass
class _Segment:
    stage: str
    started: float
    ended: float = 0.0
    steps: set[str] = field(default_factory=set)
    failed_steps: list[str] = field(default_factory=list)
    rows: int = 0
    materialized: int = 0
    checks_passed: int = 0
    checks_warned: int = 0
    checks_failed: int = 0
    paths: list[str] = field(default_factory=list)


class StageTracker:
    """Folds a run's events into stage segments and prints each when it ends."""

    def __init__(self, console: Console, stage_of: Callable[[str], str]):
        self.console, self.stage_of = console, stage_of
        self.current: _Segment | None = None

    def on_event(self, event) -> None:
        kind, step = event.event_type, event.step_key
        now = time.monotonic()
        if kind == DagsterEventType.STEP_START:
            stage = self.stage_of(step)
            if self.current is None or self.current.stage != stage:
                self.flush()
                self.current = _Segment(stage, now)
            self.current.steps.add(step)
        elif self.current is None:
            return
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            self.current.materialized += 1
            materialization = event.event_specific_data.materialization
            row_count = materialization.metadata.get("dagster/row_count")
            # the publish step also builds the parallel run's comparison: its line
            # counts the published schedule only
            counted = (self.current.stage != "publish"
                       or materialization.asset_key.path[-1] == PUBLISHED_TABLE)
            if row_count is not None and counted:
                self.current.rows += int(row_count.value)
            if "path" in materialization.metadata:  # the schedule report's file
                self.current.paths.append(str(materialization.metadata["path"].value))
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                self.current.checks_passed += 1
            elif evaluation.severity.value == "WARN":
                self.current.checks_warned += 1
            else:
                self.current.checks_failed += 1
        elif kind == DagsterEventType.STEP_FAILURE:
            self.current.failed_steps.append(step)
        if kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            self.current.ended = now
        if kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
            self.flush()

    def flush(self) -> None:
        segment, self.current = self.current, None
        if segment is None:
            return
        seconds = (segment.ended or time.monotonic()) - segment.started
        self.console.stage(segment.stage, describe(segment), seconds)


def _checks(segment: _Segment) -> str:
    parts = [f"{segment.checks_passed} passed"]
    if segment.checks_warned:
        parts.append(f"{segment.checks_warned} warned")
    if segment.checks_failed:
        parts.append(f"{segment.checks_failed} failed")
    return ", ".join(parts)


def describe(segment: _Segment) -> str:
    failed = f"; FAILED: {', '.join(segment.failed_steps)}" if segment.failed_steps else ""
    if segment.stage == "land":
        text = f"{len(segment.steps)} sources, {segment.rows:,} rows"
    elif segment.stage == "build":
        text = f"{segment.materialized} models built, dbt tests: {_checks(segment)}"
    elif segment.stage == "publish":
        text = f"{publish_schema()}.{PUBLISHED_TABLE}: {segment.rows:,} rows"
        if segment.checks_passed + segment.checks_warned + segment.checks_failed:
            text += f", dbt tests: {_checks(segment)}"
    elif segment.stage == "report":
        text = ", ".join(segment.paths) or "not written"
    else:
        total = segment.checks_passed + segment.checks_warned + segment.checks_failed
        text = f"{total} checks: {_checks(segment)}"
    return text + failed


class _EventHandler(logging.Handler):
    def __init__(self, tracker: StageTracker):
        super().__init__(level=logging.DEBUG)
        self.tracker = tracker

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        # Only events: warnings and errors reach the person as alerts and the failure
        # summary; the run's log file has every line.
        if event is not None:
            self.tracker.on_event(event)


def stage_logger_def(tracker: StageTracker):
    """A Dagster logger that feeds a run's events to `tracker`."""

    @logger(description="make run's console: one line per stage")
    def _stage_logger(init_context):
        log = logging.getLogger(f"pst.stages.{init_context.run_id}")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.handlers = [_EventHandler(tracker)]
        return log

    return _stage_logger
