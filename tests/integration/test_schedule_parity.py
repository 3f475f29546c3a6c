"""The dbt schedule equals the independent reference implementation, row for row."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.conftest import RUN_DATE, run_partition
from tests.integration.parity import (
    fetch_dicts,
    finding_keys,
    published_schedule,
    schedule_differences,
)
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

QA_INPUT_KEYS = ("code", "source", "row_number", "item_id", "manufacturing_location",
                 "line_type", "distribution_center", "dt", "row_count")


@pytest.mark.parametrize("run_date", [RUN_DATE, date(2026, 10, 20)])
def test_schedule_matches_reference(sample_dir, dbt_manifest, run_date):
    assert run_partition(run_date, sample_dir) == 0
    expected = compute_schedule(sample_dir, run_date).schedule
    actual = published_schedule(run_date)
    assert 2_000 < len(expected) < 4_000  # the sample's production-like size
    assert schedule_differences(expected, actual) == []


def test_sample_findings_match_reference(sample_dir, dbt_manifest):
    assert run_partition(RUN_DATE, sample_dir) == 0
    reference = compute_schedule(sample_dir, RUN_DATE)
    qa = fetch_dicts("select * from stg2.ps_qa_inputs where run_date = %s", (RUN_DATE,))
    assert finding_keys(qa, QA_INPUT_KEYS) == finding_keys(reference.qa_inputs, QA_INPUT_KEYS)
    missing = fetch_dicts("select * from stg2.ps_qa_missing_inputs where run_date = %s",
                          (RUN_DATE,))
    keys = ("code", "manufacturing_location", "line_type", "dt")
    assert finding_keys(missing, keys) == finding_keys(reference.qa_missing_inputs, keys)
