"""The production dbt build on Redshift, without a cluster (issue 10): Dagster's two
invocations (build, then publish) run in process against the recording stand-in
for redshift_connector (recording_connector.py). Every statement sent, and every
node compiled on the way, must pass tests/fakes/redshift_rules.py (parses as
Redshift SQL, no PostgreSQL-only construct, divisions keep 12 decimals, no
COALESCE or UNION of decimals wider than Redshift keeps). The rules' own cases
are tests/unit/test_redshift_rules.py."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from orchestration.defs.dbt.args import dbt_build_args, dbt_run_env
from orchestration.defs.dbt.assets import PUBLISH_SELECTION
from orchestration.settings import DBT_PROJECT_DIR
from tests.fakes.redshift_rules import check_statements
from tests.redshift.recording_connector import run_dbt, stand_in

PRODUCTION_SCHEMAS = {"stg", "stg2", "dwh"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("redshift_build")
    args = dbt_build_args(31, 7, 0.5)
    try:
        for key, value in dbt_run_env(date(2026, 11, 23)).items():  # as Dagster passes it
            mp.setenv(key, value)
        with stand_in(mp) as wh:
            build = run_dbt([*args, "--exclude", PUBLISH_SELECTION], DBT_PROJECT_DIR, tmp)
            n_build = len(wh.statements)
            publish = run_dbt([*args, "--select", PUBLISH_SELECTION], DBT_PROJECT_DIR, tmp)
            yield build, publish, wh, n_build, tmp
    finally:
        mp.undo()


def _errors(result):
    return [f"{r.node.name}: {r.status}: {(r.message or '')[:300]}" for r in (result.result or [])
            if str(r.status) not in ("success", "pass")]


def test_both_invocations_succeed(runs):
    build, publish, *_ = runs
    assert build.success and not _errors(build), (build.exception, _errors(build))
    assert publish.success and not _errors(publish), (publish.exception, _errors(publish))


def test_statements_for_every_model_and_the_publish(runs):
    build, publish, wh, n_build, _ = runs
    published = wh.statements[n_build:]
    assert any("fact_production_schedule" in s and ("create" in s.lower() or "insert" in s.lower())
               for s in published)
    for r in build.result or []:
        if r.node.resource_type == "model":
            assert any(r.node.name in s for s in wh.statements), r.node.name


def test_every_statement_is_redshift_sql(runs):
    _, _, wh, _, _ = runs
    found = check_statements(wh.statements)
    assert found == [], "\n".join(str(f) for f in found[:30])


def test_every_compiled_node_is_redshift_sql(runs):
    """The compiled models and tests as dbt wrote them (what `dbt compile` shows)."""
    *_, tmp = runs
    files = sorted((tmp / "target" / "compiled").rglob("*.sql"))
    assert len(files) > 150 and any(f.name == "fact_production_schedule.sql" for f in files)
    # the planners' text on Redshift: listagg, not PostgreSQL's string_agg
    [explain] = [f for f in files if f.name == "ps_schedule_explain.sql"]
    assert "listagg(" in explain.read_text() and "string_agg" not in explain.read_text()
    assert {"schedule_changes.sql", "schedule_changes_by_location.sql"} <= {f.name for f in files}
    found = check_statements(f.read_text() for f in files)
    assert found == [], "\n".join(f"{files[f.statement].name}: {f}" for f in found[:30])


def test_the_iteration_appends_its_days_instead_of_a_union(runs):
    """A UNION of the 31 day tables would cap every quantity at precision 19 on
    Redshift (7 integer digits): the materialization creates the table from day 1
    and inserts the other days."""
    _, _, wh, _, _ = runs
    iteration = [s for s in wh.statements if re.search(r"ps_fps_dt_iteration__dbt_tmp|pst_fps_day_", s)]
    assert len(iteration) >= 31 * 2
    code = [re.sub(r"--[^\n]*", " ", s) for s in iteration]  # SQL, not its comments
    assert not [s for s in code if re.search(r"\bunion\b", s, flags=re.I)]
    appends = [s for s in iteration if re.search(r"\binsert into\s+\S*ps_fps_dt_iteration__dbt_tmp", s, re.I)]
    assert len(appends) == 30


def test_a_developers_redshift_target_writes_only_its_own_schemas(tmp_path, monkeypatch):
    """`--target redshift_dev` (an analyst's or CI's build on the production
    cluster) resolves every model to dev_<user>_* schemas, never stg/stg2/dwh."""
    monkeypatch.setenv("PST_DEV_USER", "ci.runner")
    with stand_in(monkeypatch):
        schemas = {}
        for target in ("redshift_dev", "redshift"):
            out = tmp_path / target
            assert run_dbt(["parse"], DBT_PROJECT_DIR, out, target=target).success
            manifest = json.loads((out / "target" / "manifest.json").read_text())
            schemas[target] = {n["schema"] for n in manifest["nodes"].values()
                               if n["resource_type"] == "model"}
    assert schemas["redshift"] >= PRODUCTION_SCHEMAS
    assert schemas["redshift_dev"] and not schemas["redshift_dev"] & PRODUCTION_SCHEMAS
    assert all(s.startswith("dev_ci_runner") for s in schemas["redshift_dev"]), schemas
