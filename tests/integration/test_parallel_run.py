"""The parallel run with the legacy schedule (issue 11), on the embedded warehouse:
the sample's run against a legacy CSV equal to the platform's own output, then with
rows removed, added and changed, the tolerance's edges, and parallel-run mode
(PST_PUBLISH_SCHEMA) through Dagster, which never writes the legacy relation."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from decimal import Decimal

import pytest
from psycopg2 import sql

from orchestration.alarms import AlarmName, Severity
from orchestration.defs.parallel_run.checks import evaluate_divergence
from orchestration.parallel_run import compare
from orchestration.parallel_run.legacy_schedule import COLUMNS, LEGACY_CSV
from orchestration.warehouse import connect, ensure_warehouse
from tests.integration.conftest import environment, run_partition

RUN_DATE = date(2026, 11, 19)
NAMES = [c for c, _ in COLUMNS]


def _relation(name: str) -> sql.Identifier:
    return sql.Identifier(*name.split("."))


def _rows(relation: str, run_date: date = RUN_DATE) -> list[tuple]:
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("select {} from {} where run_date = %s "
                            "order by fps_dt, manufacturing_location, line_type, item_id").format(
                                sql.SQL(", ").join(map(sql.Identifier, NAMES)), _relation(relation)),
                    (run_date,))
        return cur.fetchall()


def _checksum(relation: str) -> str:
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("select md5(string_agg(t::text, '|' order by t::text)) from {} t")
                    .format(_relation(relation)))
        return cur.fetchone()[0]


def _write_csv(path, rows: list[list]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(NAMES)
        writer.writerows([["" if v is None else v for v in row] for row in rows])


@pytest.fixture(scope="module")
def published(sample_dir, dbt_manifest):
    """The platform's schedule of RUN_DATE, published to dwh as usual."""
    assert run_partition(RUN_DATE, sample_dir) == 0
    rows = [list(r) for r in _rows("dwh.fact_production_schedule")]
    assert len(rows) > 1_000
    return rows


def _compare(data_dir, rows, capsys, **env) -> tuple[int, list[str]]:
    _write_csv(data_dir / LEGACY_CSV, rows)
    capsys.readouterr()
    with environment(PST_LOCAL_DATA_DIR=str(data_dir), **env):
        code = compare.main([RUN_DATE.isoformat()])
    return code, capsys.readouterr().out.strip().splitlines()


def _production_lines_row(rows: list[list], at_least: Decimal) -> int:
    column = NAMES.index("production_lines")
    return next(i for i, r in enumerate(rows) if r[column] is not None and r[column] >= at_least)


def test_a_legacy_schedule_equal_to_the_platforms_matches_entirely(published, sample_dir,
                                                                    tmp_path, capsys):
    code, lines = _compare(tmp_path, published, capsys)
    n = len(published)
    assert lines[-1] == (f"parallel run {RUN_DATE}: {n}/{n} rows match (100.00%), "
                         "0 missing, 0 extra, 0 differ")
    assert code == 0


def test_one_row_missing_one_extra_one_different(published, tmp_path, capsys):
    legacy = [list(r) for r in published]
    pl = NAMES.index("production_lines")
    extra_key = legacy.pop(0)                      # the platform has it, the legacy not: extra
    invented = list(legacy[0])
    invented[NAMES.index("item_id")] = "LEGACY-ONLY-ITEM"   # the legacy has it only: missing
    legacy.append(invented)
    changed = _production_lines_row(legacy, Decimal("0.5"))
    platform_value = legacy[changed][pl]
    legacy[changed][pl] = platform_value + Decimal(1)
    within = _production_lines_row(legacy[changed + 1:], Decimal("0.5")) + changed + 1
    legacy[within][pl] = legacy[within][pl] + Decimal("0.009")  # inside the 0.01 tolerance

    code, lines = _compare(tmp_path, legacy, capsys)
    n = len(published) + 1
    assert lines[-1] == (f"parallel run {RUN_DATE}: {n - 3}/{n} rows match "
                         f"({100 * (n - 3) / n:.2f}%), 1 missing, 1 extra, 1 differ")
    assert code == 1  # 3 of ~2,800 keys: above 0.1%
    text = "\n".join(lines)
    assert "LEGACY-ONLY-ITEM: missing" in text
    assert f"{extra_key[NAMES.index('item_id')]}: extra" in text
    expected = (f"production_lines legacy {format((platform_value + 1).normalize(), 'f')} "
                f"platform {format(platform_value.normalize(), 'f')}")
    assert expected in text, text
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("select status, differing_columns, legacy_production_lines, "
                    "platform_production_lines from parallel_run.parallel_run_comparison "
                    "where run_date = %s and status = 'differs'", (RUN_DATE,))
        assert cur.fetchall() == [("differs", "production_lines", platform_value + 1,
                                   platform_value)]
        # what the Dagster check makes of it: the P2, with the numbers and the rows
        outcome = evaluate_divergence(conn, RUN_DATE)
    assert not outcome.passed
    assert (outcome.alarm, outcome.severity) == (AlarmName.PARALLEL_RUN_DIVERGENCE, Severity.P2)
    assert (outcome.numbers["rows_missing"], outcome.numbers["rows_extra"],
            outcome.numbers["rows_differing"], outcome.numbers["keys_total"]) == (1, 1, 1, n)
    table = outcome.numbers["first_differences"].value
    assert "| production_lines |" in table and "LEGACY-ONLY-ITEM" in table


def test_the_legacy_qa_tables_are_compared_by_table_and_code(published, tmp_path, capsys):
    """A legacy QA table beside the legacy schedule: its rows by code against the
    platform's (the sample's run has no missing staffing: 0)."""
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("create schema if not exists legacy_qa")
        cur.execute("drop table if exists legacy_qa.ps_qa_missing_inputs")
        cur.execute("create table legacy_qa.ps_qa_missing_inputs (run_date date, code varchar(2))")
        cur.execute("insert into legacy_qa.ps_qa_missing_inputs values (%s, '1'), (%s, '1')",
                    (RUN_DATE, RUN_DATE))
    code, lines = _compare(tmp_path, published, capsys, PST_LEGACY_QA_SCHEMA="legacy_qa")
    assert code == 0  # the schedules match; QA findings are reported, not judged
    text = "\n".join(lines)
    assert "QA findings: 1 (table, code) compared, 1 differ" in text
    assert "ps_qa_missing_inputs code 1: legacy 2, platform 0" in text


def test_a_difference_of_0_011_is_out_of_tolerance(published, tmp_path, capsys):
    legacy = [list(r) for r in published]
    pl = NAMES.index("production_lines")
    row = _production_lines_row(legacy, Decimal("0.5"))
    legacy[row][pl] = legacy[row][pl] + Decimal("0.011")  # relative 1e-6 does not cover it
    code, lines = _compare(tmp_path, legacy, capsys)
    n = len(published)
    assert lines[-1].endswith(f"{n - 1}/{n} rows match ({100 * (n - 1) / n:.2f}%), "
                              "0 missing, 0 extra, 1 differ")
    assert code == 0  # 1 key in ~2,800: within the cutover tolerance of 0.1%


def test_no_legacy_rows_for_the_run_date_is_not_compared(published, tmp_path, capsys):
    other_day = [list(r) for r in published]
    for row in other_day:
        row[0] = date(2026, 11, 18)
    # a legacy relation of its own: the file's run_dates replace only their own rows
    code, lines = _compare(tmp_path, other_day, capsys,
                           PST_LEGACY_SCHEDULE_RELATION="legacy.schedule_of_another_day")
    assert code == 2
    assert lines[-1].startswith(f"parallel run {RUN_DATE}: not compared")


def test_parallel_run_mode_publishes_apart_and_never_writes_the_legacy_relation(
        published, sample_dir, tmp_path, capsys):
    """The legacy job owns dwh.fact_production_schedule (here: the platform's earlier
    output plays it); the platform publishes to dwh_parallel, compares through Dagster
    (the publish step builds the comparison, the check reads it) and leaves dwh alone."""
    data_dir = tmp_path / "data"
    shutil.copytree(sample_dir, data_dir, ignore=shutil.ignore_patterns(LEGACY_CSV))
    before = _checksum("dwh.fact_production_schedule")
    with environment(PST_PUBLISH_SCHEMA="dwh_parallel",
                     PST_LEGACY_SCHEDULE_RELATION="dwh.fact_production_schedule"):
        capsys.readouterr()
        assert run_partition(RUN_DATE, data_dir) == 0
    console = capsys.readouterr().out
    assert f"dwh_parallel.fact_production_schedule: {len(published):,} rows" in console
    assert "parallel_run_divergence" not in console  # no failed check named
    assert _checksum("dwh.fact_production_schedule") == before
    assert _rows("dwh_parallel.fact_production_schedule") == [tuple(r) for r in published]
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("select keys_total, keys_matching, match_pct, is_within_tolerance "
                    "from parallel_run.parallel_run_summary where run_date = %s", (RUN_DATE,))
        assert cur.fetchone() == (len(published), len(published), Decimal("100.00"), True)


def test_the_publish_schema_cannot_be_the_legacy_relation():
    from orchestration import settings

    with environment(PST_PUBLISH_SCHEMA=None,
                     PST_LEGACY_SCHEDULE_RELATION="dwh.fact_production_schedule"):
        with pytest.raises(ValueError, match="PST_PUBLISH_SCHEMA"):
            settings.legacy_schedule_relation()
