"""The local ERP file is typed and copied only when it changed (D74): an unchanged
file keeps erp.inventory_snapshot and gives the run_date the same rejects."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from orchestration.landing import local_files
from orchestration.landing.inventory_file import file_digest, land_inventory_file
from orchestration.warehouse import connect
from tests.integration.conftest import own_database

pytestmark = pytest.mark.integration

FIRST, SECOND = date(2026, 11, 23), date(2026, 11, 24)
LOADED_AT = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
GOOD = ("item_id,distribution_center,snapshot_dt,on_hand_units\n"
        "I-1,DC-01,2026-11-20,10\nI-2,DC-01,2026-11-21,abc\nI-3,DC-02,2026-11-22,4.5\n")


@pytest.fixture
def target(warehouse):
    with own_database(warehouse, "inventory_file_test") as own:
        yield own


class Reader:
    """inventory_rows of a file, counting how often the file was typed."""

    def __init__(self, path):
        self.path, self.calls = path, 0

    def __call__(self):
        self.calls += 1
        return local_files.inventory_rows(self.path.parent)


def land(target, path, run_date, reader):
    with connect(target) as conn:
        return land_inventory_file(conn, file_digest(path), reader, run_date, LOADED_AT)


def table(target, query, *params):
    with connect(target) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def test_an_unchanged_file_is_not_typed_again_and_its_rejects_follow_the_run_date(
        target, tmp_path):
    path = tmp_path / "inventory_snapshot.csv"
    path.write_text(GOOD)
    reader = Reader(path)
    first = land(target, path, FIRST, reader)
    assert (first.landed, first.rejected, first.reused, reader.calls) == (2, 1, False, 1)

    second = land(target, path, SECOND, reader)
    assert (second.landed, second.rejected, second.reused, reader.calls) == (2, 1, True, 1)
    rejects = table(target, "select run_date, _row_number, item_id, on_hand_units, reason "
                            "from raw.erp_inventory_snapshot_rejects order by run_date")
    assert rejects == [(FIRST, 3, "I-2", "abc", "cannot read on_hand_units"),
                       (SECOND, 3, "I-2", "abc", "cannot read on_hand_units")]
    assert table(target, "select item_id, on_hand_units from erp.inventory_snapshot "
                         "order by 1") == [("I-1", 10), ("I-3", 4.5)]


def test_a_changed_file_or_a_changed_table_is_loaded_again(target, tmp_path):
    path = tmp_path / "inventory_snapshot.csv"
    path.write_text(GOOD)
    reader = Reader(path)
    land(target, path, FIRST, reader)

    path.write_text(GOOD + "I-4,DC-02,2026-11-22,7\n")  # the file changed
    changed = land(target, path, FIRST, reader)
    assert (changed.landed, changed.reused, reader.calls) == (3, False, 2)

    table_change = "delete from erp.inventory_snapshot where item_id = 'I-4' returning item_id"
    assert table(target, table_change) == [("I-4",)]  # someone changed the table
    again = land(target, path, SECOND, reader)
    assert (again.landed, again.reused, reader.calls) == (3, False, 3)
    assert table(target, "select count(*) from erp.inventory_snapshot") == [(3,)]


def test_a_missing_file_names_itself(target, tmp_path):
    with pytest.raises(FileNotFoundError, match="inventory_snapshot.csv: file not found"):
        file_digest(tmp_path / "inventory_snapshot.csv")
