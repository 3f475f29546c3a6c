"""The Soda contracts (soda/contracts/*.yml) and their wrapper
(orchestration/checks/soda_contracts.py) on a real PostgreSQL.

The relations are small tables shaped like the dbt relations (same names and
column types as the staging views and the published schedule, as PostgreSQL
reports them), created in a database of their own on the session's embedded
warehouse, so the dbt-built relations other tests use are never touched.
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

from orchestration.checks.soda_contracts import (
    CONTRACTS,
    ContractOutcome,
    contract_checks,
    verify_contract,
)

# soda-postgres 4.28 warns about its own raw SQL on every verification
pytestmark = pytest.mark.filterwarnings("ignore:Do not use this unless absolutely necessary:DeprecationWarning")

DATABASE = "soda_contracts_test"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
RUN_DATE = date(2026, 11, 23)
VARIABLES = {"NOW": NOW.isoformat(), "RUN_DATE": RUN_DATE.isoformat()}

# -- the relations' columns, as PostgreSQL reports the dbt-built ones --------

_LOADER = [("_row_number", "integer"), ("_snapshot_dt", "date"),
           ("_loaded_at", "timestamp with time zone"), ("_extra_columns", "varchar(65535)")]
_ERR = [("type_error", "varchar(65535)")]

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "stg.stg_sheets__staffing": _LOADER + [
        ("manufacturing_location", "text"), ("line_type", "text"),
        ("dt_text", "text"), ("dt", "date"),
        ("lines_staffed_text", "text"), ("lines_staffed", "numeric"),
    ] + _ERR,
    "stg.stg_sheets__staffing_defaults": _LOADER + [
        ("manufacturing_location", "text"), ("line_type", "text"),
        ("day_of_week_text", "text"), ("day_of_week", "integer"),
        ("lines_staffed_text", "text"), ("lines_staffed", "numeric"),
    ] + _ERR,
    "stg.stg_sheets__items": _LOADER + [
        ("item_id", "text"), ("item_name", "text"), ("manufacturing_location", "text"), ("line_type", "text"),
        ("is_automated_text", "text"), ("is_automated", "boolean"),
        ("units_per_line_day_text", "text"), ("units_per_line_day", "numeric"),
        ("changeover_lines_text", "text"), ("changeover_lines", "numeric"),
        ("safety_stock_days_text", "text"), ("safety_stock_days", "numeric"),
        ("target_days_of_supply_text", "text"), ("target_days_of_supply", "numeric"),
        ("is_active_text", "text"), ("is_active", "boolean"),
    ] + _ERR,
    "stg.stg_sheets__dc_mapping": _LOADER + [
        ("distribution_center", "text"), ("manufacturing_location", "text"),
    ] + _ERR,
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


def _loader(row_number: int, loaded_at: datetime = NOW - timedelta(hours=2)) -> dict:
    return {"_row_number": row_number, "_snapshot_dt": RUN_DATE, "_loaded_at": loaded_at}


def clean_rows() -> dict[str, list[dict]]:
    """A small, valid day: every check of every contract passes on it."""
    staffing = [{**_loader(n + 2), "manufacturing_location": "PLANT_A", "line_type": "LINE_1",
                 "dt_text": (RUN_DATE + timedelta(days=n + 1)).isoformat(),
                 "dt": RUN_DATE + timedelta(days=n + 1), "lines_staffed_text": "2", "lines_staffed": 2}
                for n in range(4)]
    defaults = [{**_loader(n + 1), "manufacturing_location": "PLANT_A", "line_type": "LINE_1",
                 "day_of_week_text": str(n), "day_of_week": n, "lines_staffed_text": "1", "lines_staffed": 1}
                for n in range(1, 8)]
    items = [{**_loader(n + 2), "item_id": f"ITEM_{n}", "item_name": f"Item {n}",
              "manufacturing_location": "PLANT_A", "line_type": "LINE_1",
              "is_automated_text": "TRUE", "is_automated": True,
              "units_per_line_day_text": "100", "units_per_line_day": 100,
              "changeover_lines_text": "0.5", "changeover_lines": 0.5,
              "safety_stock_days_text": "2", "safety_stock_days": 2,
              "target_days_of_supply_text": "5", "target_days_of_supply": 5,
              "is_active_text": "TRUE", "is_active": True}
             for n in range(3)]
    dc_mapping = [{**_loader(n + 2), "distribution_center": f"DC_{n}", "manufacturing_location": "PLANT_A"}
                  for n in range(2)]
    schedule = [{"run_date": run_date, "fps_dt": run_date + timedelta(days=d),
                 "manufacturing_location": "PLANT_A", "line_type": "LINE_1", "item_id": f"ITEM_{i}",
                 "is_automated": True, "schedule_class": "automated",
                 "rank_over_manufacturing_location_line_type": i + 1, "production_goal_total": 100,
                 "production_lines": 1, "required_lines": 1, "is_within_capacity": 1,
                 "is_tomorrow_production_schedule": int(d == 1),
                 "runtime_dt_utc": datetime(2026, 11, 23, 6, 0)}
                for run_date in (RUN_DATE - timedelta(days=1), RUN_DATE)
                for d in (1, 2, 3) for i in range(2)]
    return {"stg.stg_sheets__staffing": staffing, "stg.stg_sheets__staffing_defaults": defaults,
            "stg.stg_sheets__items": items, "stg.stg_sheets__dc_mapping": dc_mapping,
            "dwh.fact_production_schedule": schedule}


CONTRACT_OF = {relation: relation.split(".")[1] for relation in COLUMNS}


# -- fixtures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def target(warehouse):
    """A database of its own on the session's embedded warehouse."""
    admin = psycopg2.connect(**warehouse.psycopg2_kwargs)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE)))
        cur.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    admin.close()
    yield replace(warehouse, dbname=DATABASE)
    admin = psycopg2.connect(**warehouse.psycopg2_kwargs)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE)))
    admin.close()


@pytest.fixture
def db(target):
    """Fresh stg and dwh schemas holding the clean day; yields a function that runs SQL."""
    conn = psycopg2.connect(**target.psycopg2_kwargs)
    conn.autocommit = True
    with conn.cursor() as cur:
        for schema in ("stg", "dwh"):
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

    def run(statement: str, params=None):
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


@pytest.mark.parametrize("relation", [r for r in COLUMNS if r.startswith("stg.")])
def test_duplicate_row_number_fails(db, target, relation):
    db(f"update {relation} set _row_number = 2 where _row_number = 3")
    result = verify(relation, target)
    only_changed(result, {"_row_number__duplicate": "fail"})
    check = result.check("_row_number__duplicate")
    assert (check.severity, check.diagnostics["duplicate_count"]) == ("ERROR", 1)
    assert result.worst == "fail" and not result.passed


@pytest.mark.parametrize("relation, change, finding", [
    ("stg.stg_sheets__items", "alter table stg.stg_sheets__items drop column item_name",
     {"missing_columns": ["item_name"]}),
    ("stg.stg_sheets__staffing", "alter table stg.stg_sheets__staffing add column notes text",
     {"extra_columns": ["notes"]}),
    ("stg.stg_sheets__staffing_defaults",
     "alter table stg.stg_sheets__staffing_defaults alter column day_of_week type numeric",
     {"type_mismatches": ["day_of_week: expected integer, actual numeric"]}),
    ("dwh.fact_production_schedule",
     "alter table dwh.fact_production_schedule alter column schedule_class type varchar(64)",
     {"type_mismatches": ["schedule_class: expected varchar(32), actual character varying(64)"]}),
])
def test_schema_change_fails_the_schema_check(db, target, relation, change, finding):
    db(change)
    result = verify(relation, target)
    only_changed(result, {"schema": "fail"})
    schema = result.check("schema")
    for key, value in finding.items():
        assert schema.diagnostics[key] == value, schema.diagnostics


@pytest.mark.parametrize("relation", [r for r in COLUMNS if r.startswith("stg.")])
def test_old_load_warns_on_freshness(db, target, relation):
    db(f"update {relation} set _loaded_at = %s", (NOW - timedelta(hours=30),))
    result = verify(relation, target)
    only_changed(result, {"freshness": "warn"})
    freshness = result.check("freshness")
    assert freshness.severity == "WARN" and not freshness.passed
    assert freshness.diagnostics["value"] == pytest.approx(30)
    assert result.worst == "warn" and result.passed  # a warning does not fail the contract


def test_freshness_is_measured_against_the_now_variable(db, target):
    relation = "stg.stg_sheets__dc_mapping"
    # loaded at NOW - 2 h: 23 h old at NOW + 21 h, 25 h old at NOW + 23 h
    assert outcomes(verify(relation, target, NOW=(NOW + timedelta(hours=21)).isoformat()))["freshness"] == "pass"
    assert outcomes(verify(relation, target, NOW=(NOW + timedelta(hours=23)).isoformat()))["freshness"] == "warn"


@pytest.mark.parametrize("relation", list(COLUMNS))
def test_empty_table_fails_row_count(db, target, relation):
    db(f"delete from {relation}")
    result = verify(relation, target)
    assert outcomes(result)["row_count"] == "fail", result.log_excerpt
    assert result.check("row_count").severity == "ERROR"
    if relation.startswith("stg."):
        # Soda fails a freshness check without rows; everything else passes on no rows
        only_changed(result, {"row_count": "fail", "freshness": "fail"})
    else:
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


def test_blank_key_cell_warns_and_a_cleared_column_fails(db, target):
    relation = "stg.stg_sheets__staffing"
    db(f"update {relation} set line_type = null, type_error = 'line_type is blank' where _row_number = 2")
    result = verify(relation, target)
    only_changed(result, {"line_type__missing": "warn"})
    check = result.check("line_type__missing")
    assert (check.severity, check.diagnostics["missing_count"], check.diagnostics["value"]) == ("WARN", 1, 25.0)
    assert result.worst == "warn" and result.passed

    db(f"update {relation} set line_type = null, type_error = 'line_type is blank'")
    only_changed(verify(relation, target), {"line_type__missing": "fail"})  # every row: the column was cleared


@pytest.mark.parametrize("relation, duplicate_key", [
    ("stg.stg_sheets__staffing", "dt_text = '11/24/2026', dt = '2026-11-24'"),  # row 2's dt, written M/D/YYYY
    ("stg.stg_sheets__staffing_defaults", "day_of_week_text = '1', day_of_week = 1"),
    ("stg.stg_sheets__items", "item_id = 'ITEM_0'"),
    ("stg.stg_sheets__dc_mapping", "distribution_center = 'DC_0'"),
])
def test_business_key_duplicate_warns(db, target, relation, duplicate_key):
    """Row 3 gets the key of row 2."""
    db(f"update {relation} set {duplicate_key} where _row_number = 3")
    result = verify(relation, target)
    only_changed(result, {"duplicate": "warn"})
    assert result.check("duplicate").severity == "WARN"
    # a row the text rules rejected is not part of the de-duplication (it is a code-8 finding)
    db(f"update {relation} set type_error = 'x is blank' where _row_number = 3")
    only_changed(verify(relation, target), {})


def test_missing_relation_is_an_error_on_every_check(db, target):
    db("drop table stg.stg_sheets__dc_mapping")
    result = verify("stg.stg_sheets__dc_mapping", target)
    assert set(outcomes(result).values()) == {"error"}, result.log_excerpt
    assert result.worst == "error" and not result.passed
    assert any("stg_sheets__dc_mapping" in error for error in result.errors)


def test_unreachable_database_is_an_error_and_the_password_stays_out(db, target):
    secret = "s3cret-Password-9"
    result = verify("stg.stg_sheets__items", replace(target, dbname="no_such_database", password=secret))
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
        verify_contract(CONTRACTS["stg_sheets__staffing"], target, {"NOW": "yesterday"})


def test_wrapper_switches_telemetry_off_before_soda_is_imported():
    env = {key: value for key, value in os.environ.items() if key != "SODA_CORE_TELEMETRY_ENABLED"}
    env["SODA_CORE_TELEMETRY_ENABLED"] = "true"
    code = ("import os, orchestration.checks.soda_contracts\n"
            "from soda_core.telemetry.soda_telemetry import SodaTelemetry\n"
            "print(os.environ['SODA_CORE_TELEMETRY_ENABLED'], bool(SodaTelemetry()._SodaTelemetry__send))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert out.stdout.split() == ["false", "False"]
