"""The Python SQL paths as Redshift would receive them: the alert store, the load log,
the snapshot lookups, a sheet load on the Redshift loader and every asset check's
queries, through a recording connection, checked by the same rules as the Redshift
dbt build (tests/fakes/redshift_rules.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from orchestration.defs import freshness, sources
from orchestration.defs.dbt.assets import row_count_query
from orchestration.defs.monitoring import store
from orchestration.defs.monitoring.history_growth import evaluate_history_growth
from orchestration.defs.qa_findings.checks import evaluate_excluded_rows, evaluate_summary
from orchestration.defs.schedule import checks as schedule_checks
from orchestration.defs.schedule.history import row_counts_of
from orchestration.defs.staffing.checks import evaluate_staffing_missing
from orchestration.defs.sheets.checks import evaluate_header_drift
from orchestration.landing import landing, snapshots, specs
from orchestration.landing.archive import ArchiveWriter
from orchestration.landing.loaders import RedshiftS3Copy
from orchestration.landing.tabular import LandingRow
from orchestration.settings import Settings, Thresholds
from tests.fakes.recording_cursor import RecordingConnection
from tests.fakes.redshift_rules import check_statements

RUN_DATE = date(2026, 11, 23)
LOADED_AT = datetime(2026, 11, 23, 11, 5, 7, tzinfo=timezone.utc)


class _S3Stub:
    """Where the CSV would go: the S3 path itself is exercised against moto in
    test_redshift_loader.py; here only the SQL matters."""

    def put(self, key: str, payload: bytes, content_type: str) -> str:
        return f"s3://pst-raw/{key}"


def _python_sql_paths() -> list[str]:
    conn = RecordingConnection()
    store.ensure_tables(conn)
    log = store.AlertLog(conn)
    log.open_alert("fingerprint")
    log.pending(("slack", "console"))
    log.alerts_since(LOADED_AT)
    items = specs.SHEET_TABS["items"]
    row = LandingRow(row_number=2, cells=tuple("x" for _ in items.required_columns),
                     extra_json=None)
    archive = ArchiveWriter(_S3Stub(), "sheets_items", RUN_DATE, LOADED_AT)
    landing.land_sheet_tab(conn, items, [row], RUN_DATE, LOADED_AT,
                           loader=RedshiftS3Copy(archive, "arn:aws:iam::1:role/copy"))
    landing.land_forecasts(conn, [("A", "DC1", "2026-11-24", "1", "2026-11-23", 2)],
                           RUN_DATE, LOADED_AT, loader=RedshiftS3Copy(archive, "arn:r"))
    snapshots.snapshot_in_force(conn, "sheets_items", RUN_DATE)
    conn = _with_tables(conn)
    evaluate_header_drift(conn, items, RUN_DATE)
    landing.inventory_as_of(conn, RUN_DATE)
    return conn.statements


def _with_tables(conn: RecordingConnection) -> RecordingConnection:
    """From here on the tables exist: the paths behind `table_exists` run too."""
    conn.answer = lambda s: ([(1,)] if "information_schema.tables" in s
                             else [(None,)] if "extra_columns from" in s else [(0, None)])
    return conn


def test_the_python_sql_paths_are_redshift_sql():
    statements = _python_sql_paths()
    assert any(s.lower().startswith("copy ") and "from 's3://" in s for s in statements)
    assert any('from "raw"."source_loads"' in s and "extra_columns" in s for s in statements)
    findings = check_statements(statements)
    assert findings == [], "\n".join(map(str, findings))


def test_the_check_sees_a_postgres_only_load():
    """The same paths on the PostgreSQL loader use COPY FROM STDIN: caught."""
    conn = RecordingConnection()
    items = specs.SHEET_TABS["items"]
    row = LandingRow(row_number=2, cells=tuple("x" for _ in items.required_columns),
                     extra_json=None)
    landing.land_sheet_tab(conn, items, [row], RUN_DATE, LOADED_AT)
    assert any("stdin" in str(f).lower() for f in check_statements(conn.statements))


def _check_answer(statement: str) -> list[tuple]:
    """Rows the checks can read: every table exists, the stage holds 10 rows of
    tomorrow (1 over capacity) and 100 in all, earlier run_dates published 100."""
    s = statement.lower()
    if "information_schema.tables" in s:
        return [(1,)]
    if "fact_production_schedule_staged" in s:
        return [(10, 100, 1)]
    if "from dwh.fact_production_schedule" in s and "group by run_date" in s:
        return [(date(2026, 11, 22), 10, 100), (date(2026, 11, 21), 10, 100)]
    if s.lstrip().startswith("select count("):
        return [(0,)]
    if s.lstrip().startswith("select max(snapshot_dt)"):
        return [(date(2026, 11, 22),)]
    return []


def test_the_asset_checks_sql_is_redshift_sql():
    conn = RecordingConnection(answer=_check_answer)
    settings = Settings.from_env({})
    thresholds = Thresholds()
    assert schedule_checks.evaluate_row_count(conn, RUN_DATE, thresholds).passed
    schedule_checks.evaluate_capacity_overflow(conn, RUN_DATE, thresholds)
    row_counts_of(conn, [RUN_DATE, date(2026, 11, 22)])
    evaluate_staffing_missing(conn, RUN_DATE, 7)
    evaluate_excluded_rows(conn, RUN_DATE)
    evaluate_summary(conn, RUN_DATE)
    evaluate_history_growth(conn, ("dwh", "fact_production_schedule"), 1_000_000)
    freshness.evaluate_load_freshness(conn, "sheets_items", RUN_DATE, 24, settings, now=LOADED_AT)
    freshness.evaluate_inventory_freshness(conn, RUN_DATE, 24, settings, now=LOADED_AT)
    sources.column_schema(conn, ("raw", "sheets_items"))
    for node in ({"schema": "stg2", "name": "ps_qa_inputs",
                  "config": {"materialized": "incremental", "unique_key": "run_date"}},
                 {"schema": "stg2", "name": "ps_fps_dt_iteration",
                  "config": {"materialized": "pst_fps_dt_iteration"}}):
        with conn.cursor() as cur:
            cur.execute(row_count_query(node), {"run_date": RUN_DATE})
    statements = conn.statements
    for table in ("fact_production_schedule_staged", "ps_qa_findings_summary", "ps_qa_findings",
                  "ps_qa_missing_inputs", "erp.inventory_snapshot", "information_schema.columns",
                  '"stg2"."ps_qa_inputs"'):
        assert any(table in s for s in statements), table
    findings = check_statements(statements)
    assert findings == [], "\n".join(map(str, findings))
