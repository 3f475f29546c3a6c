"""How landed rows reach a raw table: one interface, one implementation per engine.

PostgreSQL streams them with `COPY ... FROM STDIN`. Redshift's COPY reads only
from S3 (or EMR, DynamoDB, SSH), so the Redshift loader writes the rows as one
CSV object into the raw archive bucket and runs `COPY ... FROM 's3://...'
IAM_ROLE ... FORMAT AS CSV`. Either way the COPY runs on the caller's cursor,
inside the load's transaction: the delete of the snapshot, the rows and the load
log commit together or not at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable, Protocol, Sequence

from psycopg2 import sql

from orchestration.landing.archive import ArchiveWriter
from orchestration.landing.text_rules import needs_storable, storable


class RowLoader(Protocol):
    def copy(self, cur, qualified: tuple[str, str], columns: Sequence[str],
             rows: Iterable[Sequence]) -> int:
        """Append rows (values in `columns` order) to the table; return how many."""


def _cells(row: Sequence) -> list:
    """Last line of defence (D63): no value of any source (a Supplybuy record, a
    reason) may make COPY reject the whole table."""
    return [storable(v) if isinstance(v, str) and needs_storable(v) else v for v in row]


def _text(value) -> str:
    if isinstance(value, datetime):
        # UTC with an explicit offset: what both engines' COPY parse without a format
        value = value.astimezone(timezone.utc) if value.tzinfo else value
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") + ("+00" if value.tzinfo else "")
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


# COPY text format: backslash, tab and line breaks inside a value are escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class PostgresCopy:
    """COPY FROM STDIN (text format), NULL written as \\N so that '' stays ''."""

    batch_rows: int = 200_000

    def copy(self, cur, qualified, columns, rows) -> int:
        statement = sql.SQL("copy {} ({}) from stdin with (format text)").format(
            sql.Identifier(*qualified), sql.SQL(", ").join(map(sql.Identifier, columns)))
        buffer, count = io.StringIO(), 0

        def flush() -> None:
            buffer.seek(0)
            cur.copy_expert(statement, buffer)  # psycopg2 renders the Composed itself
            buffer.seek(0)
            buffer.truncate()

        for row in rows:
            buffer.write("\t".join("\\N" if v is None else _text(v).translate(_COPY_ESCAPES)
                                   for v in _cells(row)) + "\n")
            count += 1
            if count % self.batch_rows == 0:
                flush()
        flush()
        return count


def csv_payload(rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """Every value quoted, NULL as a bare \\N: an empty string and a missing value stay
    apart, and a quote, comma or line break inside a cell is data (RFC 4180 quoting)."""
    out, count = io.StringIO(), 0
    for row in rows:
        out.write(",".join("\\N" if v is None else '"' + _text(v).replace('"', '""') + '"'
                           for v in _cells(row)) + "\n")
        count += 1
    return out.getvalue().encode("utf-8"), count


@dataclass(frozen=True)
class RedshiftS3Copy:
    """The rows as CSV in the raw archive (next to the payloads they came from), then
    COPY from there with the role Redshift assumes (PST_REDSHIFT_COPY_ROLE_ARN)."""

    archive: ArchiveWriter  # must write to S3: Redshift cannot read a local folder
    iam_role_arn: str

    def copy(self, cur, qualified, columns, rows) -> int:
        payload, count = csv_payload(rows)
        if count == 0:
            return 0  # COPY of an empty object is an error on Redshift; nothing to load
        location = self.archive.put(f"copy/{qualified[0]}.{qualified[1]}.csv", payload,
                                    "text/csv")
        if not location.startswith("s3://"):
            raise RuntimeError(f"Redshift loads only from S3, not {location}: set PST_RAW_BUCKET")
        # Redshift string literals process backslash escapes: '\\N' is the two characters \N.
        cur.execute(sql.SQL(
            "copy {} ({}) from %s iam_role %s format as csv null as '\\\\N' "
            "dateformat 'auto' timeformat 'auto' compupdate off statupdate off").format(
            sql.Identifier(*qualified), sql.SQL(", ").join(map(sql.Identifier, columns))),
            (location, self.iam_role_arn))
        return count


POSTGRES_COPY = PostgresCopy()
