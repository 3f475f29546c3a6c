"""`python -m tests.fakes.redshift_standin OUT_DIR dbt-args...`: run dbt for the
`redshift` target with `redshift_connector.connect` replaced by an in-process
stand-in that records every statement (OUT_DIR/statements.json) and answers the
few queries whose rows the project reads (no network, no cluster).

What it answers: an empty result for every metadata query (a fresh warehouse:
every relation is created), and the snapshot guard of the Sheets staging views
(macros/text_rules/snapshots.sql) as "loaded". Run in a subprocess so that dbt's
global state never leaks into the test process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import redshift_connector

STATEMENTS: list[str] = []


class RecordingCursor:
    description = None
    rowcount = 0

    def __init__(self) -> None:
        self._rows: list[list] = []

    def execute(self, statement, params=None, **_):
        STATEMENTS.append(statement)
        self.description, self._rows = None, []
        if "as loads_as_of" in statement:
            self.description = [("loads_as_of", 23), ("first_snapshot", 1043)]
            self._rows = [[1, "2026-11-23"]]
        return self

    def fetchall(self):
        return self._rows

    def fetchmany(self, size):
        return self._rows[:size]

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class RecordingConnection:
    autocommit = True

    def cursor(self) -> RecordingCursor:
        return RecordingCursor()

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


def main(argv: list[str]) -> int:
    out, dbt_args = Path(argv[0]), argv[1:]
    redshift_connector.connect = lambda *a, **k: RecordingConnection()
    os.environ.update(REDSHIFT_HOST="redshift.invalid", REDSHIFT_USER="pst",
                      REDSHIFT_PASSWORD="stand-in", REDSHIFT_DBNAME="analytics")
    from dbt.cli.main import dbtRunner  # noqa: PLC0415 - after the patch

    result = dbtRunner().invoke(dbt_args)
    failed = []
    for node in (result.result or []) if hasattr(result.result, "__iter__") else []:
        if str(getattr(node, "status", "success")) not in ("success", "pass"):
            failed.append(f"{node.node.name}: {node.status}: {(node.message or '')[:300]}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "statements.json").write_text(json.dumps(STATEMENTS))
    (out / "outcome.json").write_text(json.dumps(
        {"success": bool(result.success), "failed": failed,
         "exception": str(result.exception) if result.exception else None}))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
