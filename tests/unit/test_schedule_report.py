"""The schedule report rendered from hand-built rows: escaped, self-contained, every
section and chart present, and drawn by a real headless Chromium with no network."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from orchestration.planning.model import ScheduleReportData
from orchestration.planning.report import DETAIL_LIMIT, render_report, vega_bundle, write_report
from orchestration.planning.tables import number, text_table
from tests.browser import ARTIFACTS, CHROMIUM, check_report_renders

RUN_DATE = date(2026, 12, 2)
TOMORROW = RUN_DATE + timedelta(days=1)
HOSTILE = "<script>alert(1)</script>"


def _capacity():
    rows = []
    for day in range(1, 4):
        fps_dt = RUN_DATE + timedelta(days=day)
        rows.append({"manufacturing_location": "PLANT-A", "line_type": "BOTTLE", "fps_dt": fps_dt,
                     "lines_available": Decimal("3.0"), "lines_used": Decimal("2.5"),
                     "lines_required": Decimal("4.0"), "candidates": 3})
        rows.append({"manufacturing_location": "PLANT-B", "line_type": "CAN", "fps_dt": fps_dt,
                     "lines_available": Decimal("0") if day == 2 else Decimal("2"),
                     "lines_used": Decimal("0") if day == 2 else Decimal("1"),
                     "lines_required": Decimal("1.5"), "candidates": 1})
    return rows


def report_data(changes: int = 3) -> ScheduleReportData:
    schedule = [
        {"manufacturing_location": "PLANT-A", "line_type": "BOTTLE", "item_id": "ITEM-1",
         "schedule_class": "automated", "rank_over_manufacturing_location_line_type": 1,
         "required_lines": Decimal("2.0"), "production_lines": Decimal("2.0"),
         "production_goal_total": Decimal("12000.00"), "lines_available": Decimal("3.0"),
         "is_within_capacity": 1},
        {"manufacturing_location": "PLANT-A", "line_type": "BOTTLE", "item_id": HOSTILE,
         "schedule_class": "automated", "rank_over_manufacturing_location_line_type": 2,
         "required_lines": Decimal("1.5"), "production_lines": Decimal("0.5"),
         "production_goal_total": Decimal("3000.00"), "lines_available": Decimal("3.0"),
         "is_within_capacity": 0},
        {"manufacturing_location": "PLANT-B", "line_type": "CAN", "item_id": "ITEM-9",
         "schedule_class": "non_automated", "rank_over_manufacturing_location_line_type": 1,
         "required_lines": Decimal("1.0"), "production_lines": Decimal("1.0"),
         "production_goal_total": Decimal("800.00"), "lines_available": Decimal("2"),
         "is_within_capacity": 1}]
    return ScheduleReportData(
        run_date=RUN_DATE, generated_at=datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc),
        horizon_days=3, previous_run_date=RUN_DATE - timedelta(days=1),
        schedule_tomorrow=schedule, capacity=_capacity(),
        not_fully_served=[{"manufacturing_location": "PLANT-A", "line_type": "BOTTLE",
                           "item_id": HOSTILE, "reason_code": "partially_scheduled",
                           "reason": "Got 0.5 of 1.5 lines: ITEM-1 (2) ranked before it.",
                           "required_lines": Decimal("1.5"), "production_lines": Decimal("0.5")}],
        reason_counts=[{"reason_code": "scheduled_in_full", "tomorrow": 2, "horizon": 6},
                       {"reason_code": "partially_scheduled", "tomorrow": 1, "horizon": 3},
                       {"reason_code": "not_candidate", "tomorrow": 4, "horizon": 12}],
        changes=[{"manufacturing_location": "PLANT-A", "line_type": "BOTTLE", "fps_dt": TOMORROW,
                  "item_id": f"ITEM-{n}", "change_type": "changed",
                  "previous_production_lines": Decimal("1.0"), "production_lines": Decimal("2.0"),
                  "previous_production_goal_total": Decimal("6000"),
                  "production_goal_total": Decimal("12000")} for n in range(changes)],
        changes_by_location=[{"manufacturing_location": "PLANT-A", "items_added": 0,
                              "items_removed": 0, "items_changed": changes,
                              "production_lines_delta": Decimal(changes),
                              "production_goal_total_delta": Decimal(6000 * changes)}],
        qa_findings=[{"qa_table": "ps_qa_demand", "qa_code": "2", "source": "Demand",
                      "row_number": 7, "column_name": "qty", "value": HOSTILE,
                      "message": "not a number", "excluded": True}],
        alerts=[{"alarm": "prod-schedule-row-count-warning", "severity": "P3", "status": "open",
                 "summary": "rows fell 25%", "first_raised_at": datetime(2026, 12, 2, 6, 1)}])


def test_every_value_is_escaped_and_the_page_needs_nothing_outside_it():
    page = render_report(report_data())
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # no stylesheet, script or image from anywhere else (outside the inlined Vega bundle,
    # whose code writes such tags itself; the browser test refuses every request)
    assert page.count(vega_bundle()) == 1
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', page.replace(vega_bundle(), ""))
    for section in ("schedule", "capacity", "not-served", "changes", "qa", "alerts"):
        assert f'<section id="{section}">' in page
    assert set(re.findall(r'data-chart="([^"]+)"', page)) == {
        "capacity-tomorrow", "capacity-heatmap", "reason-counts"}


def test_long_change_lists_are_cut_and_counted():
    page = render_report(report_data(changes=DETAIL_LIMIT + 7))
    assert f"First {DETAIL_LIMIT} changes shown, and 7 more." in page
    assert f"ITEM-{DETAIL_LIMIT - 1}<" in page and f"ITEM-{DETAIL_LIMIT}<" not in page


def test_a_run_without_an_earlier_plan_says_so():
    data = report_data()
    page = render_report(ScheduleReportData(**{**data.__dict__, "previous_run_date": None,
                                                "changes": [], "changes_by_location": []}))
    assert "No earlier plan to compare with." in page


def test_numbers_read_as_a_planner_writes_them():
    assert [number(Decimal("1.50")), number(Decimal("12000.00")), number(None), number(3)] == [
        "1.5", "12,000", "-", "3"]
    text = text_table([{"item": "A", "lines": Decimal("1.5")}, {"item": "BB", "lines": Decimal("10")}],
                      [("item", "item"), ("lines", "lines")])
    assert text.splitlines() == ["item  lines", "----  -----", "A       1.5", "BB       10"]


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_report_draws_in_a_headless_browser_with_no_network(tmp_path):
    path = write_report(report_data(), tmp_path)
    assert path.name == f"schedule_{RUN_DATE}.html"
    seen = check_report_renders(path, ARTIFACTS / "report" / "hand_built.png")
    assert seen["errors"] == [] and seen["refused"] == []
    assert seen["sections"] == ["schedule", "capacity", "not-served", "changes", "qa", "alerts"]
    # every chart drew marks: 2 pools x 3 dates in the heatmap, bars for tomorrow and reasons
    assert seen["marks"]["capacity-heatmap"] >= 6
    assert seen["marks"]["capacity-tomorrow"] >= 2 and seen["marks"]["reason-counts"] >= 3
