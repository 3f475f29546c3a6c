"""Benchmark of the scheduling stage: `make bench` (python -m benchmarks.scheduling).

For each scale it generates the sample (narrow date window), lands it for one
run_date, builds the models upstream of the iteration, then times the
scheduling stage: the 31-day iteration (`ps_fps_dt_iteration`, one dbt
invocation) and the rest of the schedule (`ps_fps_dt_iteration+`). At scale 1
it also runs the naive port (one dbt invocation per plan date, the same step
SQL) and prints the ratio. Then the whole daily run at scale 1, stage by stage
(benchmarks/daily_run.py). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.daily_run import print_daily, run_daily
from orchestration import settings

RUN_DATE = date(2026, 11, 23)
WINDOW = (date(2026, 11, 1), date(2027, 1, 15))


def dbt(args: list[str], target_path: Path) -> float:
    """Run one dbt invocation; return its wall time in seconds."""
    command = [str(Path(sys.executable).with_name("dbt")), *args,
               "--project-dir", str(settings.DBT_PROJECT_DIR),
               "--profiles-dir", str(settings.DBT_PROJECT_DIR), "--target", "local",
               "--target-path", str(target_path), "--log-path", str(target_path / "logs"),
               "--vars", json.dumps({"run_date": RUN_DATE.isoformat()})]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}")
    return elapsed


def node_seconds(target_path: Path, name: str) -> float:
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return sum(r["execution_time"] for r in results if r["unique_id"].endswith("." + name))


def scalar(query: str):
    from orchestration.warehouse import connect, ensure_warehouse

    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchone()[0]


def prepare(scale: int, home: Path) -> None:
    from orchestration.sample_data.generate import generate_sample
    from orchestration.landing.local_load import land_local_form

    data = home / f"sample-scale-{scale}"
    if not (data / "forecasts.csv").exists():
        started = time.perf_counter()
        # weekly inventory snapshots keep scale 100 within the disk and time budget
        generate_sample(data, scale=scale, start=WINDOW[0], end=WINDOW[1], inventory_every_days=7)
        print(f"  generated scale {scale} in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    land_local_form(data, RUN_DATE)
    print(f"  landed in {time.perf_counter() - started:.1f} s", flush=True)


def run_scale(scale: int, home: Path) -> dict:
    print(f"scale {scale}:", flush=True)
    prepare(scale, home)
    target = home / "dbt-target"
    # everything but the iteration and what follows it: the QA models downstream need
    # their own inputs too (ps_qa_findings reads ps_qa_inputs)
    upstream = dbt(["run", "--exclude", "ps_fps_dt_iteration+"], target)
    iteration_wall = dbt(["run", "--select", "ps_fps_dt_iteration"], target)
    iteration_sql = node_seconds(target, "ps_fps_dt_iteration")
    downstream_wall = dbt(["run", "--select", "ps_fps_dt_iteration+", "--exclude",
                           "ps_fps_dt_iteration"], target)
    rows = scalar("select count(*) from stg2.fact_production_schedule_staged")
    figures = {"scale": scale, "rows": rows, "upstream_s": upstream,
               "iteration_wall_s": iteration_wall, "iteration_sql_s": iteration_sql,
               "downstream_wall_s": downstream_wall, "dbt_invocations": 1}
    print(f"  rows {rows:,d}; iteration {iteration_wall:.1f} s wall ({iteration_sql:.1f} s SQL); "
          f"rest of schedule {downstream_wall:.1f} s", flush=True)
    return figures


def run_naive(home: Path, horizon_days: int = 31) -> dict:
    """The naive port at scale 1: one dbt invocation per plan date."""
    target = home / "dbt-target-naive"
    started = time.perf_counter()
    for plan_day in range(1, horizon_days + 1):
        dbt(["run-operation", "pst_bench_naive_plan_date", "--args",
             json.dumps({"plan_day": plan_day})], target)
    wall = time.perf_counter() - started
    naive_rows = scalar("select sum(n) from (" + " union all ".join(
        f"select count(*) filter (where is_candidate) as n from bench.naive_day_{d}"
        for d in range(1, horizon_days + 1)) + ") as days")
    model_rows = scalar("select count(*) from stg2.ps_fps_dt_iteration where is_candidate")
    return {"naive_wall_s": wall, "dbt_invocations": horizon_days,
            "naive_candidates": int(naive_rows), "model_candidates": int(model_rows)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--no-daily", action="store_true", help="skip the whole daily run")
    args = parser.parse_args()
    home = settings.pst_home() / "bench"
    os.environ["PST_HOME"] = str(home)  # its own embedded warehouse, apart from dev data
    os.environ.pop("PST_DATABASE_URL", None)
    home.mkdir(parents=True, exist_ok=True)

    scales = [int(s) for s in args.scales.split(",")]
    figures = []
    naive = None
    for scale in scales:
        figures.append(run_scale(scale, home))
        if scale == 1:
            print("  naive per-date loop (31 dbt invocations) ...", flush=True)
            naive = run_naive(home)
            print(f"  naive loop {naive['naive_wall_s']:.1f} s; candidates naive "
                  f"{naive['naive_candidates']:,d} = model {naive['model_candidates']:,d}",
                  flush=True)

    print("\n| scale | schedule rows | iteration wall (s) | iteration SQL (s) | rest of schedule (s) "
          "| dbt invocations | naive loop at scale 1 / this |")
    print("|---|---|---|---|---|---|---|")
    for f in figures:
        ratio = f"{naive['naive_wall_s'] / f['iteration_wall_s']:.1f}x" if naive else "n/a"
        print(f"| {f['scale']} | {f['rows']:,d} | {f['iteration_wall_s']:.1f} | "
              f"{f['iteration_sql_s']:.1f} | {f['downstream_wall_s']:.1f} | "
              f"{f['dbt_invocations']} | {ratio} |")
    if naive:
        print(f"\nnaive per-date loop at scale 1: {naive['naive_wall_s']:.1f} s wall in "
              f"{naive['dbt_invocations']} dbt invocations")
    if not args.no_daily:
        print("\nthe whole daily run at scale 1 (make run, twice) ...", flush=True)
        daily = run_daily(home, RUN_DATE)
        print_daily(daily, naive["naive_wall_s"] if naive else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
