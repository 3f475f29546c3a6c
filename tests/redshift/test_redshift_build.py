"""The two Dagster dbt invocations (build, then publish) against the in-process
Redshift stand-in; every statement sent must pass statement_rules."""

from __future__ import annotations

import json
from datetime import date

import pytest

from orchestration.defs.dbt.args import dbt_build_args
from orchestration.settings import DBT_PROJECT_DIR
from tests.redshift.recording_connector import run_dbt, stand_in
from tests.redshift.statement_rules import findings


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("redshift_build")
    args = dbt_build_args(date(2026, 11, 23), 31, 7, 0.5)
    try:
        with stand_in(mp) as wh:
            build = run_dbt([*args, "--exclude", "fact_production_schedule"], DBT_PROJECT_DIR, tmp)
            n_build = len(wh.statements)
            publish = run_dbt([*args, "--select", "fact_production_schedule"], DBT_PROJECT_DIR, tmp)
            yield build, publish, wh, n_build
    finally:
        mp.undo()


def _errors(result):
    return [f"{r.node.name}: {r.status}: {(r.message or '')[:300]}" for r in (result.result or [])
            if str(r.status) not in ("success", "pass")]


def test_both_invocations_succeed(runs):
    build, publish, _, _ = runs
    assert build.success and not _errors(build), (build.exception, _errors(build))
    assert publish.success and not _errors(publish), (publish.exception, _errors(publish))


def test_statements_for_every_model_and_the_publish(runs):
    build, publish, wh, n_build = runs
    published = wh.statements[n_build:]
    assert any("fact_production_schedule" in s and ("create" in s.lower() or "insert" in s.lower())
               for s in published)
    for r in build.result or []:
        if r.node.resource_type == "model":
            assert any(r.node.name in s for s in wh.statements), r.node.name


def test_every_statement_is_redshift_sql(runs):
    _, _, wh, _ = runs
    found = findings(wh.statements)
    assert found == [], "\n".join(str(f) for f in found[:30])
