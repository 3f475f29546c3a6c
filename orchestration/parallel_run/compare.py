"""`make compare RUN_DATE=YYYY-MM-DD`: the parallel run of one materialized run_date.

Loads legacy_schedule.csv first in the local form (when the file is there), builds
the comparison models (dbt, models/parallel_run) for the run_date and prints the
first differing rows, then as its last line exactly
`parallel run YYYY-MM-DD: M/N rows match (P%), A missing, B extra, C differ`.
Exit 0 within the cutover tolerance, 1 outside it, 2 when a side has no rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date

from orchestration import settings
from orchestration.defs.dbt.args import dbt_run_env, dbt_vars
from orchestration.parallel_run.comparison import read_comparison, read_qa_comparison
from orchestration.parallel_run.legacy_schedule import load_local_legacy_csv, schedule_rows_of
from orchestration.settings import DBT_PROJECT_DIR, PUBLISHED_TABLE, Settings
from orchestration.warehouse import connect, ensure_warehouse

NOT_COMPARED = 2


def build_comparison(run_date: date, target_name: str) -> None:
    """The parallel_run models for one run_date, as Dagster's publish step builds them."""
    parameters = Settings.from_env().scheduling
    variables = dbt_vars(parameters.horizon_days, parameters.demand_window_days,
                         float(parameters.line_rounding_increment))
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    result = subprocess.run(
        [dbt, "build", "--select", "path:models/parallel_run", "--vars", json.dumps(variables),
         "--target", target_name, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(settings.pst_home() / "dbt-compare-target"), "--quiet"],
        capture_output=True, text=True, env={**os.environ, **dbt_run_env(run_date)})
    if result.returncode != 0:
        raise RuntimeError("dbt build of the parallel_run models failed:\n"
                           + (result.stdout + result.stderr)[-3000:])


def compare(run_date: date, first_rows: int = 10) -> int:
    target = ensure_warehouse()
    legacy = settings.legacy_schedule_relation()
    published = (settings.publish_schema(), PUBLISHED_TABLE)
    with connect(target) as conn:
        loaded = load_local_legacy_csv(conn)
        if loaded:
            path, load = loaded
            print(f"loaded {path} into {'.'.join(legacy)}: {load.rows:,} rows, "
                  f"{len(load.run_dates)} run_date(s)")
        sides = {"legacy schedule " + ".".join(legacy): schedule_rows_of(conn, legacy, run_date),
                 "platform schedule " + ".".join(published): schedule_rows_of(conn, published,
                                                                            run_date)}
    empty = [name for name, rows in sides.items() if not rows]
    if empty:
        print(f"parallel run {run_date}: not compared, no rows for run_date {run_date} in "
              + " and ".join(empty) + (" (run `make run RUN_DATE=...` first)"
                                       if any(n.startswith("platform") for n in empty) else ""))
        return NOT_COMPARED
    build_comparison(run_date, target.dbt_target)
    with connect(target) as conn:
        found = read_comparison(conn, run_date, first_rows)
        qa = read_qa_comparison(conn, run_date)
    if qa:
        differing = [q for q in qa if q.legacy_findings != q.platform_findings]
        print(f"QA findings: {len(qa)} (table, code) compared, {len(differing)} differ"
              + "".join(f"\n  {q.text()}" for q in differing))
    if found is None:
        print(f"parallel run {run_date}: not compared")
        return NOT_COMPARED
    if found.differences:
        print(f"first {len(found.differences)} differing row(s) (tomorrow's first):")
        for difference in found.differences:
            print("  " + difference.text())
    print(found.line())
    return 0 if found.is_within_tolerance else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make compare", description=__doc__.splitlines()[0])
    parser.add_argument("run_date", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--rows", type=int, default=10, help="differing rows shown (10)")
    args = parser.parse_args(argv)
    return compare(args.run_date, args.rows)


if __name__ == "__main__":
    sys.exit(main())
