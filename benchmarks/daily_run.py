"""The whole daily run at scale 1, stage by stage (part of `make bench`).

Runs `python -m orchestration.run` (what `make run` runs) as a subprocess in the
benchmark's own home, twice for the same run_date: the first pays the one-time
work (sample, warehouse start, Dagster home), the second is the daily case. The
stages are the run's own console lines (orchestration/console.py), so the
figures are the ones a person sees. Loading the definitions is timed on its own
in a fresh interpreter (import + `defs()`, what a code server does). Figures
are printed, never asserted.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

STAGES = ("definitions", "warehouse", "land", "build", "checks", "publish", "alerts")
_STAGE_LINE = re.compile(r"^(?P<stage>[a-z]+)\s.*?\s(?P<seconds>\d+\.\d) s$")

_LOAD_DEFINITIONS = """
import time
started = time.perf_counter()
from orchestration.definitions import defs
loaded = defs()
print(f"{time.perf_counter() - started:.2f} {len(loaded.resolve_asset_graph().get_all_asset_keys())}")
"""


def stage_seconds(console: str) -> dict[str, float]:
    """Seconds per stage of one run's console (a stage printed twice is summed)."""
    totals: dict[str, float] = {}
    for line in console.splitlines():
        match = _STAGE_LINE.match(line.rstrip())
        if match and match["stage"] in STAGES:
            totals[match["stage"]] = totals.get(match["stage"], 0.0) + float(match["seconds"])
    return totals


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_subprocess(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the process tree, stdout) of one command that must succeed."""
    cpu_before, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n"
                           f"{result.stderr[-3000:]}")
    return wall, cpu, result.stdout


def load_definitions(env: dict[str, str]) -> tuple[float, float, float]:
    """(wall of the interpreter, CPU, seconds inside it for import + defs())."""
    wall, cpu, out = timed_subprocess([sys.executable, "-c", _LOAD_DEFINITIONS], env)
    return wall, cpu, float(out.split()[0])


def run_daily(home: Path, run_date: date) -> dict:
    env = {**os.environ, "PST_HOME": str(home / "daily"),
           "DAGSTER_HOME": str(home / "daily" / "dagster_home"), "PST_PARTITIONS_START": "2026-01-01"}
    for name in ("PST_DATABASE_URL", "PST_LOCAL_DATA_DIR", "SLACK_BOT_TOKEN", "PST_SMTP_HOST"):
        env.pop(name, None)
    command = [sys.executable, "-m", "orchestration.run", "--run-date", run_date.isoformat()]
    first_wall, _, _ = timed_subprocess(command, env)
    print(f"  first run (sample, warehouse start, Dagster home): {first_wall:.1f} s", flush=True)
    wall, cpu, console = timed_subprocess(command, env)
    load_wall, load_cpu, load_inside = load_definitions(env)
    stages = stage_seconds(console)
    print(f"  daily run: {wall:.1f} s wall, {cpu:.1f} s CPU; definitions load {load_inside:.1f} s "
          f"({load_wall:.1f} s with the interpreter)", flush=True)
    return {"first_wall_s": first_wall, "wall_s": wall, "cpu_s": cpu, "stages": stages,
            "definitions_load_s": load_inside, "definitions_load_wall_s": load_wall,
            "definitions_load_cpu_s": load_cpu}


def print_daily(figures: dict, naive_wall_s: float | None) -> None:
    print("\n| stage of the daily run (scale 1) | seconds |")
    print("|---|---|")
    for stage in STAGES:
        if stage in figures["stages"]:
            print(f"| {stage} | {figures['stages'][stage]:.1f} |")
    staged = sum(figures["stages"].values())
    print(f"| other (process start, imports, summary) | {figures['wall_s'] - staged:.1f} |")
    print(f"| **whole run** (wall / CPU) | **{figures['wall_s']:.1f}** / {figures['cpu_s']:.1f} |")
    print(f"\nloading the definitions (import + defs()): {figures['definitions_load_s']:.1f} s "
          f"({figures['definitions_load_wall_s']:.1f} s wall, "
          f"{figures['definitions_load_cpu_s']:.1f} s CPU with the interpreter)")
    if naive_wall_s is not None:
        print(f"naive per-date loop alone (31 dbt invocations, scheduling only): {naive_wall_s:.1f} s "
              f"= {naive_wall_s / figures['wall_s']:.1f}x the whole daily run")
