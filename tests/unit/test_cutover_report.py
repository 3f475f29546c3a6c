"""The cutover-readiness report (issue 11): the decision and the report, from summary
rows made here (no warehouse); the two readers through a recording connection."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from orchestration.parallel_run.cutover import (
    MAX_MISMATCH_SHARE,
    MAX_ROW_COUNT_DEVIATION,
    REQUIRED_CONSECUTIVE_DAYS,
    DaySummary,
    Streak,
    assess,
    read_days,
    read_p1_alerts,
    render,
    weekly_summary_line,
)
from tests.fakes.recording_cursor import RecordingConnection
from tests.fakes.redshift_rules import check_statements

START = date(2026, 11, 10)
TODAY = date(2026, 11, 30)


def day(run_date: date, *, keys: int = 10_000, mismatching: int = 0, legacy: int = 10_000,
        platform: int | None = None) -> DaySummary:
    """A summary row as the comparison writes it (its derived columns computed the same way)."""
    platform = legacy if platform is None else platform
    matching = keys - mismatching
    return DaySummary(
        run_date=run_date, legacy_rows=legacy, platform_rows=platform, keys_total=keys,
        keys_matching=matching, rows_missing=mismatching, rows_extra=0, rows_differing=0,
        match_pct=round(100 * matching / keys, 2),
        row_count_deviation=abs(platform - legacy) / legacy if legacy else None,
        is_within_tolerance=(keys - matching) / keys <= 0.001)


def run_dates(first: date, n: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def good_days(first: date = START, n: int = 10) -> list[DaySummary]:
    return [day(d) for d in run_dates(first, n)]


def test_the_criteria_are_the_plans():
    assert (REQUIRED_CONSECUTIVE_DAYS, MAX_MISMATCH_SHARE, MAX_ROW_COUNT_DEVIATION) == (
        10, 0.001, 0.01)


def test_ten_consecutive_run_dates_within_tolerance_are_ready():
    a = assess(good_days(), [], TODAY)
    assert a.verdict == "ready"
    assert a.reasons == ()
    assert a.days_compared == 10
    assert (a.first_run_date, a.last_run_date) == (date(2026, 11, 10), date(2026, 11, 19))
    assert a.current_streak == Streak(10, date(2026, 11, 10), date(2026, 11, 19))
    assert a.longest_streak == a.current_streak
    assert render(a).splitlines()[-1] == "cutover: ready"


def test_nine_are_not_enough():
    a = assess(good_days(n=9), [], TODAY)
    assert a.verdict == "not ready"
    assert a.reasons == ("current streak 9 of 10 consecutive run_dates within 0.1% "
                         "(longest 9: 2026-11-10..2026-11-18)",)


def test_exactly_the_tolerance_is_within_it_and_one_key_more_is_not():
    """10 mismatching keys of 10,000 is 0.1% (within); 11 is not."""
    days = good_days()
    days[-1] = day(days[-1].run_date, mismatching=10)
    assert assess(days, [], TODAY).verdict == "ready"
    days[-1] = day(days[-1].run_date, mismatching=11)
    a = assess(days, [], TODAY)
    assert a.current_streak == Streak()
    assert a.longest_streak == Streak(9, date(2026, 11, 10), date(2026, 11, 18))


def test_a_divergent_day_in_the_middle_restarts_the_streak():
    # days 1..10 (2026-11-10..19), day 5 (2026-11-14) diverges: 4 before it, 5 after
    days = good_days()
    days[4] = day(date(2026, 11, 14), mismatching=50)
    a = assess(days, [], TODAY)
    assert a.verdict == "not ready"
    assert a.current_streak == Streak(5, date(2026, 11, 15), date(2026, 11, 19))
    assert a.longest_streak == Streak(5, date(2026, 11, 15), date(2026, 11, 19))
    assert a.reasons[0] == ("current streak 5 of 10 consecutive run_dates within 0.1% "
                            "(longest 5: 2026-11-15..2026-11-19)")


def test_current_and_longest_streak_differ():
    # 12 days 2026-11-10..21; day 8 (2026-11-17) diverges: longest 7 (10..16), current 4 (18..21)
    days = good_days(n=12)
    days[7] = day(date(2026, 11, 17), mismatching=200)
    a = assess(days, [], TODAY)
    assert a.current_streak == Streak(4, date(2026, 11, 18), date(2026, 11, 21))
    assert a.longest_streak == Streak(7, date(2026, 11, 10), date(2026, 11, 16))
    assert a.reasons == ("current streak 4 of 10 consecutive run_dates within 0.1% "
                         "(longest 7: 2026-11-10..2026-11-16)",)
    assert render(a).splitlines()[-1] == (
        "cutover: not ready (current streak 4 of 10 consecutive run_dates within 0.1% "
        "(longest 7: 2026-11-10..2026-11-16))")


def test_a_divergent_last_day_leaves_no_current_streak():
    days = good_days(n=11)
    days[-1] = day(date(2026, 11, 20), mismatching=500)
    a = assess(days, [], TODAY)
    assert a.current_streak.length == 0
    assert a.longest_streak == Streak(10, date(2026, 11, 10), date(2026, 11, 19))
    assert a.reasons[0] == ("current streak 0 of 10 consecutive run_dates within 0.1% "
                            "(longest 10: 2026-11-10..2026-11-19)")


def test_a_gap_in_the_run_dates_breaks_the_streak():
    # 2026-11-10..14 and 2026-11-16..21: ten compared, all within, 2026-11-15 never compared
    days = good_days(n=5) + good_days(date(2026, 11, 16), n=6)
    a = assess(days, [], TODAY)
    assert a.days_compared == 11
    assert a.verdict == "not ready"
    assert a.current_streak == Streak(6, date(2026, 11, 16), date(2026, 11, 21))
    assert a.longest_streak == Streak(6, date(2026, 11, 16), date(2026, 11, 21))
    assert "  (2026-11-15 not compared)" in render(a).splitlines()


def test_the_order_of_the_rows_does_not_matter():
    days = good_days(n=12)
    days[7] = day(date(2026, 11, 17), mismatching=200)
    assert assess(list(reversed(days)), [], TODAY) == assess(days, [], TODAY)


def test_a_p1_alert_makes_it_not_ready_and_is_named():
    alert = (datetime(2026, 11, 12, 11, 3, tzinfo=timezone.utc), "prod-schedule-empty-output",
             "2026-11-12")
    a = assess(good_days(), [alert], TODAY)
    assert a.verdict == "not ready"
    assert a.current_streak.length == 10
    assert a.reasons == (
        "1 P1 alert during the parallel run: prod-schedule-empty-output on 2026-11-12",)
    report = render(a)
    assert report.splitlines()[-1] == (
        "cutover: not ready (1 P1 alert during the parallel run: "
        "prod-schedule-empty-output on 2026-11-12)")
    assert any(line.strip().startswith("✗ FAILED  no P1 alert") for line in report.splitlines())


def test_several_p1_alerts_are_counted_oldest_first():
    alerts = [(datetime(2026, 11, 15, 11, tzinfo=timezone.utc), "prod-schedule-job-failed",
               "2026-11-15"),
              (datetime(2026, 11, 11, 11, tzinfo=timezone.utc), "staffing-data-missing", "")]
    a = assess(good_days(), alerts, TODAY)
    assert a.reasons == ("2 P1 alerts during the parallel run: staffing-data-missing at "
                         "2026-11-11 11:00, prod-schedule-job-failed on 2026-11-15",)


def test_a_row_count_deviation_of_one_and_a_half_percent_on_a_streak_day():
    days = good_days()
    days[6] = day(date(2026, 11, 16), legacy=10_000, platform=10_150)
    a = assess(days, [], TODAY)
    assert a.current_streak.length == 10  # the keys still match within 0.1%
    assert a.verdict == "not ready"
    assert a.worst_deviation == 0.015
    assert a.worst_deviation_on == date(2026, 11, 16)
    assert a.reasons == ("row-count deviation 1.5% on 2026-11-16 (limit 1%)",)
    assert render(a).splitlines()[-1] == (
        "cutover: not ready (row-count deviation 1.5% on 2026-11-16 (limit 1%))")


def test_a_deviation_of_exactly_one_percent_is_not_under_it():
    days = good_days()
    days[2] = day(date(2026, 11, 12), legacy=10_000, platform=9_900)
    assert assess(days, [], TODAY).reasons == (
        "row-count deviation 1% on 2026-11-12 (limit 1%)",)
    days[2] = day(date(2026, 11, 12), legacy=10_000, platform=9_901)
    assert assess(days, [], TODAY).verdict == "ready"


def test_a_deviation_before_the_current_streak_does_not_count():
    days = good_days(n=12)
    days[0] = day(date(2026, 11, 10), legacy=10_000, platform=12_000, mismatching=2_000)
    a = assess(days, [], TODAY)
    assert a.current_streak == Streak(11, date(2026, 11, 11), date(2026, 11, 21))
    assert a.verdict == "ready"
    assert a.worst_deviation == 0.0


def test_every_failed_criterion_is_a_reason_in_order():
    days = good_days(n=4)
    days[1] = day(date(2026, 11, 11), legacy=1_000, platform=1_020)
    alert = (datetime(2026, 11, 12, 10, tzinfo=timezone.utc), "prod-schedule-row-count-critical",
             "2026-11-12")
    a = assess(days, [alert], TODAY)
    assert a.reasons == (
        "current streak 4 of 10 consecutive run_dates within 0.1% "
        "(longest 4: 2026-11-10..2026-11-13)",
        "1 P1 alert during the parallel run: prod-schedule-row-count-critical on 2026-11-12",
        "row-count deviation 2% on 2026-11-11 (limit 1%)")
    assert [c.ok for c in a.criteria] == [False, False, False]
    assert weekly_summary_line(a) == (
        "parallel run: 4 run_dates compared (2026-11-10..2026-11-13), current streak 4/10, "
        "not ready: " + "; ".join(a.reasons))


def test_no_day_compared_is_not_ready():
    a = assess([], [], TODAY)
    assert a.verdict == "not ready"
    assert a.reasons == ("no run_date compared yet",)
    assert a.days_compared == 0
    assert (a.first_run_date, a.last_run_date) == (None, None)
    report = render(a)
    assert report.splitlines()[-1] == "cutover: not ready (no run_date compared yet)"
    assert weekly_summary_line(a) == (
        "parallel run: 0 run_dates compared, current streak 0/10, not ready: "
        "no run_date compared yet")


def test_the_report_shows_the_last_14_run_dates():
    days = good_days(n=20)
    days[12] = day(date(2026, 11, 22), mismatching=30, legacy=10_000, platform=10_030)
    a = assess(days, [], TODAY)
    lines = render(a).splitlines()
    rows = [line for line in lines if line.startswith("  2026-")]
    assert [r.split()[0] for r in rows] == [str(d) for d in run_dates(date(2026, 11, 16), 14)]
    assert rows[6].split() == ["2026-11-22", "99.70", "30", "0", "0", "0.3%", "NO"]
    assert rows[0].split() == ["2026-11-16", "100.00", "0", "0", "0", "0%", "yes"]
    assert "20 run_dates compared: 2026-11-10..2026-11-29 (last compared 1 day before today)" \
        in lines
    assert lines[-1] == ("cutover: not ready (current streak 7 of 10 consecutive run_dates "
                         "within 0.1% (longest 12: 2026-11-10..2026-11-21))")
    assert sum(1 for line in lines if "✓ ok" in line) == 2
    assert sum(1 for line in lines if "✗ FAILED" in line) == 1
    ready = render(assess(good_days(), [], TODAY)).splitlines()
    assert weekly_summary_line(assess(good_days(), [], TODAY)) == (
        "parallel run: 10 run_dates compared (2026-11-10..2026-11-19), current streak 10/10, "
        "ready")
    assert sum(1 for line in ready if "✓ ok" in line) == 3


# -- the readers, through a recording connection (the SQL as Redshift would get it) ---

def test_read_days_is_empty_without_the_table_and_reads_the_rows():
    conn = RecordingConnection()  # information_schema answers 0: no table
    assert read_days(conn) == []
    assert len(conn.statements) == 1

    row = (date(2026, 11, 10), 10_000, 10_050, 10_060, 10_000, 10, 50, 0, "99.40", "0.005",
           False)

    def answer(statement: str):
        if "information_schema.tables" in statement:
            return [(1,)]
        return [row] if "parallel_run.parallel_run_summary" in statement else []

    conn = RecordingConnection(answer=answer)
    assert read_days(conn) == [DaySummary(
        run_date=date(2026, 11, 10), legacy_rows=10_000, platform_rows=10_050, keys_total=10_060,
        keys_matching=10_000, rows_missing=10, rows_extra=50, rows_differing=0, match_pct=99.4,
        row_count_deviation=0.005, is_within_tolerance=False)]
    assert "'parallel_run'" in conn.statements[0] and "'parallel_run_summary'" in conn.statements[0]
    assert "order by compared_at desc" in conn.statements[1]
    assert check_statements(conn.statements) == []


def test_read_p1_alerts_keeps_the_p1s_only():
    from orchestration.defs.monitoring import store

    columns = [c for c, _ in store._TABLES["alert_log"]]

    def logged(alarm: str, severity: str, partition: str | None, at: datetime) -> tuple:
        record = dict.fromkeys(columns)
        record.update(alert_id=alarm, fingerprint=alarm, alarm=alarm, severity=severity,
                      route="alerts", partition_key=partition, subject="", summary="",
                      numbers="{}", runbook_url="", status="open", first_raised_at=at,
                      pending=False)
        return tuple(record[c] for c in columns)

    at = datetime(2026, 11, 12, 11, tzinfo=timezone.utc)
    rows = [logged("prod-schedule-empty-output", "P1", "2026-11-12", at),
            logged("prod-schedule-row-count-warning", "P2", "2026-11-12", at),
            logged("prod-schedule-job-failed", "P1", None, at)]

    assert read_p1_alerts(RecordingConnection(), at) == []  # no alert log: nothing raised

    def answer(statement: str):
        if "information_schema.tables" in statement:
            return [(1,)]
        return rows if "first_raised_at >=" in statement else []

    conn = RecordingConnection(answer=answer)
    assert read_p1_alerts(conn, at) == [(at, "prod-schedule-empty-output", "2026-11-12"),
                                        (at, "prod-schedule-job-failed", "")]
    assert check_statements(conn.statements) == []
