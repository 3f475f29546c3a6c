"""Every QA code of qa.md, produced from real input and checked end to end.

One damaged copy of the sample carries every fault on an entity of its own;
the partition is run once through Dagster and dbt, then each test asserts its
finding (code and keys) and that the offending row did not reach the schedule.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.integration.conftest import run_partition
from tests.integration.parity import fetch_dicts, published_schedule, schedule_differences
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

RUN_DATE = date(2026, 11, 18)
WINDOW = [RUN_DATE + timedelta(days=i) for i in range(1, 31 + 7)]
MISSING_FORECAST_DATE = RUN_DATE + timedelta(days=20)
ITEM_HEADER = ["item_id", "item_name", "manufacturing_location", "line_type", "is_automated",
               "units_per_line_day", "changeover_lines", "safety_stock_days",
               "target_days_of_supply", "is_active"]


def _read(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


def _write(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _append(path, rows) -> list[int]:
    """Append rows; return their sheet row numbers (header = row 1)."""
    header, existing = _read(path)
    _write(path, header, existing + rows)
    return list(range(len(existing) + 2, len(existing) + 2 + len(rows)))


def _item(item_id, location="PLANT-ATL", line_type="AUTO-FILL", automated="TRUE", rate="500",
          changeover="0.5", safety="2", target="5", active="TRUE"):
    return dict(zip(ITEM_HEADER, [item_id, f"Test {item_id}", location, line_type, automated,
                                  rate, changeover, safety, target, active]))


@pytest.fixture(scope="module")
def faults(sample_dir, tmp_path_factory, dbt_manifest):
    data = tmp_path_factory.mktemp("qa-faults")
    for source in sample_dir.iterdir():
        data.joinpath(source.name).write_bytes(source.read_bytes())
    rows = {}
    header, items = _read(data / "items.csv")
    item_rows = [dict(zip(header, r)) for r in items]
    duplicated = item_rows[1]  # the second item (row 3) is repeated later: code 6
    new_items = [
        _item("I-9002", rate="0"),                    # code 2
        _item("I-9003", safety="3", target="1"),      # code 3
        _item("I-9008", automated="maybe"),           # code 8 only (untypeable)
        _item("I-9010", line_type="PILOT"),           # no staffing: missing inputs code 1
        _item("I-Z1", location="PLANT-ZZZ", line_type="LT-Z", changeover="1"),  # fps_errors 01
        {**duplicated, "units_per_line_day": "999"},  # code 6: wins over row 3
        # inactive rows are only typed: a zero rate and target < safety raise nothing
        _item("I-9004", rate="0", safety="3", target="1", active="FALSE"),
        # exact inventory (6 and 9 decimals, hand-computed below): manual, 10 units a day
        _item("I-9020", line_type="MANUAL-ASSY", automated="FALSE", rate="500", safety="3",
              target="5"),
        _item("I-9021", line_type="MANUAL-ASSY", automated="FALSE", rate="500", safety="3",
              target="5"),
    ]
    numbers = _append(data / "items.csv", [[r[h] for h in header] for r in new_items])
    rows["item"] = dict(zip(["I-9002", "I-9003", "I-9008", "I-9010", "I-Z1", "dup", "I-9004",
                             "I-9020", "I-9021"], numbers))
    rows["duplicated_item"] = (duplicated["item_id"].strip(), 3)

    rows["staffing_negative"] = _append(data / "staffing.csv", [
        ["PLANT-ATL", "AUTO-FILL", (RUN_DATE + timedelta(days=2)).isoformat(), "-2"]])[0]
    _append(data / "staffing_defaults.csv",
            [["PLANT-ZZZ", "LT-Z", str(day), "0.5"] for day in range(1, 8)])
    rows["dc_dup"] = _append(data / "dc_mapping.csv", [["DC-01", "PLANT-ATL"],
                                                       ["DC-ZZ", "PLANT-ZZZ"]])

    header, forecasts = _read(data / "forecasts.csv")
    forecasts = [r for r in forecasts if r[2] != MISSING_FORECAST_DATE.isoformat()]
    _write(data / "forecasts.csv", header, forecasts)
    extra = []
    for day in WINDOW:
        if day == MISSING_FORECAST_DATE:
            continue
        for item_id in ("I-9002", "I-9003", "I-9008", "I-9010"):
            extra.append([item_id, "DC-01", day.isoformat(), "400"])
        extra.append(["I-Z1", "DC-ZZ", day.isoformat(), "300"])
        for item_id in ("I-9020", "I-9021"):
            extra.append([item_id, "DC-01", day.isoformat(), "10"])
        extra.append(["I-GHOST", "DC-01", day.isoformat(), "10"])  # unknown capacity
    extra += [["I-0001", "DC-99", WINDOW[0].isoformat(), "5"],
              ["I-0001", "DC-99", WINDOW[1].isoformat(), "5"]]  # code 1: unmapped DC
    numbers = _append(data / "forecasts.csv", extra + [
        ["I-0001", "DC-04", WINDOW[2].isoformat(), "-5"],          # code 7: negative units
        ["I-0001", "DC-04", WINDOW[3].isoformat(), "1,5"],         # code 7: units not plain
        ["", "DC-04", WINDOW[3].isoformat(), "5"],                 # code 8: blank item_id
        ["I-0001", "DC-04", WINDOW[4].strftime("%m/%d/%Y"), "5"],  # code 8: date not ISO
    ])
    rows["forecast_negative"], rows["forecast_units_text"] = numbers[-4], numbers[-3]
    rows["forecast_blank_item"], rows["forecast_us_date"] = numbers[-2], numbers[-1]

    inventory = _append(data / "inventory_snapshot.csv", [
        ["I-0001", "DC-99", (RUN_DATE - timedelta(days=3)).isoformat(), "10"],
        ["I-0002", "DC-01", (RUN_DATE - timedelta(days=3)).isoformat(), "abc"],
        ["I-0003", "", RUN_DATE.isoformat(), "4"],                          # code 8: blank DC
        ["I-0004", "DC-01", RUN_DATE.strftime("%m/%d/%Y"), "4"],            # code 8: date
        ["I-9020", "DC-01", (RUN_DATE - timedelta(days=1)).isoformat(), "29.999998"],
        ["I-9021", "DC-01", (RUN_DATE - timedelta(days=1)).isoformat(), "12.123456789"],
    ])
    rows["inventory_bad"], rows["inventory_blank_dc"], rows["inventory_us_date"] = inventory[1:4]

    assert run_partition(RUN_DATE, data) == 0
    return data, rows


def qa(code: str, **keys) -> list[dict]:
    found = fetch_dicts("select * from stg2.ps_qa_inputs where run_date = %s and code = %s",
                        (RUN_DATE, code))
    return [f for f in found if all(f[k] == v for k, v in keys.items())]


def scheduled_items() -> set[str]:
    return {r["item_id"] for r in published_schedule(RUN_DATE)}


def test_code_1_unmapped_dc_counts_rows_per_source(faults):
    assert [f["row_count"] for f in qa("1", source="forecasts", distribution_center="DC-99")] == [2]
    assert [f["row_count"] for f in qa("1", source="inventory_snapshot",
                                       distribution_center="DC-99")] == [1]


def test_code_2_zero_rate_item_excluded(faults):
    _, rows = faults
    assert qa("2", source="items", row_number=rows["item"]["I-9002"], item_id="I-9002")
    assert "I-9002" not in scheduled_items()


def test_code_3_target_below_safety_excluded(faults):
    _, rows = faults
    assert qa("3", source="items", row_number=rows["item"]["I-9003"], item_id="I-9003")
    assert "I-9003" not in scheduled_items()


def test_code_4_negative_staffing_falls_back_to_default(faults):
    data, rows = faults
    assert qa("4", source="staffing", row_number=rows["staffing_negative"])
    day = RUN_DATE + timedelta(days=2)
    [pool_day] = fetch_dicts(
        "select lines_available from stg2.ps_staffing_by_dt where manufacturing_location = "
        "'PLANT-ATL' and line_type = 'AUTO-FILL' and dt = %s", (day,))
    [expected] = [r["lines_available"] for r in compute_schedule(data, RUN_DATE).staffing_by_dt
                  if (r["manufacturing_location"], r["line_type"], r["dt"])
                  == ("PLANT-ATL", "AUTO-FILL", day)]
    assert pool_day["lines_available"] == expected >= 0


def test_code_5_duplicate_mapping_loser_reported(faults):
    assert qa("5", source="dc_mapping", row_number=2, distribution_center="DC-01")


def test_code_6_duplicate_item_loser_reported_winner_used(faults):
    _, rows = faults
    item_id, loser_row = rows["duplicated_item"]
    assert qa("6", source="items", row_number=loser_row, item_id=item_id)
    rates = fetch_dicts("select units_per_line_day from stg2.int_items__valid where item_id = %s",
                        (item_id,))
    assert [float(r["units_per_line_day"]) for r in rates] == [999.0]


def test_code_7_is_the_units_column_only(faults):
    _, rows = faults
    assert qa("7", source="forecasts", row_number=rows["forecast_negative"])
    assert qa("7", source="forecasts", row_number=rows["forecast_units_text"])
    assert qa("7", source="inventory_snapshot", row_number=rows["inventory_bad"])


def test_code_8_covers_forecast_and_inventory_rows_whose_key_or_date_cannot_be_typed(faults):
    _, rows = faults
    expected = {("forecasts", rows["forecast_blank_item"]), ("forecasts", rows["forecast_us_date"]),
                ("inventory_snapshot", rows["inventory_blank_dc"]),
                ("inventory_snapshot", rows["inventory_us_date"])}
    found = {(f["source"], f["row_number"]) for f in qa("8")}
    assert expected <= found
    assert not expected & {(f["source"], f["row_number"]) for f in qa("7")}


def test_codes_2_and_3_apply_to_active_items_only(faults):
    _, rows = faults
    inactive_row = rows["item"]["I-9004"]
    findings = fetch_dicts("select code from stg2.ps_qa_inputs where run_date = %s and "
                           "source = 'items' and row_number = %s", (RUN_DATE, inactive_row))
    assert findings == []


def test_inventory_keeps_every_decimal_it_was_given(faults):
    """Hand-computed first plan date (W = 7, 10 units a day at DC-01, safety 3, target 5):
    window_sum = 70; inv0 = 29.999998 -> days_of_supply = 7 * 29.999998 / 70 = 2.9999998,
    under safety 3 - 1e-9: reactive (rounded to 30 it would be exactly 3: proactive);
    need = 5 * 10 + 10 - 29.999998 = 30.000002. inv0 = 12.123456789 -> 1.2123456789 days."""
    first = {r["item_id"]: r for r in published_schedule(RUN_DATE)
             if r["fps_dt"] == RUN_DATE + timedelta(days=1) and r["item_id"] in ("I-9020", "I-9021")}
    assert first["I-9020"]["projected_inventory"] == Decimal("29.999998")
    assert first["I-9020"]["days_of_supply"] == Decimal("2.9999998")
    assert first["I-9020"]["need_units"] == Decimal("30.000002")
    assert first["I-9020"]["schedule_class"] == "non_automated_reactive"
    assert first["I-9021"]["projected_inventory"] == Decimal("12.123456789")
    assert first["I-9021"]["days_of_supply"] == Decimal("1.2123456789")
    [landed] = fetch_dicts("select on_hand_units from erp.inventory_snapshot where item_id = "
                           "'I-9020' and distribution_center = 'DC-01'")
    assert landed["on_hand_units"] == Decimal("29.999998")


def test_code_8_untypeable_cell_only_code_8(faults):
    _, rows = faults
    row_number = rows["item"]["I-9008"]
    codes = {f["code"] for f in fetch_dicts(
        "select code from stg2.ps_qa_inputs where run_date = %s and source = 'items' "
        "and row_number = %s", (RUN_DATE, row_number))}
    assert codes == {"8"}
    assert "I-9008" not in scheduled_items()


def test_missing_staffing_reported_per_plan_date(faults):
    missing = fetch_dicts("select dt from stg2.ps_qa_missing_inputs where run_date = %s and "
                          "code = '1' and line_type = 'PILOT'", (RUN_DATE,))
    assert len(missing) == 31
    pilot = [r for r in published_schedule(RUN_DATE) if r["item_id"] == "I-9010"]
    assert pilot and all(r["production_lines"] == 0 and r["lines_available"] == 0 for r in pilot)


def test_missing_forecast_date_reported(faults):
    missing = fetch_dicts("select dt from stg2.ps_qa_missing_inputs where run_date = %s and "
                          "code = '2'", (RUN_DATE,))
    assert [r["dt"] for r in missing] == [MISSING_FORECAST_DATE]


def test_unknown_capacity_alerted_and_demand_excluded(faults):
    alerts = fetch_dicts("select * from stg2.production_capacity_alerting where run_date = %s "
                         "and item_id = 'I-GHOST'", (RUN_DATE,))
    assert [(a["manufacturing_location"], float(a["total_forecast_units"])) for a in alerts] == [
        ("PLANT-ATL", 360.0)]  # 36 window dates (one removed) x 10 units
    assert "I-GHOST" not in scheduled_items()


def test_fps_error_01_location_with_staffing_and_candidates_but_no_lines(faults):
    errors = fetch_dicts("select code, manufacturing_location from stg2.ps_fps_errors "
                         "where run_date = %s", (RUN_DATE,))
    assert {"code": "01", "manufacturing_location": "PLANT-ZZZ"} in errors


def test_damaged_run_still_matches_reference(faults):
    data, _ = faults
    expected = compute_schedule(data, RUN_DATE).schedule
    assert schedule_differences(expected, published_schedule(RUN_DATE)) == []
