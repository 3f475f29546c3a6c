"""The planners' views on two consecutive run_dates built end to end (`make run` twice):
both schedules against the independent reference implementation (two more run_dates
than test_sample_run.py's), the explain rows cross-checked against the schedule itself, the changes against the
two published plans recomputed here, the report drawn by a real headless Chromium with
no network, the CLI's output and the Dagster metadata of the publish.

The hand-built cases of each reason code and of the change types are dbt unit tests
(models/*/planning/_planning__unit_tests.yml, run by test_sample_run.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, EventRecordsFilter

from orchestration.planning import cli
from orchestration.planning.report import report_path, reports_dir
from tests.browser import ARTIFACTS, CHROMIUM, check_report_renders
from tests.integration.conftest import run_partition
from tests.integration.parity import fetch_dicts, published_schedule, schedule_differences
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

FIRST, SECOND = date(2026, 11, 26), date(2026, 11, 27)
EPSILON = Decimal("1e-6")


@pytest.fixture(scope="module")
def two_plans(sample_dir, dbt_manifest) -> dict[date, list[dict]]:
    plans = {}
    for run_date in (FIRST, SECOND):
        assert run_partition(run_date, sample_dir) == 0
        plans[run_date] = published_schedule(run_date)
    return plans


def test_both_plans_equal_the_reference_scheduler(two_plans, sample_dir):
    for run_date, published in two_plans.items():
        expected = compute_schedule(sample_dir, run_date).schedule
        assert len(expected) > 2_000
        assert schedule_differences(expected, published) == [], run_date


def explain(run_date: date) -> list[dict]:
    return fetch_dicts("select * from stg2.ps_schedule_explain where run_date = %s", (run_date,))


def test_one_explain_row_per_active_item_and_plan_date(two_plans):
    rows = explain(SECOND)
    keys = {(r["fps_dt"], r["manufacturing_location"], r["item_id"]) for r in rows}
    assert len(keys) == len(rows)
    [[iteration_rows]] = [[r["n"] for r in fetch_dicts(
        "select count(*) as n from stg2.ps_fps_dt_iteration where run_date = %s", (SECOND,))]]
    assert len(rows) == iteration_rows
    assert {r["fps_dt"] for r in rows} == {SECOND + timedelta(days=d) for d in range(1, 32)}


def test_each_reason_code_agrees_with_the_schedule(two_plans):
    rows = explain(SECOND)
    codes = defaultdict(list)
    for r in rows:
        codes[r["reason_code"]].append(r)
    # the sample has every kind but a partial day on some run_dates; these must be there
    assert {"scheduled_in_full", "not_candidate", "not_scheduled_no_room"} <= set(codes)
    for r in codes["scheduled_in_full"]:
        assert r["is_within_capacity"] == 1 and r["production_lines"] == r["required_lines"]
    for r in codes["partially_scheduled"]:
        assert 0 < r["production_lines"] < r["required_lines"]
    for r in codes["not_scheduled_no_room"]:
        assert r["production_lines"] == 0 and r["room_lines"] <= 0
    for r in codes["not_scheduled_changeover"]:
        assert r["production_lines"] == 0 and r["room_lines"] > 0
        assert min(r["required_lines"], r["room_lines"]) <= r["changeover_lines"]
    for r in codes["no_lines_available"]:
        assert r["lines_available"] <= 0 and r["production_lines"] == 0
    for r in codes["not_candidate"]:
        assert r["need_units"] <= EPSILON and r["production_lines"] == 0


def test_lines_asked_before_are_the_sum_over_the_candidates_ranked_before(two_plans):
    pools = defaultdict(list)
    for r in explain(SECOND):
        if r["reason_code"] != "not_candidate":
            pools[(r["fps_dt"], r["manufacturing_location"], r["line_type"])].append(r)
    for candidates in pools.values():
        candidates.sort(key=lambda r: r["rank_over_manufacturing_location_line_type"])
        asked = Decimal(0)
        for r in candidates:
            assert abs(r["cum_required_lines_before"] - asked) <= EPSILON, r
            asked += r["required_lines"]
        not_served = [r for r in candidates[1:] if r["reason_code"] == "not_scheduled_no_room"]
        for r in not_served[:1]:  # the sentence names who took the lines, best-ranked first
            first = candidates[0]
            assert f"{first['item_id']} (" in r["reason"], r["reason"]


def test_the_explained_lines_are_the_published_lines(two_plans):
    published = {(r["fps_dt"], r["manufacturing_location"], r["item_id"]): r["production_lines"]
                 for r in two_plans[SECOND]}
    explained = {(r["fps_dt"], r["manufacturing_location"], r["item_id"]): r["production_lines"]
                 for r in explain(SECOND) if r["reason_code"] != "not_candidate"}
    assert explained == published


def _changes_recomputed(previous: list[dict], current: list[dict], run_date: date,
                        previous_last_plan_date: date) -> dict:
    """The change model's definition, from the two published plans: the plan dates both
    cover, keyed by (fps_dt, location, item)."""
    last = min(previous_last_plan_date, run_date + timedelta(days=31))
    covered = {d for d in (run_date + timedelta(days=n) for n in range(1, 32)) if d <= last}

    def by_key(rows):
        return {(r["fps_dt"], r["manufacturing_location"], r["item_id"]): r for r in rows
                if r["fps_dt"] in covered}

    before, now = by_key(previous), by_key(current)
    expected = {}
    for key in before.keys() | now.keys():
        if key not in before:
            expected[key] = "added"
        elif key not in now:
            expected[key] = "removed"
        else:
            moved = any(abs(before[key][c] - now[key][c]) > EPSILON
                        for c in ("production_lines", "production_goal_total"))
            expected[key] = "changed" if moved else "unchanged"
    return expected


def test_the_changes_are_the_difference_of_the_two_published_plans(two_plans):
    rows = fetch_dicts("select * from dwh.schedule_changes where run_date = %s", (SECOND,))
    assert {r["previous_run_date"] for r in rows} == {FIRST}
    found = {(r["fps_dt"], r["manufacturing_location"], r["item_id"]): r["change_type"]
             for r in rows}
    assert len(found) == len(rows)
    [[first_horizon_end]] = [[r["last"] for r in fetch_dicts(
        "select max(fps_dt) as last from stg2.ps_schedule_explain where run_date = %s",
        (FIRST,))]]
    expected = _changes_recomputed(two_plans[FIRST], two_plans[SECOND], SECOND, first_horizon_end)
    assert found == expected
    assert {"added", "removed", "changed", "unchanged"} <= set(found.values())

    summary = {r["manufacturing_location"]: r for r in fetch_dicts(
        "select * from dwh.schedule_changes_by_location where run_date = %s", (SECOND,))}
    for location, r in summary.items():
        mine = [t for (_, loc, _), t in expected.items() if loc == location]
        assert (r["items_added"], r["items_removed"], r["items_changed"]) == (
            mine.count("added"), mine.count("removed"), mine.count("changed"))


def test_make_changes_prints_the_summary_and_the_first_changes(two_plans, capsys):
    assert cli.main(["changes", SECOND.isoformat(), "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert f"run_date {SECOND} against the previous plan {FIRST}:" in out
    assert "(first 5 shown)" in out


def test_make_explain_prints_the_items_days_with_their_reasons(two_plans, capsys):
    [row] = fetch_dicts("select item_id, manufacturing_location, fps_dt, reason from "
                        "stg2.ps_schedule_explain where run_date = %s and reason_code = "
                        "'not_scheduled_no_room' order by fps_dt, item_id limit 1", (SECOND,))
    assert cli.main(["explain", SECOND.isoformat(), row["item_id"]]) == 0
    out = capsys.readouterr().out
    assert f"item {row['item_id']}, run_date {SECOND}: " in out
    assert f"  {row['fps_dt']} {row['manufacturing_location']}: {row['reason']}" in out.splitlines()
    assert cli.main(["explain", SECOND.isoformat(), row["item_id"], "--fps-dt",
                     row["fps_dt"].isoformat(), "--location", row["manufacturing_location"]]) == 0
    assert "1 plan row(s)" in capsys.readouterr().out
    # a run_date never built says what to run
    assert cli.main(["explain", "2026-02-02", row["item_id"]]) == 2
    assert "run `make run RUN_DATE=2026-02-02` first" in capsys.readouterr().err


def test_the_daily_run_writes_a_report_that_draws_with_no_network(two_plans):
    path = report_path(reports_dir(), SECOND)
    assert path.exists()  # written by the planning/schedule_report asset of the run
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    seen = check_report_renders(path, ARTIFACTS / "report" / f"schedule_{SECOND}.png")
    assert seen["errors"] == [] and seen["refused"] == []
    assert seen["sections"] == ["schedule", "capacity", "not-served", "changes", "qa", "alerts"]
    pools = {(r["manufacturing_location"], r["line_type"]) for r in two_plans[SECOND]}
    assert seen["marks"]["capacity-heatmap"] >= len(pools) * 31  # a cell per pool and date
    assert seen["marks"]["capacity-tomorrow"] > 0 and seen["marks"]["reason-counts"] > 0


def _latest(instance, key: list[str], kind):
    [record] = instance.get_event_records(
        EventRecordsFilter(event_type=kind, asset_key=AssetKey(key),
                           asset_partitions=[SECOND.isoformat()]), limit=1)
    event = record.event_log_entry.dagster_event.event_specific_data
    return event.materialization if kind == DagsterEventType.ASSET_MATERIALIZATION \
        else event.asset_observation


def test_the_publish_carries_tomorrow_the_reasons_the_changes_and_the_report(two_plans):
    instance = DagsterInstance.get()
    published = _latest(instance, ["dwh", "fact_production_schedule"],
                        DagsterEventType.ASSET_MATERIALIZATION).metadata
    tomorrow = [r for r in two_plans[SECOND]
                if r["fps_dt"] == SECOND + timedelta(days=1) and r["production_lines"] > 0]
    markdown = published["tomorrow's schedule"].value
    for location in {r["manufacturing_location"] for r in tomorrow}:
        assert f"**{location}**: " in markdown
    assert "| scheduled_in_full |" in published["rows by reason code"].value
    assert published["schedule report"].value == str(report_path(reports_dir(), SECOND))
    observed = _latest(instance, ["dwh", "fact_production_schedule"],
                       DagsterEventType.ASSET_OBSERVATION).metadata
    assert f"Against the plan of run_date {FIRST}" in observed[
        "changes since the previous plan"].value


def test_the_daily_digest_says_what_changed_in_each_published_plan(two_plans):
    from types import SimpleNamespace

    from orchestration.alarms import AlarmName
    from orchestration.defs.monitoring.digest import changes_sections
    from orchestration.warehouse import connect, ensure_warehouse

    pending = [SimpleNamespace(alarm=AlarmName.JOB_SUCCEEDED, partition_key=SECOND.isoformat()),
               SimpleNamespace(alarm=AlarmName.JOB_SUCCEEDED, partition_key=SECOND.isoformat())]
    with connect(ensure_warehouse()) as conn:
        sections = changes_sections(conn, pending)
    [(title, lines)] = sections.items()
    assert title == f"Changes since the previous plan: run_date {SECOND} against {FIRST}"
    summary = fetch_dicts("select * from dwh.schedule_changes_by_location where run_date = %s "
                          "order by manufacturing_location", (SECOND,))
    assert [line.split(":")[0] for line in lines] == [r["manufacturing_location"] for r in summary]
    assert lines[0].startswith(f"{summary[0]['manufacturing_location']}: "
                               f"{summary[0]['items_added']} added, "
                               f"{summary[0]['items_removed']} removed, "
                               f"{summary[0]['items_changed']} changed; lines ")
