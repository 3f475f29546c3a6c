"""The sample's run_date built twice end to end (Dagster → dbt on the embedded
warehouse); the tests below read that one build.

Covers: idempotent re-runs, typed staging equal to the CSVs, the schedule and
the QA findings equal to the reference implementation, the README's analyst flow
beside the build (`eval "$(make -s warehouse-env)"`, `cd dbt_project`, `dbt build
--vars ...`, run literally: it builds the analyst's own `dev_<user>_*` schemas and
leaves every published relation and the code location's manifest byte for byte as
they were), and dbt's unit tests.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from psycopg2 import sql

from orchestration.defs.dbt.project import dbt_project
from orchestration.settings import DBT_PROJECT_DIR
from tests.reference import text_rules
from orchestration.summary import table_counts
from tests.integration.analyst import ROOT, published_checksums, readme_analyst_commands
from tests.integration.conftest import RUN_DATE, run_partition
from tests.integration.parity import (
    fetch_dicts,
    finding_keys,
    published_schedule,
    schedule_differences,
)
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

ANALYST = "analyst_test"  # PST_DEV_USER: the schemas dev_analyst_test_*
QA_INPUT_KEYS = ("code", "source", "row_number", "item_id", "manufacturing_location",
                 "line_type", "distribution_center", "dt", "row_count")


@pytest.fixture(scope="module")
def two_runs(sample_dir, dbt_manifest):
    assert run_partition(RUN_DATE, sample_dir) == 0
    first = table_counts(RUN_DATE)
    console = io.StringIO()
    with contextlib.redirect_stdout(console):  # what `make run` prints, as a person sees it
        assert run_partition(RUN_DATE, sample_dir) == 0
    return first, table_counts(RUN_DATE), console.getvalue()


def test_the_console_has_one_line_per_stage_and_no_dbt_noise(two_runs):
    *_, output = two_runs
    stages = [line.split()[0] for line in output.splitlines() if line[:1].isalpha()
              and line.rstrip().endswith(" s")]
    assert stages == ["sample", "warehouse", "definitions", "land", "checks", "build", "checks",
                      "publish", "checks", "report", "checks", "alerts"], output
    assert "\x1b[" not in output  # no colour codes when not a terminal
    assert " START " not in output and "OK created" not in output  # dbt's lines: the log file
    [alerts] = [line for line in output.splitlines() if line.startswith("alerts")]
    assert re.search(r"(no alerts|\d+ alert\(s\): )", alerts), alerts
    assert "job-completed-successfully queued for the digest" in alerts
    [publish] = [line for line in output.splitlines() if line.startswith("publish")]
    published = len(published_schedule(RUN_DATE))  # dagster/row_count of the publish
    assert f"dwh.fact_production_schedule: {published:,} rows" in publish
    [log_line] = [line for line in output.splitlines() if line.startswith("Full log")]
    log = Path(log_line.split(": ", 1)[1]).read_text()
    assert "OK created" in log  # dbt's per-node lines are kept there


@pytest.fixture(scope="module")
def reference(sample_dir):
    return compute_schedule(sample_dir, RUN_DATE)


def read_csv(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def blank(row: dict) -> bool:
    return not any((value or "").strip() for value in row.values())


def test_rerunning_a_partition_is_idempotent(two_runs, sample_dir):
    first, second, _ = two_runs
    assert first == second
    counts = dict(first)
    assert counts["raw.sheets_items"] == len([r for r in read_csv(sample_dir / "items.csv")
                                              if not blank(r)])
    assert counts["dwh.fact_production_schedule"] > 0


def test_typed_staging_matches_the_csv(two_runs, sample_dir):
    expected = {}
    for row_number, row in enumerate(read_csv(sample_dir / "items.csv"), start=2):
        if blank(row):
            continue  # fully blank rows are skipped (D4)
        expected[row_number] = (
            row["item_id"].strip(),
            text_rules.parse_bool(row["is_automated"]),
            text_rules.parse_number(row["units_per_line_day"]),
            text_rules.parse_number(row["changeover_lines"]),
            text_rules.parse_bool(row["is_active"]),
        )
    actual = {
        r["_row_number"]: (r["item_id"], r["is_automated"], Decimal(r["units_per_line_day"]),
                           Decimal(r["changeover_lines"]), r["is_active"])
        for r in fetch_dicts("select * from stg.stg_sheets__items")
    }
    assert actual == expected

    staffing = {r["_row_number"]: (r["dt"], r["lines_staffed"])
                for r in fetch_dicts("select * from stg.stg_sheets__staffing")}
    expected_staffing = {
        row_number: (text_rules.parse_date(row["dt"]), text_rules.parse_number(row["lines_staffed"]))
        for row_number, row in enumerate(read_csv(sample_dir / "staffing.csv"), start=2)
        if not blank(row)
    }
    assert staffing == expected_staffing


def test_schedule_matches_reference(two_runs, reference):
    actual = published_schedule(RUN_DATE)
    assert 2_000 < len(reference.schedule) < 4_000  # the sample's production-like size
    assert schedule_differences(reference.schedule, actual) == []


def test_findings_match_reference(two_runs, reference):
    qa = fetch_dicts("select * from stg2.ps_qa_inputs where run_date = %s", (RUN_DATE,))
    assert finding_keys(qa, QA_INPUT_KEYS) == finding_keys(reference.qa_inputs, QA_INPUT_KEYS)
    missing = fetch_dicts("select * from stg2.ps_qa_missing_inputs where run_date = %s",
                          (RUN_DATE,))
    keys = ("code", "manufacturing_location", "line_type", "dt")
    assert finding_keys(missing, keys) == finding_keys(reference.qa_missing_inputs, keys)


def test_the_readme_analyst_flow_leaves_the_published_relations_untouched(two_runs):
    commands = readme_analyst_commands()
    assert commands[0].startswith('eval "$(make -s warehouse-env)"')
    assert any(f'run_date: "{RUN_DATE}"' in c for c in commands)  # the date built above
    before = published_checksums()
    manifest_before = dbt_project.manifest_path.read_bytes()
    assert "dwh.fact_production_schedule" in before

    env = {**os.environ, "PST_DEV_USER": ANALYST}
    result = subprocess.run(["bash", "-c", "set -euo pipefail\n" + "\n".join(commands)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-2000:])

    assert published_checksums() == before
    assert dbt_project.manifest_path.read_bytes() == manifest_before
    [[analysts_rows]] = [[r["n"] for r in fetch_dicts(
        sql.SQL("select count(*) as n from {} where run_date = %s").format(
            sql.Identifier(f"dev_{ANALYST}_dwh", "fact_production_schedule")), (RUN_DATE,))]]
    assert analysts_rows == len(published_schedule(RUN_DATE)) > 2000


def test_dbt_unit_tests_pass(two_runs, tmp_path):
    """dbt's `unit_tests:` (skipped by the daily build) against the built relations."""
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "local",
         "--target-path", str(tmp_path / "target"),
         "--vars", json.dumps({"run_date": RUN_DATE.isoformat()})],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    assert len(results) >= 25  # every stage has its hand-computed cases
    assert {r["status"] for r in results} == {"pass"}


def _dbt(args: list[str], target_path: Path, **variables) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
         str(DBT_PROJECT_DIR), "--target", "local", "--target-path", str(target_path),
         "--vars", json.dumps({"run_date": RUN_DATE.isoformat(), **variables})],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:]
    return result


def test_the_iteration_materialization_equals_the_unrolled_sql_of_the_unit_tests(two_runs,
                                                                                 tmp_path):
    """The materialization runs the per-date steps one statement at a time; the model's
    SQL (what dbt compile shows and the dbt unit tests execute) chains the same steps as
    CTEs. Built at a small H both must give the same rows, the carried state included."""

    from orchestration.warehouse import connect, ensure_warehouse

    horizon = 4
    target = tmp_path / "target"
    try:
        _dbt(["run", "--select", "ps_fps_dt_iteration"], target, horizon_days=horizon)
        _dbt(["compile", "--select", "ps_fps_dt_iteration"], target, horizon_days=horizon)
        [unrolled] = target.glob("compiled/**/ps_fps_dt_iteration.sql")
        with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
            cur.execute(unrolled.read_text())
            columns = [c.name for c in cur.description]
            from_sql = sorted(tuple(str(v) for v in row) for row in cur.fetchall())
            cur.execute(sql.SQL("select {} from stg2.ps_fps_dt_iteration").format(
                sql.SQL(", ").join(map(sql.Identifier, columns))))
            materialized = sorted(tuple(str(v) for v in row) for row in cur.fetchall())
            cur.execute("select count(distinct plan_day), count(*) filter (where is_candidate) "
                        "from stg2.ps_fps_dt_iteration")
            plan_days, candidates = cur.fetchone()
        assert (plan_days, len(materialized) > 0, candidates > 0) == (horizon, True, True)
        assert materialized == from_sql
    finally:  # leave the module's build as it was (H = 31)
        _dbt(["run", "--select", "ps_fps_dt_iteration"], target)
