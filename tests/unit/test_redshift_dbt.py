"""Every node of the dbt project compiled for Redshift, without a cluster: dbt-redshift
compiles against a recording stand-in for redshift_connector (tests/fakes/
redshift_standin.py) and every compiled model, test and hook is checked by
tests/fakes/redshift_rules.py (parses as Redshift SQL, no PostgreSQL-only
construct, divisions keep 12 decimals under Redshift's rules, no COALESCE of
quantities). The statements of Dagster's two invocations themselves (build, then
publish) are checked by tests/redshift/test_redshift_build.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.defs.dbt.args import dbt_vars
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.fakes.redshift_rules import check_statements

VARS = json.dumps(dbt_vars(__import__("datetime").date(2026, 11, 23), 31, 7, 0.5))


def _dbt(out: Path, *args: str) -> tuple[dict, list[str]]:
    command = [sys.executable, "-m", "tests.fakes.redshift_standin", str(out), *args,
               "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
               "--target", "redshift", "--target-path", str(out / "target"),
               "--log-path", str(out / "logs"), "--vars", VARS, "--quiet"]
    subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    outcome = json.loads((out / "outcome.json").read_text())
    return outcome, json.loads((out / "statements.json").read_text())


@pytest.fixture(scope="module")
def redshift_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("redshift")
    return out, _dbt(out / "compile", "compile")


def test_every_node_compiles_for_redshift_as_redshift_sql(redshift_runs):
    out, (outcome, _) = redshift_runs
    assert outcome["success"], outcome
    files = sorted((out / "compile" / "target" / "compiled").rglob("*.sql"))
    assert len(files) > 150 and any(f.name == "fact_production_schedule.sql" for f in files)
    findings = check_statements(f.read_text() for f in files)
    assert findings == [], "\n".join(f"{files[f.statement].name}: {f}" for f in findings)
