"""fact_production_schedule keeps every run_date; a re-run replaces only its own rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from orchestration.warehouse import connect, ensure_warehouse
from tests.integration.conftest import run_partition
from tests.integration.parity import fetch_dicts

pytestmark = pytest.mark.integration

FIRST = date(2026, 11, 1)
RUN_DATES = [FIRST + timedelta(days=i) for i in range(7)]


def snapshot() -> dict[date, list[tuple]]:
    rows = fetch_dicts("select * from dwh.fact_production_schedule where run_date = any(%s) "
                       "order by run_date, fps_dt, manufacturing_location, line_type, item_id",
                       (RUN_DATES,))
    by_date: dict[date, list[tuple]] = {d: [] for d in RUN_DATES}
    for row in rows:
        # Everything but the build timestamp, which is allowed to change on a re-run.
        by_date[row["run_date"]].append(
            tuple(v for k, v in sorted(row.items()) if k != "runtime_dt_utc"))
    return by_date


def test_seven_partitions_then_rerun_the_third(sample_dir, dbt_manifest):
    for run_date in RUN_DATES:
        assert run_partition(run_date, sample_dir) == 0
    before = snapshot()
    assert all(len(rows) > 1_000 for rows in before.values())
    # Damage the third partition so that only a real rebuild can restore it.
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("delete from dwh.fact_production_schedule where run_date = %s "
                    "and rank_over_manufacturing_location_line_type > 3", (RUN_DATES[2],))
        assert cur.rowcount > 0
    assert run_partition(RUN_DATES[2], sample_dir) == 0
    after = snapshot()
    assert after == before
    # each run_date's plan dates are its own: run_date+1 .. run_date+31
    for run_date, rows in after.items():
        plan_dates = {r["fps_dt"] for r in fetch_dicts(
            "select distinct fps_dt from dwh.fact_production_schedule where run_date = %s",
            (run_date,))}
        assert min(plan_dates) == run_date + timedelta(days=1)
        assert max(plan_dates) <= run_date + timedelta(days=31)
