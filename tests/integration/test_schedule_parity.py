"""The dbt schedule equals the independent reference implementation on another
run_date of the sample (2026-11-23 is covered by test_sample_run.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.conftest import run_partition
from tests.integration.parity import published_schedule, schedule_differences
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration


def test_schedule_matches_reference_on_another_date(sample_dir, dbt_manifest):
    run_date = date(2026, 10, 20)
    assert run_partition(run_date, sample_dir) == 0
    expected = compute_schedule(sample_dir, run_date).schedule
    assert len(expected) > 2_000
    assert schedule_differences(expected, published_schedule(run_date)) == []
