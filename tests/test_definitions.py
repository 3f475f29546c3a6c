"""The code location loads and has the shape the UI and the schedule rely on."""

from datetime import date, timedelta

import pytest
from dagster import AssetKey


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs

    return defs


def test_job_schedule_and_partitions(defs):
    from orchestration.settings import plant_today

    job = defs.resolve_job_def("production_schedule_job")
    partitions = job.partitions_def
    keys = partitions.get_partition_keys()
    assert keys[0] == "2026-01-01"
    # end_offset=1: today's run_date exists, tomorrow's does not yet.
    assert plant_today().isoformat() in keys
    assert (plant_today() + timedelta(days=1)).isoformat() not in keys
    schedule = defs.resolve_schedule_def("production_schedule_daily")
    assert schedule.job_name == "production_schedule_job"
    assert schedule.execution_timezone == partitions.timezone


def test_sources_and_dbt_models_are_linked(defs):
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for source in ["raw/sheets_staffing", "raw/sheets_staffing_defaults", "raw/sheets_items",
                   "raw/sheets_dc_mapping", "raw/supplybuy_forecasts", "erp/inventory_snapshot"]:
        assert source in keys
    staging = graph.get(AssetKey(["stg", "stg_sheets__staffing"]))
    assert AssetKey(["raw", "sheets_staffing"]) in staging.parent_keys
    assert staging.group_name == "staging"
    assert "dwh/fact_production_schedule" in keys
    assert graph.get(AssetKey(["dwh", "fact_production_schedule"])).group_name == "marts"


def test_dbt_tests_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    assert any(key.asset_key == AssetKey(["dwh", "fact_production_schedule"]) for key in check_keys)


def test_every_partition_is_a_date(defs):
    job = defs.resolve_job_def("production_schedule_job")
    for key in job.partitions_def.get_partition_keys()[:3]:
        date.fromisoformat(key)
