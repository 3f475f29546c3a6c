"""`python -m orchestration.run [--run-date YYYY-MM-DD]`: what `make run` does.

Materializes one run_date partition of the daily job through Dagster (in
process, recorded in DAGSTER_HOME so the UI shows it), then prints a short
summary. Exits non-zero when the run fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

from orchestration import settings
from orchestration.local_instance import prepare_dagster_home


def ensure_local_data() -> None:
    """Generate the sample when no PST_LOCAL_DATA_DIR is given and none exists yet."""
    from orchestration.resources.local_form import ensure_default_sample  # noqa: PLC0415

    ensure_default_sample()


def ensure_dbt_manifest() -> None:
    """Re-parse the dbt project when a model, macro or test changed since the last parse."""
    from orchestration.manifest import manifest_is_stale, parse_dbt_project  # noqa: PLC0415

    if manifest_is_stale():
        print("parsing the dbt project ...", flush=True)
        parse_dbt_project()


def _log_level() -> str:
    """The console shows INFO by default (PST_LOG_LEVEL=DEBUG for every Dagster event)."""
    return os.environ.get("PST_LOG_LEVEL", "INFO").upper()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run")
    parser.add_argument("--run-date", type=date.fromisoformat, default=None,
                        help="partition to materialize (default: today in the plant's time zone)")
    parser.add_argument("--accept-row-count-drop", action="store_true",
                        help="publish a genuine drop of tomorrow's rows after review "
                             "(the row-count check reports it as a P2 instead of blocking)")
    args = parser.parse_args(argv)
    run_date = args.run_date or settings.plant_today()

    prepare_dagster_home()
    ensure_local_data()
    ensure_dbt_manifest()

    from dagster import DagsterInstance  # noqa: PLC0415 - after DAGSTER_HOME is set

    from orchestration.definitions import defs  # noqa: PLC0415
    from orchestration.summary import print_failure, print_summary  # noqa: PLC0415

    job = defs.resolve_job_def("production_schedule_job")
    if not job.partitions_def.has_partition_key(run_date.isoformat()):
        keys = job.partitions_def.get_partition_keys()
        print(f"RUN_DATE={run_date} is not a partition: run_dates go from {keys[0]} to "
              f"{keys[-1]} (today in {settings.plant_timezone()}).", file=sys.stderr)
        return 2
    from orchestration.alerting.in_process import alert_after_run  # noqa: PLC0415

    run_config: dict = {"loggers": {"console": {"config": {"log_level": _log_level()}}}}
    if args.accept_row_count_drop:
        run_config["resources"] = {"monitoring": {"config": {"accept_row_count_drop": True}}}
    started = time.monotonic()
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(partition_key=run_date.isoformat(), instance=instance,
                                        raise_on_error=False, run_config=run_config)
        # no daemon here: raise and deliver this run's alerts now (the sensors would)
        outcome = alert_after_run(instance, result.run_id, run_config=run_config)
    elapsed = time.monotonic() - started
    succeeded = result.success or (outcome.remediation is not None and outcome.remediation.success)
    if not succeeded:
        print_failure(result, run_date)
    else:
        print_summary(run_date, elapsed, result.run_id)
    outcome.print()
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
