"""Two partitions built one after the other before either publishes (a backfill, or the
daily run during one: the dbt steps queue in one pool, the publish of the first comes
after the build of the second). Each publish must give exactly what a one-at-a-time run
published, and a publish whose stage holds nothing for its run_date must change nothing.

The steps are the dbt invocations Dagster's two dbt steps run (same arguments), in the
interleaved order, on the session's warehouse; the daemon path with two runs at once is
tests/integration/test_dagster_dev.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.defs.dbt.args import dbt_build_args, dbt_run_env
from orchestration.defs.dbt.assets import PUBLISH_SELECTION
from orchestration.defs.schedule.checks import evaluate_row_count
from orchestration.settings import DBT_PROJECT_DIR, Scheduling, Thresholds
from orchestration.warehouse import connect, ensure_warehouse
from tests.integration.conftest import run_partition
from tests.integration.parity import published_schedule, schedule_differences

pytestmark = pytest.mark.integration

FIRST, SECOND = date(2026, 11, 16), date(2026, 11, 17)


def _dbt_step(run_date: date, step: str, target_path: Path) -> subprocess.CompletedProcess:
    """One of the daily job's dbt steps for run_date: "build" (write + audit) or "publish"."""
    s = Scheduling()
    args = dbt_build_args(s.horizon_days, s.demand_window_days, s.line_rounding_increment)
    args += ["--exclude" if step == "build" else "--select", PUBLISH_SELECTION]
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
         str(DBT_PROJECT_DIR), "--target", "local", "--target-path", str(target_path)],
        capture_output=True, text=True, env={**os.environ, **dbt_run_env(run_date)})


def _execute(sql_text: str, params=()) -> None:
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql_text, params)


@pytest.fixture(scope="module")
def one_at_a_time(sample_dir, dbt_manifest) -> dict[date, list[dict]]:
    """What each partition publishes when it runs alone (`make run`)."""
    published = {}
    for run_date in (FIRST, SECOND):
        assert run_partition(run_date, sample_dir) == 0
        published[run_date] = published_schedule(run_date)
        assert len(published[run_date]) > 2000
    return published


def test_a_build_of_another_partition_between_audit_and_publish_changes_nothing(
        one_at_a_time, tmp_path):
    for run_date in (FIRST, SECOND):  # both staged, neither published since
        result = _dbt_step(run_date, "build", tmp_path / "target")
        assert result.returncode == 0, result.stdout[-3000:]

    # the first partition's blocking check, run after the second partition's build
    with connect(ensure_warehouse()) as conn:
        outcome = evaluate_row_count(conn, FIRST, Thresholds())
    assert outcome.numbers.get("total_rows") == len(one_at_a_time[FIRST]), outcome.summary

    for run_date in (FIRST, SECOND):
        result = _dbt_step(run_date, "publish", tmp_path / "target")
        assert result.returncode == 0, result.stdout[-3000:]
        assert schedule_differences(one_at_a_time[run_date], published_schedule(run_date)) == []


def test_a_publish_with_nothing_staged_for_its_run_date_is_refused_and_rolled_back(
        one_at_a_time, tmp_path):
    _execute("delete from stg2.fact_production_schedule_staged where run_date = %s", (FIRST,))
    try:
        result = _dbt_step(FIRST, "publish", tmp_path / "target")
        assert result.returncode != 0
        assert (f"publish refused: the stage stg2.fact_production_schedule_staged holds no row "
                f"for run_date {FIRST}") in result.stdout
        # the refusal is inside the publish's transaction: the pre-hook's delete never committed
        assert schedule_differences(one_at_a_time[FIRST], published_schedule(FIRST)) == []
        assert schedule_differences(one_at_a_time[SECOND], published_schedule(SECOND)) == []
    finally:  # leave the stage as a build leaves it
        rebuilt = _dbt_step(FIRST, "build", tmp_path / "target")
        assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
