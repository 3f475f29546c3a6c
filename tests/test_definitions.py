"""The code location loads and has the shape the UI and the schedule rely on."""

from datetime import date, timedelta

import pytest
from dagster import AssetKey


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs

    return defs()  # the code location's own entry point (lazy: Dagster calls it on load)


def test_job_schedule_and_partitions(defs):
    from orchestration.settings import plant_today

    job = defs.resolve_job_def("production_schedule_job")
    partitions = job.partitions_def
    keys = partitions.get_partition_keys()
    assert keys[0] == "2026-01-01"  # PST_PARTITIONS_START of the test session (conftest)
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


def test_loading_the_definitions_never_runs_dbt(dbt_manifest):
    """Under `dagster dev` every process imports the definitions (code server, run
    worker): none of them may parse dbt (a lock and a minute each on 2 cores)."""
    import subprocess
    import sys

    guard = ("import subprocess, sys\n"
             "real = subprocess.Popen\n"
             "class Guard(real):\n"
             "    def __init__(self, args, *a, **k):\n"
             "        if 'dbt' in str(args):\n"
             "            sys.exit('dbt started while loading the definitions: %s' % (args,))\n"
             "        super().__init__(args, *a, **k)\n"
             "subprocess.Popen = Guard\n"
             "import orchestration.definitions\n")
    import os

    result = subprocess.run([sys.executable, "-c", guard], capture_output=True, text=True,
                            env={**os.environ, "DAGSTER_IS_DEV_CLI": "1"})
    assert result.returncode == 0, result.stderr[-3000:]


def test_runs_execute_in_one_process_and_checks_are_partitioned(defs):
    from dagster import in_process_executor

    job = defs.resolve_job_def("production_schedule_job")
    assert job.executor_def is in_process_executor
    graph = defs.resolve_asset_graph()
    staged = AssetKey(["stg2", "fact_production_schedule_staged"])
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys
              if key.asset_key == staged}
    rule1 = checks["assert_fps_rule1_pool_lines_within_lines_available"]  # a dbt test
    assert rule1.partitions_def == job.partitions_def
    assert rule1.metadata["runbook"].url.endswith("docs/runbooks/business-rule-violation.md")
    row_count = checks["prod_schedule_row_count"]  # a platform check
    assert row_count.partitions_def == job.partitions_def
    assert row_count.metadata["runbook"].url.endswith(
        "docs/runbooks/prod-schedule-row-count-critical.md")


def test_every_asset_has_an_owner_and_the_load_log_is_declared(defs):
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).owners == ["team:data-engineering"], key
    loads = graph.get(AssetKey(["raw", "source_loads"]))
    assert loads.group_name == "sources" and not loads.is_materializable


def test_partitions_start_where_the_deployment_says():
    from orchestration.settings import Settings

    assert Settings.from_env({}).partitions_start == date(2026, 11, 1)
    assert Settings.from_env({"PST_PARTITIONS_START": "2027-03-15"}).partitions_start == date(
        2027, 3, 15)
    with pytest.raises(ValueError, match="PST_PARTITIONS_START must be a date YYYY-MM-DD"):
        Settings.from_env({"PST_PARTITIONS_START": "15/03/2027"})


def test_importing_the_code_location_reads_no_environment(monkeypatch):
    """The definitions are built when Dagster loads them, from the settings then."""
    import importlib

    import orchestration.definitions as module
    from orchestration.settings import Settings

    monkeypatch.setenv("PST_PARTITIONS_START", "not a date")
    importlib.reload(module)  # importing alone reads nothing
    with pytest.raises(ValueError, match="PST_PARTITIONS_START"):
        module.defs()
    monkeypatch.setenv("PST_PARTITIONS_START", "2026-06-01")
    built = module.defs()
    assert built.resolve_job_def("production_schedule_job").partitions_def.get_first_partition_key(
    ) == "2026-06-01"
    assert Settings.from_env().partitions_start == date(2026, 6, 1)


def test_production_refuses_to_start_naming_every_missing_setting():
    from orchestration.defs.build import build_definitions
    from orchestration.defs.resources import DeploymentNotConfigured
    from orchestration.settings import Settings

    with pytest.raises(DeploymentNotConfigured) as refused:
        build_definitions(Settings(deployment="production"))
    for name in ("PST_DATABASE_URL", "PST_REDSHIFT_COPY_ROLE_ARN", "PST_RAW_BUCKET",
                 "GOOGLE_SHEETS_SPREADSHEET_ID", "SUPPLYBUY_BASE_URL", "SLACK_BOT_TOKEN"):
        assert name in str(refused.value)


def test_model_row_counts_are_per_partition():
    from orchestration.defs.dbt.assets import row_count_query

    def node(materialized, unique_key=None):
        return {"schema": "stg2", "name": "m", "alias": "m",
                "config": {"materialized": materialized, "unique_key": unique_key}}

    assert "where run_date" in repr(row_count_query(node("incremental", "run_date")))
    assert "where" not in repr(row_count_query(node("table")))
    assert row_count_query(node("view")) is None


def test_the_definitions_serialize_as_the_webserver_receives_them(defs):
    """`dagster dev` ships the code location to the webserver as a serialized snapshot:
    anything Dagster cannot serialize (an enum in metadata, ...) fails the load there only."""
    from dagster._core.remote_representation.external_data import RepositorySnap
    from dagster_shared.serdes import deserialize_value, serialize_value

    snap = RepositorySnap.from_def(defs.get_repository_def())
    restored = deserialize_value(serialize_value(snap), RepositorySnap)
    assert {a.asset_key for a in restored.asset_nodes} == set(
        defs.resolve_asset_graph().get_all_asset_keys())
