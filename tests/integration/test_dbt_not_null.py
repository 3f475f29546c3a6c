"""The model-level NOT NULL test (`pst_not_null`, D79): one scan for all of a model's
listed columns, failing with one row per column that holds NULLs. The macro runs in a
real dbt subprocess (`dbt show --inline`) against tables of a database of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.integration.conftest import own_database

pytestmark = pytest.mark.integration

DATABASE = "pst_not_null_test"


def _failures(warehouse, target_path: Path, table: str, columns: list[str]) -> list[dict]:
    """The rows the test returns for public.<table> (each one a failure)."""
    inline = ("{{ test_pst_not_null(model=api.Relation.create(schema='public', identifier='"
              + table + "'), columns=" + json.dumps(columns) + ") }}")
    env = {**os.environ, **warehouse.dbt_env()}
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "show", "--inline", inline, "--output", "json", "--log-format", "json",
         "--vars", '{"run_date": "2026-11-23"}', "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "local",
         "--target-path", str(target_path)],
        capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    for line in result.stdout.splitlines():
        event = json.loads(line)
        if event["info"]["name"] == "ShowNode":
            return json.loads(event["data"]["preview"])
    raise AssertionError("dbt show printed no preview")


def test_one_failure_per_column_with_nulls_and_none_without(warehouse, dbt_manifest, tmp_path):
    with own_database(warehouse, DATABASE) as own:
        conn = psycopg2.connect(**own.psycopg2_kwargs)
        with conn, conn.cursor() as cur:
            cur.execute("create table public.probe as select * from (values "
                        "(1, 'a', null::int), (2, null, null), (3, 'c', 5)) v(id, name, qty)")
            cur.execute("create table public.empty_probe (id int, name text)")
        conn.close()
        target = tmp_path / "target"

        found = _failures(own, target, "probe", ["id", "name", "qty"])
        assert sorted((f["column_name"], f["null_rows"]) for f in found) == [("name", 1),
                                                                          ("qty", 2)]
        assert _failures(own, target, "probe", ["id"]) == []
        assert _failures(own, target, "empty_probe", ["id", "name"]) == []  # no rows, no NULLs
