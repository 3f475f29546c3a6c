"""The sample generator: deterministic, spec-shaped, valid, and scheduled like production."""

import csv
from collections import Counter
from datetime import date, timedelta

import pytest

from orchestration.sample_data import generate_sample
from orchestration.sample_data.__main__ import main
from tests.reference.text_rules import (
    is_blank_row,
    parse_iso_date,
    parse_plain_number,
    type_sheet_row,
)
from tests.reference.scheduler import compute_schedule

START, END = date(2026, 11, 1), date(2027, 1, 15)

# Headers exactly as written in shared/spec/sources.md.
SPEC_HEADERS = {
    "staffing": "manufacturing_location,line_type,dt,lines_staffed",
    "staffing_defaults": "manufacturing_location,line_type,day_of_week,lines_staffed",
    "items": "item_id,item_name,manufacturing_location,line_type,is_automated,"
             "units_per_line_day,changeover_lines,safety_stock_days,target_days_of_supply,"
             "is_active",
    "dc_mapping": "distribution_center,manufacturing_location",
    "forecasts": "item_id,distribution_center,forecast_date,forecast_units",
    "inventory_snapshot": "item_id,distribution_center,snapshot_dt,on_hand_units",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    counts = generate_sample(out, scale=1, start=START, end=END)
    return out, counts


def read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_deterministic(sample, tmp_path):
    out, counts = sample
    again = generate_sample(tmp_path, scale=1, start=START, end=END)
    assert again == counts
    for name in SPEC_HEADERS:
        assert (tmp_path / f"{name}.csv").read_bytes() == (out / f"{name}.csv").read_bytes(), name


def test_seed_changes_the_sample(sample, tmp_path):
    out, _ = sample
    generate_sample(tmp_path, scale=1, seed=7, start=START, end=END)
    assert (tmp_path / "forecasts.csv").read_bytes() != (out / "forecasts.csv").read_bytes()


def test_headers_exactly_as_sources_md(sample):
    out, _ = sample
    for name, header in SPEC_HEADERS.items():
        with (out / f"{name}.csv").open(encoding="utf-8") as handle:
            assert handle.readline() == header + "\n", name


def test_counts_match_files(sample):
    out, counts = sample
    for name, count in counts.items():
        rows = [r for r in read(out / f"{name}.csv")[1:] if not is_blank_row(r)]
        assert len(rows) == count, name


def test_every_sheet_cell_passes_the_text_rules_with_realistic_variety(sample):
    out, _ = sample
    seen = Counter()
    for tab in ("staffing", "staffing_defaults", "items", "dc_mapping"):
        header, *rows = read(out / f"{tab}.csv")
        for number, cells in enumerate(rows, start=2):
            if is_blank_row(cells):
                continue
            assert type_sheet_row(tab, dict(zip(header, cells))) is not None, (tab, number)
            seen["stray space"] += any(c != c.strip() for c in cells)
            seen["thousands"] += any("," in c for c in cells if c[:1].isdigit())
            seen["us date"] += tab == "staffing" and "/" in cells[2]
            seen["bool"] += tab == "items" and cells[4] not in ("TRUE", "FALSE")
    assert all(seen[k] > 0 for k in ("stray space", "thousands", "us date", "bool")), seen
    for name, date_col, number_col in (("forecasts", 2, 3), ("inventory_snapshot", 2, 3)):
        for cells in read(out / f"{name}.csv")[1:]:
            assert parse_iso_date(cells[date_col]) and parse_plain_number(cells[number_col]) >= 0


def test_scale_multiplies_items_and_lines(sample, tmp_path):
    out, counts = sample
    counts2 = generate_sample(tmp_path, scale=2, start=START, end=START + timedelta(days=40))
    ids1 = {r[0] for r in read(out / "items.csv")[1:]}
    ids2 = {r[0] for r in read(tmp_path / "items.csv")[1:]}
    assert len(ids2) == 2 * len(ids1) == 600
    assert 1.8 < counts2["items"] / counts["items"] < 2.2

    def total_lines(path):
        return sum(float(r[3].replace(",", "")) for r in read(path / "staffing_defaults.csv")[1:])
    assert 1.8 < total_lines(tmp_path) / total_lines(out) < 2.2

    # each line type becomes N pools the size of a scale-1 pool (AUTO-FILL-1, AUTO-FILL-2)
    def pools(path):
        return {(r[2].strip(), r[3].strip()) for r in read(path / "items.csv")[1:]}
    assert len(pools(tmp_path)) == 2 * len(pools(out)) == 20


def test_forecasts_and_inventory_cover_every_run_date(sample):
    out, _ = sample
    forecast_dates = {parse_iso_date(r[2]) for r in read(out / "forecasts.csv")[1:]}
    assert min(forecast_dates) == START and max(forecast_dates) == END
    assert len(forecast_dates) == (END - START).days + 1
    snapshots = {parse_iso_date(r[2]) for r in read(out / "inventory_snapshot.csv")[1:]}
    # daily, like the ERP's: every run_date has a snapshot of its own day
    assert min(snapshots) <= START and all(b - a == timedelta(days=1) for a, b in
                                           zip(sorted(snapshots), sorted(snapshots)[1:]))


def test_weekly_inventory_is_still_available(tmp_path):
    generate_sample(tmp_path, start=START, end=END, inventory_every_days=7)
    snapshots = sorted({parse_iso_date(r[2]) for r in read(tmp_path / "inventory_snapshot.csv")[1:]})
    assert all(b - a == timedelta(days=7) for a, b in zip(snapshots, snapshots[1:]))


def test_reference_schedule_looks_like_production(sample):
    # about 2,900 rows for H=31, W=7, R=0.5; all four classes; some but not too much
    # capacity overflow tomorrow; a clean sample has no QA findings at all.
    out, _ = sample
    result = compute_schedule(out, date(2026, 11, 23))
    assert 2600 <= len(result.schedule) <= 3300
    assert set(Counter(r["schedule_class"] for r in result.schedule)) == {
        "automated", "automated_reschedule", "non_automated_reactive", "non_automated_proactive"}
    tomorrow = [r for r in result.schedule if r["is_tomorrow_production_schedule"]]
    over = sum(1 for r in tomorrow if r["is_within_capacity"] == 0) / len(tomorrow)
    assert 0 < over <= 0.30
    assert (result.qa_inputs, result.qa_missing_inputs, result.fps_errors,
            result.capacity_alerting) == ([], [], [], [])


def test_cli_writes_the_files(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "s"), "--start", "2026-11-01",
                 "--end", "2026-11-10"]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        f"{name}.csv" for name in SPEC_HEADERS)
    assert "forecasts" in capsys.readouterr().err
