"""The Soda contracts (soda/contracts/*.yml) and their wrapper
(orchestration/defs/soda/contracts.py) on a real PostgreSQL.

Soda checks the published schedule of a run_date as its readers see it (the
contract of the output: rows, grain, no missing keys). The relation is a small
table shaped like the dbt one (same name and column types as PostgreSQL reports
them), in a database of its own on the session's embedded warehouse, so the
dbt-built relations other tests use are never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from orchestration.defs.soda.contracts import ContractOutcome, verify_contract
from orchestration.defs.soda.specs import CONTRACTS, contract_checks
from tests.integration.conftest import own_database

# soda-postgres 4.28 warns about its own raw SQL on every verification
pytestmark = pytest.mark.filterwarnings("ignore:Do not use this unless absolutely necessary:DeprecationWarning")

DATABASE = "soda_contracts_test"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
RUN_DATE = date(2026, 11, 23)
VARIABLES = {"NOW": NOW.isoformat(), "RUN_DATE": RUN_DATE.isoformat()}

# -- the relations' columns, as PostgreSQL reports the dbt-built ones --------

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "dwh.fact_production_schedule": [
        ("run_date", "date"), ("fps_dt", "date"),
        ("manufacturing_location", "varchar(65535)"), ("line_type", "varchar(65535)"),
        ("item_id", "varchar(65535)"), ("is_automated", "boolean"), ("schedule_class", "varchar(32)"),
        ("rank_over_manufacturing_location_line_type", "integer"),
    ] + [(name, "numeric(38,12)") for name in (
        "projected_inventory", "forecast_units", "avg_demand", "days_of_supply", "need_units",
        "changeover_lines", "required_lines", "production_lines", "lines_available",
        "production_goal_total")] + [
        ("is_within_capacity", "integer"), ("is_tomorrow_production_schedule", "integer"),
        ("runtime_dt_utc", "timestamp"),
    ],
}


def clean_rows() -> dict[str, list[dict]]:
    """A small, valid day: every check of every contract passes on it."""
    schedule = [{"run_date": run_date, "fps_dt": run_date + timedelta(days=d),
                 "manufacturing_location": "PLANT_A", "line_type": "LINE_1", "item_id": f"ITEM_{i}",
                 "is_automated": True, "schedule_class": "automated",
                 "rank_over_manufacturing_location_line_type": i + 1, "production_goal_total": 100,
                 "production_lines": 1, "required_lines": 1, "is_within_capacity": 1,
                 "is_tomorrow_production_schedule": int(d == 1),
                 "runtime_dt_utc": datetime(2026, 11, 23, 6, 0)}
                for run_date in (RUN_DATE - timedelta(days=1), RUN_DATE)
                for d in (1, 2, 3) for i in range(2)]
    return {"dwh.fact_production_schedule": schedule}


CONTRACT_OF = {relation: relation.split(".")[1] for relation in COLUMNS}


# -- fixtures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def target(warehouse):
    """A database of its own on the session's embedded warehouse."""
    with own_database(warehouse, DATABASE) as own:
        yield own


@pytest.fixture
def db(target):
    """A fresh dwh schema holding the clean day; yields a function that runs SQL."""
    conn = psycopg2.connect(**target.psycopg2_kwargs)
    conn.autocommit = True
    with conn.cursor() as cur:
        for schema in ("dwh",):
            cur.execute(sql.SQL("drop schema if exists {0} cascade; create schema {0}").format(
                sql.Identifier(schema)))
        for relation, columns in COLUMNS.items():
            schema, table = relation.split(".")
            cur.execute(sql.SQL("create table {}.{} ({})").format(
                sql.Identifier(schema), sql.Identifier(table),
                sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(data_type))
                                   for name, data_type in columns)))
        for relation, rows in clean_rows().items():
            insert(cur, relation, rows)

    def run(statement, params=None):
        with conn.cursor() as cur:
            cur.execute(statement, params)

    yield run
    conn.close()


def insert(cur, relation: str, rows: list[dict]) -> None:
    schema, table = relation.split(".")
    for row in rows:
        cur.execute(sql.SQL("insert into {}.{} ({}) values ({})").format(
            sql.Identifier(schema), sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))


def verify(relation: str, target, **variables) -> ContractOutcome:
    return verify_contract(CONTRACTS[CONTRACT_OF[relation]], target, {**VARIABLES, **variables})


def outcomes(result: ContractOutcome) -> dict[str, str]:
    return {check.name: check.outcome for check in result.checks}


def only_changed(result: ContractOutcome, expected: dict[str, str]) -> None:
    """The named checks have the expected outcome and every other check passed."""
    want = {name: "pass" for name in outcomes(result)} | expected
    assert outcomes(result) == want, result.log_excerpt


# -- tests -----------------------------------------------------------------------

def test_every_dataset_has_a_contract():
    assert set(CONTRACTS) == set(CONTRACT_OF.values())


@pytest.mark.parametrize("relation", list(COLUMNS))
def test_clean_dataset_passes_every_check(db, target, relation):
    result = verify(relation, target)
    declared = [spec.name for spec in contract_checks(CONTRACTS[CONTRACT_OF[relation]])]
    assert [check.name for check in result.checks] == declared
    assert set(outcomes(result).values()) == {"pass"}, result.log_excerpt
    assert result.errors == ()
    assert result.worst == "pass" and result.passed
    assert result.dataset == relation
    assert all(check.passed and check.severity is None for check in result.checks)
    row_count = result.check("row_count")
    assert row_count.diagnostics["value"] == len(clean_rows()[relation]) // (
        2 if relation.startswith("dwh") else 1)  # the schedule: RUN_DATE's half only


@pytest.mark.parametrize("relation", list(COLUMNS))
def test_empty_table_fails_row_count(db, target, relation):
    db(sql.SQL("delete from {}").format(sql.Identifier(*relation.split("."))))
    result = verify(relation, target)
    assert outcomes(result)["row_count"] == "fail", result.log_excerpt
    assert result.check("row_count").severity == "ERROR"
    only_changed(result, {"row_count": "fail"})


def test_schedule_is_checked_for_run_date_only(db, target):
    # another run_date's rows: a duplicate and a NULL there do not touch RUN_DATE's checks
    other = RUN_DATE - timedelta(days=1)
    db("insert into dwh.fact_production_schedule select * from dwh.fact_production_schedule "
       "where run_date = %s and item_id = 'ITEM_0'", (other,))
    db("update dwh.fact_production_schedule set schedule_class = null where run_date = %s", (other,))
    only_changed(verify("dwh.fact_production_schedule", target), {})
    # a run_date that was never published has no rows
    only_changed(verify("dwh.fact_production_schedule", target, RUN_DATE="2026-12-31"), {"row_count": "fail"})
    result = verify("dwh.fact_production_schedule", target, RUN_DATE=other.isoformat())
    only_changed(result, {"duplicate": "fail", "schedule_class__missing": "fail"})
    assert result.check("duplicate").diagnostics["duplicate_count"] == 3


def test_schedule_grain_duplicate_and_missing_key_fail(db, target):
    db("insert into dwh.fact_production_schedule select * from dwh.fact_production_schedule "
       "where run_date = %s and fps_dt = %s and item_id = 'ITEM_1'", (RUN_DATE, RUN_DATE + timedelta(days=2)))
    db("update dwh.fact_production_schedule set production_goal_total = null "
       "where run_date = %s and item_id = 'ITEM_0'", (RUN_DATE,))
    result = verify("dwh.fact_production_schedule", target)
    only_changed(result, {"duplicate": "fail", "production_goal_total__missing": "fail"})


def test_missing_relation_is_an_error_on_every_check(db, target):
    db("drop table dwh.fact_production_schedule")
    result = verify("dwh.fact_production_schedule", target)
    assert set(outcomes(result).values()) == {"error"}, result.log_excerpt
    assert result.worst == "error" and not result.passed
    assert any("fact_production_schedule" in error for error in result.errors)


def test_unreachable_database_is_an_error_and_the_password_stays_out(db, target):
    secret = "s3cret-Password-9"
    result = verify("dwh.fact_production_schedule",
                    replace(target, dbname="no_such_database", password=secret))
    assert set(outcomes(result).values()) == {"error"}
    assert result.errors and "no_such_database" in result.errors[0]
    assert secret not in repr(result)


def test_variables_are_required_and_validated(db, target):
    contract = CONTRACTS["fact_production_schedule"]
    with pytest.raises(ValueError, match="RUN_DATE"):
        verify_contract(contract, target, {})
    with pytest.raises(ValueError, match="RUN_DATE must be YYYY-MM-DD"):
        verify_contract(contract, target, {"RUN_DATE": "2026-11-23' or true --"})
    with pytest.raises(ValueError, match="NOW must be"):
        verify_contract(contract, target, {"RUN_DATE": "2026-11-23", "NOW": "yesterday"})


def test_wrapper_switches_telemetry_off_before_soda_is_imported():
    env = {key: value for key, value in os.environ.items() if key != "SODA_CORE_TELEMETRY_ENABLED"}
    env["SODA_CORE_TELEMETRY_ENABLED"] = "true"
    code = ("import os, orchestration.defs.soda.contracts\n"
            "from soda_core.telemetry.soda_telemetry import SodaTelemetry\n"
            "print(os.environ['SODA_CORE_TELEMETRY_ENABLED'], bool(SodaTelemetry()._SodaTelemetry__send))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert out.stdout.split() == ["false", "False"]
