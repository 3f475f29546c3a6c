"""Test isolation: every session gets its own PST_HOME (embedded warehouse,
Dagster home, sample), so tests never touch a developer's .pst/ data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_SESSION_HOME = None

# The slowest modules first (seconds per module in `make test` on this 2-core machine
# with three workers, 2026-12-04: alerting ~640, alerting_faults ~330, partition_run ~300,
# partition_isolation ~250, production_sources ~250, dagster_dev ~220, qa_findings ~200,
# sample_run ~190, parallel_run ~150, planners_views ~150, dead_runs ~145, analyst_dbt
# ~130, the next two ~85). The Makefile's --no-loadscope-reorder keeps this order: the
# workers take whole files from the front, so the long ones start at once and the short
# ones fill the end (xdist's default orders files by their number of tests, which left
# the alerting module running alone for its last 10 minutes). A stale list changes the
# order only, never a result.
SLOWEST_FIRST = tuple(f"tests/integration/{name}.py" for name in (
    "test_alerting", "test_alerting_faults", "test_partition_run", "test_partition_isolation",
    "test_production_sources", "test_dagster_dev", "test_qa_findings", "test_sample_run",
    "test_parallel_run", "test_planners_views", "test_dead_runs",
    "test_staffing_remediation",
))


def pytest_configure(config):
    global _SESSION_HOME
    import tempfile

    _SESSION_HOME = Path(tempfile.mkdtemp(prefix="pst-test-"))
    os.environ["PST_HOME"] = str(_SESSION_HOME)
    # the tests run partitions all over the sample's year (the default starts 2026-11-01)
    os.environ["PST_PARTITIONS_START"] = "2026-01-01"
    os.environ["DAGSTER_HOME"] = str(_SESSION_HOME / "dagster_home")
    from orchestration.local_instance import prepare_dagster_home

    prepare_dagster_home()
    os.environ.pop("PST_DATABASE_URL", None)
    os.environ.pop("PST_LOCAL_DATA_DIR", None)
    os.environ.setdefault("SODA_CORE_TELEMETRY_ENABLED", "false")
    # step retries keep their number (3) but not production's 30 s first delay
    os.environ["PST_RETRY_DELAY_SECONDS"] = "0.2"
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "PST_SMTP_HOST", "GOOGLE_SHEETS_SPREADSHEET_ID",
                 "SUPPLYBUY_BASE_URL", "PST_RAW_BUCKET", "PST_SECRETS_ARN",
                 "PAGERDUTY_ROUTING_KEY", "PAGERDUTY_EVENTS_URL"):  # never page from a test
        os.environ.pop(name, None)


def pytest_collection_modifyitems(config, items):
    rank = {module: i for i, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable


@pytest.fixture(scope="session")
def pst_home() -> Path:
    return _SESSION_HOME


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """A manifest for the current dbt files (what `make run` / prepare-and-package build)."""
    from orchestration.defs.dbt.manifest import ensure_manifest, manifest_path

    ensure_manifest()
    return manifest_path()


@pytest.fixture(scope="session")
def warehouse(pst_home):
    """The session's embedded warehouse (stopped when the session ends)."""
    from orchestration.warehouse import ensure_warehouse

    return ensure_warehouse()
