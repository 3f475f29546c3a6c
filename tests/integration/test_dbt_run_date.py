"""How the run_date reaches dbt under Dagster (D78): in the invocation's own
environment, read at execution only. Real dbt subprocesses on the session's
warehouse, run the way dagster-dbt runs them (DAGSTER_DBT_CLI=true)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.defs.dbt.args import RUN_DATE_ENV, dbt_run_env
from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

INLINE = "select {{ pst_run_date() }} as run_date"


@pytest.fixture(scope="module")
def target_path(tmp_path_factory) -> Path:
    """One target folder for the module: its saved parse is what partial parsing reuses."""
    return tmp_path_factory.mktemp("dbt-run-date-target")


def _compile(target_path: Path, warehouse, extra_env: dict[str, str], *args: str):
    env = {key: value for key, value in os.environ.items() if key != RUN_DATE_ENV}
    env.update(warehouse.dbt_env(), DAGSTER_DBT_CLI="true", **extra_env)
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), "compile", "--inline", INLINE, *args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "local",
         "--target-path", str(target_path)],
        capture_output=True, text=True, env=env)


def test_under_dagster_the_environment_gives_the_run_date_and_its_absence_fails(
        warehouse, dbt_manifest, target_path):
    given = _compile(target_path, warehouse, dbt_run_env(date(2026, 11, 24)))
    assert given.returncode == 0, given.stdout[-2000:]
    assert "cast('2026-11-24' as date)" in given.stdout

    lost = _compile(target_path, warehouse, {})
    assert lost.returncode != 0
    assert "run_date is missing" in lost.stdout  # never today's schedule instead


def test_another_run_date_keeps_the_partial_parse_and_an_analysts_vars_win(
        warehouse, dbt_manifest, target_path):
    _compile(target_path, warehouse, dbt_run_env(date(2026, 11, 24)))  # the saved parse
    next_day = _compile(target_path, warehouse, dbt_run_env(date(2026, 11, 25)), "--debug")
    assert next_day.returncode == 0, next_day.stdout[-2000:]
    assert "cast('2026-11-25' as date)" in next_day.stdout
    assert "no changes found, skipping parsing" in next_day.stdout  # no re-parse for a new day

    analyst = _compile(target_path, warehouse, dbt_run_env(date(2026, 11, 25)),
                       "--vars", '{run_date: "2026-11-20"}')
    assert analyst.returncode == 0, analyst.stdout[-2000:]
    assert "cast('2026-11-20' as date)" in analyst.stdout
