"""The Redshift loader: the rows as one CSV object in the raw archive (a real moto S3
on 127.0.0.1), then COPY from S3 on the load's own cursor; what Redshift would
receive is recorded (tests/fakes/recording_cursor.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import boto3
import pytest

from orchestration.landing import landing, specs
from orchestration.landing.archive import ArchiveWriter, FolderStore, S3Store
from orchestration.landing.loaders import RedshiftS3Copy, csv_payload
from orchestration.landing.tabular import LandingRow
from tests.fakes.recording_cursor import RecordingConnection
from tests.unit.test_aws_archive_and_secrets import moto_endpoint  # noqa: F401 - fixture

RUN_DATE = date(2026, 11, 23)
LOADED_AT = datetime(2026, 11, 23, 11, 5, 7, 123456, tzinfo=timezone.utc)
ROLE = "arn:aws:iam::123456789012:role/pst-redshift-copy"
ITEMS = specs.SHEET_TABS["items"]


def _rows() -> list[LandingRow]:
    width = len(ITEMS.required_columns)
    cells = [
        ["A-1", 'Widget "XL", blue', "", *["1"] * (width - 3)],
        ["A-2", "two\nlines", None, *["x\\y"] * (width - 3)],
    ]
    return [LandingRow(row_number=i + 2, cells=tuple(c[:width]), extra_json=None)
            for i, c in enumerate(cells)]


def _parse(payload: bytes) -> list[list[str | None]]:
    """Read the CSV as Redshift's COPY ... CSV NULL AS '\\N' does."""
    rows = []
    for record in csv.reader(io.StringIO(payload.decode("utf-8"), newline="")):
        rows.append([None if v == "\\N" else v for v in record])
    return rows


def test_csv_payload_keeps_empty_strings_nulls_quotes_and_line_breaks():
    payload, count = csv_payload([("a", "", None, 'say "hi", ok', "l1\nl2", 3)])
    assert count == 1
    # a bare \N is NULL; the same two characters as data are quoted, so they are data
    assert payload.decode().startswith('"a","",\\N,')
    assert _parse(payload) == [["a", "", None, 'say "hi", ok', "l1\nl2", "3"]]


def test_a_sheet_tab_lands_on_redshift_through_s3(moto_endpoint):  # noqa: F811
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="pst-raw")
    archive = ArchiveWriter(S3Store(s3, "pst-raw"), ITEMS.raw_table[1], RUN_DATE, LOADED_AT)
    conn = RecordingConnection()
    rows = _rows()

    landed = landing.land_sheet_tab(conn, ITEMS, rows, RUN_DATE, LOADED_AT,
                                    loader=RedshiftS3Copy(archive, ROLE))

    assert landed == 2
    copies = [s for s in conn.statements if s.lower().startswith("copy")]
    assert len(copies) == 1
    key = f"{archive.prefix}/copy/raw.sheets_items.csv"
    assert copies[0].startswith('copy "raw"."sheets_items" (')
    assert f"from 's3://pst-raw/{key}' iam_role '{ROLE}' format as csv" in copies[0]
    assert not any("stdin" in s.lower() for s in conn.statements)
    # the snapshot's delete comes before the COPY, the load log after: one transaction
    order = [i for i, s in enumerate(conn.statements)
             if s.startswith(('delete from "raw"."sheets_items"', "copy",
                              'insert into "raw"."source_loads"'))]
    assert [conn.statements[i].split()[0] for i in order] == ["delete", "copy", "insert"]

    body = s3.get_object(Bucket="pst-raw", Key=key)["Body"].read()
    landed_rows = _parse(body)
    assert [r[:len(ITEMS.required_columns)] for r in landed_rows] == [list(r.cells) for r in rows]
    # _extra_columns, _row_number, _snapshot_dt, _loaded_at follow the cells
    assert [r[-3:] for r in landed_rows] == [
        [str(r.row_number), "2026-11-23", "2026-11-23 11:05:07.123456+00"] for r in rows]


def test_the_redshift_loader_refuses_a_local_folder(tmp_path):
    archive = ArchiveWriter(FolderStore(tmp_path), "sheets_items", RUN_DATE, LOADED_AT)
    with pytest.raises(RuntimeError, match="PST_RAW_BUCKET"):
        landing.land_sheet_tab(RecordingConnection(), ITEMS, _rows(), RUN_DATE, LOADED_AT,
                               loader=RedshiftS3Copy(archive, ROLE))
