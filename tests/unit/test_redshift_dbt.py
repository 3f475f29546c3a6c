"""The dbt project as Redshift would receive it, without a cluster: dbt-redshift
runs against a recording stand-in for redshift_connector (tests/fakes/
redshift_standin.py), and every statement it sends and every compiled node is
checked by tests/fakes/redshift_rules.py (parses as Redshift SQL, no
PostgreSQL-only construct, divisions keep 12 decimals under Redshift's rules)."""

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
    compiled = _dbt(out / "compile", "compile")
    # The models of the build step on a fresh Redshift warehouse. The publish model's
    # contract check asks the warehouse for its columns' types, which this stand-in
    # does not answer: its SQL is checked in the compile above.
    built = _dbt(out / "run", "run", "--exclude", "fact_production_schedule")
    return out, compiled, built


def test_every_node_compiles_for_redshift_as_redshift_sql(redshift_runs):
    out, (outcome, _), _ = redshift_runs
    assert outcome["success"], outcome
    files = sorted((out / "compile" / "target" / "compiled").rglob("*.sql"))
    assert len(files) > 150 and any(f.name == "fact_production_schedule.sql" for f in files)
    findings = check_statements(f.read_text() for f in files)
    assert findings == [], "\n".join(f"{files[f.statement].name}: {f}" for f in findings)


def test_the_build_runs_on_redshift_and_sends_only_redshift_sql(redshift_runs):
    _, _, (outcome, statements) = redshift_runs
    assert outcome["success"] and outcome["failed"] == [], outcome
    assert any('create  table\n    "analytics"."stg2"."ps_staffing_by_dt' in s
               or '"stg2"."ps_staffing_by_dt' in s for s in statements)
    findings = check_statements(statements)
    assert findings == [], "\n".join(str(f) for f in findings[:20])
