"""The worked example of docs/scheduling.md, run through the reference implementation.

If the docs' numbers and the rules ever disagree, this fails.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

from tests.reference.scheduler import compute_schedule

RUN_DATE = date(2026, 11, 23)


def _write(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_worked_example_two_days(tmp_path):
    _write(tmp_path / "items.csv",
           ["item_id", "item_name", "manufacturing_location", "line_type", "is_automated",
            "units_per_line_day", "changeover_lines", "safety_stock_days",
            "target_days_of_supply", "is_active"],
           [["A", "Item A", "P", "L", "TRUE", "1000", "0.5", "2", "4", "TRUE"],
            ["B", "Item B", "P", "L", "FALSE", "500", "0", "3", "5", "TRUE"]])
    _write(tmp_path / "staffing.csv", ["manufacturing_location", "line_type", "dt", "lines_staffed"], [])
    _write(tmp_path / "staffing_defaults.csv",
           ["manufacturing_location", "line_type", "day_of_week", "lines_staffed"],
           [["P", "L", str(day), "3"] for day in range(1, 8)])
    _write(tmp_path / "dc_mapping.csv", ["distribution_center", "manufacturing_location"],
           [["DC", "P"]])
    days = [RUN_DATE + timedelta(days=i) for i in range(1, 38)]
    _write(tmp_path / "forecasts.csv",
           ["item_id", "distribution_center", "forecast_date", "forecast_units"],
           [[item, "DC", d.isoformat(), units] for d in days for item, units in
            (("A", "1000"), ("B", "400"))])
    _write(tmp_path / "inventory_snapshot.csv",
           ["item_id", "distribution_center", "snapshot_dt", "on_hand_units"],
           [["A", "DC", RUN_DATE.isoformat(), "1500"], ["B", "DC", RUN_DATE.isoformat(), "1000"]])

    rows = {(r["fps_dt"], r["item_id"]): r for r in compute_schedule(tmp_path, RUN_DATE).schedule}
    day1, day2 = days[0], days[1]
    expected = {
        (day1, "A"): ("automated", 1, "1.5", "3500", "4.0", "3.0", "2500", 0),
        (day1, "B"): ("non_automated_reactive", 2, "2.5", "1400", "3.0", "0", "0", 0),
        (day2, "A"): ("automated_reschedule", 1, "3", "2000", "2.5", "2.5", "2000", 1),
        (day2, "B"): ("non_automated_reactive", 2, "1.5", "1800", "4.0", "0.5", "250", 0),
    }
    for key, (cls, rank, dos, need, required, lines, goal, within) in expected.items():
        row = rows[key]
        assert row["schedule_class"] == cls
        assert row["rank_over_manufacturing_location_line_type"] == rank
        assert Decimal(row["days_of_supply"]) == Decimal(dos)
        assert Decimal(row["need_units"]) == Decimal(need)
        assert Decimal(row["required_lines"]) == Decimal(required)
        assert Decimal(row["production_lines"]) == Decimal(lines)
        assert Decimal(row["production_goal_total"]) == Decimal(goal)
        assert row["is_within_capacity"] == within
    assert Decimal(rows[(day2, "A")]["projected_inventory"]) == 3000
    assert Decimal(rows[(day2, "B")]["projected_inventory"]) == 600
