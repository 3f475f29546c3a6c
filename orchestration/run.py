"""`python -m orchestration.run [--run-date YYYY-MM-DD] [...]`: what `make run` does.

Materializes one run_date partition of the daily job through Dagster (in
process, recorded in DAGSTER_HOME so the UI shows it), delivers the run's
alerts, then prints a short summary. The console gets one line per stage
(orchestration/console.py); dbt's and Dagster's own lines go to a log file
under $PST_HOME/logs (and to the console too at PST_LOG_LEVEL=DEBUG).
Exits 0 when the schedule was published, 1 when the run failed, 2 on bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

from orchestration.console import Console, StageTracker, stage_logger_def
from orchestration.defs.job_names import DAILY_JOB, LAND_JOB
from orchestration.local_instance import prepare_dagster_home
from orchestration.settings import DeploymentNotConfigured, Settings, local_data_dir, pst_home


def ensure_local_data() -> Path:
    """Generate the sample when no PST_LOCAL_DATA_DIR is given and none exists yet."""
    from orchestration.sample_data.default import ensure_default_sample  # noqa: PLC0415

    ensure_default_sample()
    return local_data_dir()


def ensure_dbt_manifest() -> bool:
    """Re-parse the dbt project when a model, macro or test changed since the last parse."""
    from orchestration.defs.dbt.manifest import ensure_manifest  # noqa: PLC0415

    return ensure_manifest()


def _log_level() -> str:
    """INFO: stage lines only; DEBUG: every Dagster event and dbt line as well."""
    return os.environ.get("PST_LOG_LEVEL", "INFO").upper()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="make run")
    parser.add_argument("--run-date", type=date.fromisoformat, default=None,
                        help="partition to materialize (default: today in the plant's time zone)")
    parser.add_argument("--accept-row-count-drop", action="store_true",
                        help="publish a genuine drop of tomorrow's rows after review "
                             "(the row-count check reports it as a P2 instead of blocking)")
    parser.add_argument("--land-only", action="store_true",
                        help="land the sources of run_date only (job land_sources_job): no dbt "
                             "build, nothing published")
    parser.add_argument("--horizon-days", type=int, default=None, help="H (default 31)")
    parser.add_argument("--demand-window-days", type=int, default=None, help="W (default 7)")
    parser.add_argument("--line-rounding-increment", type=float, default=None,
                        help="R (default 0.5)")
    return parser


def run_config_for(args: argparse.Namespace, log_level: str) -> dict:
    """Dagster run config of one `make run` (the same keys the UI's launchpad takes)."""
    loggers: dict = {"pst_stages": {}}
    if log_level == "DEBUG":
        loggers["console"] = {"config": {"log_level": "DEBUG"}}
    resources: dict = {}
    if args.accept_row_count_drop:
        resources["monitoring"] = {"config": {"accept_row_count_drop": True}}
    scheduling = {key: value for key, value in (
        ("horizon_days", args.horizon_days), ("demand_window_days", args.demand_window_days),
        ("line_rounding_increment", args.line_rounding_increment)) if value is not None}
    if scheduling:
        resources["scheduling"] = {"config": scheduling}
    return {"loggers": loggers, **({"resources": resources} if resources else {})}


def _bad_run_date(run_date: date, config: Settings) -> str | None:
    """Checked before anything loads: the partitions are start .. today (plant time)."""
    first, today = config.partitions_start, config.today()
    if first <= run_date <= today:
        return None
    return (f"RUN_DATE={run_date} is not a partition: run_dates go from {first} "
            f"(PST_PARTITIONS_START) to {today} (today in {config.plant_timezone}).")


def check_warehouse() -> tuple[str, str | None]:
    """Where the warehouse is, and one line when it does not answer (connect timeout)."""
    from orchestration.warehouse import WarehouseUnreachable, connect, ensure_warehouse  # noqa: PLC0415

    target = ensure_warehouse()
    try:
        with connect(target):
            return target.describe(), None
    except WarehouseUnreachable as error:
        return target.describe(), str(error)


def stop_on_unreachable_warehouse(problem: str, run_date: date) -> int:
    """Nothing can land or build: say so, alert (spooled: the alert log is in the
    warehouse), and stop without Dagster's step retries."""
    from orchestration.defs.monitoring.service import (  # noqa: PLC0415
        AlertingResource,
        alert_while_unreachable,
    )

    print(f"\n{problem}", file=sys.stderr)
    for d in alert_while_unreachable(AlertingResource(), problem, run_date.isoformat()):
        status = "sent" if d.delivered else f"PENDING, will be retried ({d.detail})"
        print(f"  alert {d.alarm} -> {d.channel}: {status}", file=sys.stderr)
    print("Nothing was landed or published. The alert is kept in "
          "$PST_HOME/alerts/spool.json and moved into ops.alert_log when the warehouse is back.",
          file=sys.stderr)
    return 1


def alerts_not_processed(error: Exception, run_date: date, log):
    """The after-run alert processing failed (the warehouse went away during the run,
    say): the warehouse-unreachable alert through the spool, the traceback in the log."""
    import traceback  # noqa: PLC0415

    from orchestration.defs.monitoring.in_process import AfterRun  # noqa: PLC0415
    from orchestration.defs.monitoring.service import (  # noqa: PLC0415
        AlertingResource,
        alert_while_unreachable,
    )
    from orchestration.warehouse import WarehouseUnreachable  # noqa: PLC0415

    traceback.print_exception(error, file=log)
    outcome = AfterRun()
    if isinstance(error, WarehouseUnreachable):
        outcome.deliveries = alert_while_unreachable(AlertingResource(), str(error),
                                                     run_date.isoformat())
    print(f"the run's alerts could not be processed: {str(error).splitlines()[0][:300]}",
          file=sys.stderr)
    return outcome


def _log_file(run_date: date) -> Path:
    folder = pst_home() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"run-{run_date}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.log"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = Settings.from_env()
        # production: every missing setting named before a sample, a warehouse or a run exists
        config.refuse_incomplete_production()
    except (ValueError, DeploymentNotConfigured) as error:
        print(error, file=sys.stderr)
        return 2
    run_date = args.run_date or config.today()
    console = Console()
    problem = _bad_run_date(run_date, config)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    level = _log_level()
    started = time.monotonic()

    if config.deployment == "local":  # production never reads a CSV stand-in
        with console.timed("sample") as stage:
            stage.detail = f"local sources in {ensure_local_data()}"
    with console.timed("warehouse") as stage:  # before anything slow: unreachable is said at once
        where, unreachable = check_warehouse()
        stage.detail = f"{where}: UNREACHABLE" if unreachable else where
    if unreachable:
        return stop_on_unreachable_warehouse(unreachable, run_date)
    with console.timed("definitions") as stage:
        prepare_dagster_home()
        parsed = ensure_dbt_manifest()
        from orchestration.defs.build import build_definitions  # noqa: PLC0415

        defs = build_definitions(config)
        job = defs.resolve_job_def(LAND_JOB if args.land_only else DAILY_JOB)
        graph = defs.resolve_asset_graph()
        stage.detail = (f"{len(graph.get_all_asset_keys())} assets, "
                        f"{len(graph.asset_check_keys)} checks"
                        + ("; dbt project parsed (a dbt file changed)" if parsed else ""))

    from dagster import DagsterInstance  # noqa: PLC0415

    from orchestration.defs.monitoring.dead_runs import fail_dead_runs  # noqa: PLC0415
    from orchestration.defs.monitoring.in_process import alert_after_run  # noqa: PLC0415
    from orchestration.summary import print_failure, print_summary  # noqa: PLC0415

    stage_of = stage_classifier(defs)
    tracker = StageTracker(console, stage_of)

    def with_console(job_def):
        return job_def.with_logger_defs({**job_def.loggers, "pst_stages": stage_logger_def(tracker)})

    run_config = run_config_for(args, level)
    log_path = _log_file(run_date)
    with DagsterInstance.get() as instance, log_path.open("w") as log:
        # a run killed earlier would hold the build pool's slot forever: fail it first
        dead_runs = fail_dead_runs(instance)
        for dead in dead_runs:
            console.note(dead.describe())
        # dbt's per-node lines (dagster-dbt writes them to stdout) go to the log file
        quiet = contextlib.redirect_stdout(log) if level != "DEBUG" else contextlib.nullcontext()
        with quiet:
            result = with_console(job).execute_in_process(
                partition_key=run_date.isoformat(), instance=instance, raise_on_error=False,
                run_config=run_config)
        with console.timed("alerts") as stage:
            with quiet:  # no daemon here: raise and deliver this run's alerts now
                try:
                    outcome = alert_after_run(instance, result.run_id, defs, config.thresholds,
                                              run_config=run_config,
                                              prepare_job=with_console,
                                              before_remediation=lambda: console.note(
                                                  "staffing was missing: re-running the "
                                                  "staffing load once (auto-remediation)"),
                                              dead_run_ids=[d.run_id for d in dead_runs])
                except Exception as error:  # noqa: BLE001 - the run is over: never a traceback
                    outcome = alerts_not_processed(error, run_date, log)
            stage.detail = outcome.headline()
    elapsed = time.monotonic() - started
    succeeded = result.success or (outcome.remediation is not None and outcome.remediation.success)
    outcome.print()
    if not succeeded:
        print_failure(result, run_date)
    else:
        print_summary(run_date, elapsed, result.run_id, land_only=args.land_only)
    if level != "DEBUG":
        print(f"\nFull log (dbt and Dagster lines): {log_path}")
    return 0 if succeeded else 1


def stage_classifier(defs):
    """step key -> stage of the console (land, build, checks, publish, report)."""
    from orchestration.defs.dbt.assets import BUILD_ASSETS, PUBLISH_ASSETS  # noqa: PLC0415
    from orchestration.defs.planning.assets import REPORT_KEY  # noqa: PLC0415
    from orchestration.defs.sources import SOURCES_GROUP  # noqa: PLC0415

    graph = defs.resolve_asset_graph()
    land = {graph.get(key).assets_def.op.name for key in graph.get_all_asset_keys()
            if graph.get(key).group_name == SOURCES_GROUP and graph.get(key).is_materializable}
    named = {BUILD_ASSETS: "build", PUBLISH_ASSETS: "publish",
             graph.get(REPORT_KEY).assets_def.op.name: "report"}

    def stage_of(step_key: str) -> str:
        return "land" if step_key in land else named.get(step_key, "checks")

    return stage_of


if __name__ == "__main__":
    sys.exit(main())
