"""The Python SQL paths as Redshift would receive them: the alert store, the load log,
the snapshot lookups and a sheet load on the Redshift loader, through a recording
connection, checked by the same rules as the Redshift dbt build
(tests/fakes/redshift_rules.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from orchestration.defs.monitoring import store
from orchestration.defs.sheets.checks import evaluate_header_drift
from orchestration.landing import landing, snapshots, specs
from orchestration.landing.archive import ArchiveWriter
from orchestration.landing.loaders import RedshiftS3Copy
from orchestration.landing.tabular import LandingRow
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
