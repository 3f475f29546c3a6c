"""Two partitions built one after the other before either publishes (a backfill, or the
daily run during one: the dbt steps queue in one pool, the publish of the first comes
after the build of the second). Each publish must give exactly what the rules give for
its run_date (the independent reference: what a one-at-a-time `make run` publishes,
test_sample_run.py), and a publish whose stage holds nothing for its run_date must
change nothing.

The sources are landed by `make land`; the steps are the dbt invocations Dagster's two
dbt steps run (same arguments), in the interleaved order, on the session's warehouse;
the daemon path with two runs at once is tests/integration/test_dagster_dev.py.
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
from tests.reference.scheduler import compute_schedule

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


@pytest.fixture(scope="module")
def interleaved(sample_dir, dbt_manifest, tmp_path_factory):
    """Both partitions landed, built one after the other, the first's blocking row-count
    check after the second's build, then both published: a backfill's order in the pool."""
    target = tmp_path_factory.mktemp("isolation-target")
    for run_date in (FIRST, SECOND):
        assert run_partition(run_date, sample_dir, land_only=True) == 0
    steps = {("build", d): _dbt_step(d, "build", target) for d in (FIRST, SECOND)}
    with connect(ensure_warehouse()) as conn:
        first_row_count = evaluate_row_count(conn, FIRST, Thresholds())
    steps.update({("publish", d): _dbt_step(d, "publish", target) for d in (FIRST, SECOND)})
    expected = {d: compute_schedule(sample_dir, d).schedule for d in (FIRST, SECOND)}
    assert all(len(rows) > 2000 for rows in expected.values())
    return steps, first_row_count, expected, target  # the target keeps dbt's saved parse


def test_a_build_of_another_partition_between_audit_and_publish_changes_nothing(interleaved):
    steps, first_row_count, expected, _ = interleaved
    for (step, run_date), result in steps.items():
        assert result.returncode == 0, (step, run_date, result.stdout[-3000:])
    # the first partition's blocking check, run after the second partition's build
    assert first_row_count.numbers.get("total_rows") == len(expected[FIRST]), \
        first_row_count.summary
    for run_date in (FIRST, SECOND):
        assert schedule_differences(expected[run_date], published_schedule(run_date)) == []


def test_a_publish_with_nothing_staged_for_its_run_date_is_refused_and_rolled_back(
        interleaved):
    *_, expected, target = interleaved
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        # the stage's rows of FIRST are put back afterwards, as a build would leave them
        cur.execute("create temporary table saved as select * from "
                    "stg2.fact_production_schedule_staged where run_date = %s", (FIRST,))
        cur.execute("delete from stg2.fact_production_schedule_staged where run_date = %s",
                    (FIRST,))
        assert cur.rowcount > 0
        conn.commit()
        try:
            result = _dbt_step(FIRST, "publish", target)
            assert result.returncode != 0
            assert ("publish refused: the stage stg2.fact_production_schedule_staged holds "
                    f"no row for run_date {FIRST}") in result.stdout
            # the refusal is inside the publish's transaction: the pre-hook's delete never
            # committed
            assert schedule_differences(expected[FIRST], published_schedule(FIRST)) == []
            assert schedule_differences(expected[SECOND], published_schedule(SECOND)) == []
        finally:
            cur.execute("insert into stg2.fact_production_schedule_staged select * from saved")
            conn.commit()
