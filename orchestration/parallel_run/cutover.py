"""The cutover-readiness report of the parallel run (issue 11): is the platform ready
to take over `dwh.fact_production_schedule` from the legacy (Matillion) job?

The migration plan's criteria (Phase 3 "Parallel Run", Phase 4 "Cutover"):

* the output matches the legacy output within 0.1% for 10 consecutive run_dates;
* no P1 alert was raised during the parallel run;
* the row-count deviation stays under 1%.

The comparison writes one row per compared run_date into
`parallel_run.parallel_run_summary`; `read_days` reads it, `read_p1_alerts` reads
the alert log, `assess` decides (pure), `render` writes the report whose last line
is `cutover: ready` or `cutover: not ready (<first reason>)`.

`python -m orchestration.parallel_run.cutover [--today YYYY-MM-DD]` (`make
cutover-report`) prints the report; exit 0 ready, 1 not ready, 2 the warehouse
could not be read.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from orchestration.defs.monitoring import store
from orchestration.settings import DeploymentNotConfigured, Settings, Thresholds
from orchestration.warehouse import WarehouseUnreachable, connect, ensure_warehouse
from orchestration.warehouse.connection import table_exists

# The cutover criteria: the one place that says them.
REQUIRED_CONSECUTIVE_DAYS = 10   # consecutive run_dates within tolerance
# (N - M) / N of a run_date: within 0.1% (one owner: the settings' thresholds)
MAX_MISMATCH_SHARE = Thresholds.parallel_run_max_mismatch_share
MAX_ROW_COUNT_DEVIATION = 0.01   # |platform - legacy| / legacy must stay under 1%

TABLE_DAYS = 14                  # compared run_dates shown in the report's table

SUMMARY_SCHEMA = "parallel_run"
SUMMARY_TABLE = "parallel_run_summary"

P1Alert = tuple[datetime, str, str]  # (raised_at, alarm name, partition_key or "")


@dataclass(frozen=True)
class DaySummary:
    """One row of parallel_run.parallel_run_summary: one compared run_date."""

    run_date: date
    legacy_rows: int
    platform_rows: int
    keys_total: int          # N: distinct keys of both sides together
    keys_matching: int       # M
    rows_missing: int        # A: legacy rows the platform did not produce
    rows_extra: int          # B: platform rows the legacy job did not produce
    rows_differing: int      # C: same key, different values
    match_pct: float         # 100 * M / N
    row_count_deviation: float | None  # |platform - legacy| / legacy; None when legacy = 0
    is_within_tolerance: bool  # the comparison's own verdict (mismatch share <= 0.1%)

    @property
    def mismatch_share(self) -> float:
        """(N - M) / N; 1 when nothing was compared (N = 0 is never within tolerance)."""
        if self.keys_total <= 0:
            return 1.0
        return (self.keys_total - self.keys_matching) / self.keys_total

    @property
    def within(self) -> bool:
        """Within tolerance for the cutover: the comparison's flag and the criterion
        recomputed from N and M both say so (a disagreement counts as not within)."""
        return bool(self.is_within_tolerance) and self.mismatch_share <= MAX_MISMATCH_SHARE

    @property
    def deviation(self) -> float:
        """The row-count deviation as a number: no legacy row is 0 when the platform has
        none either, else infinite (a deviation that can only fail)."""
        if self.row_count_deviation is not None:
            return float(self.row_count_deviation)
        return 0.0 if self.platform_rows == self.legacy_rows == 0 else math.inf


@dataclass(frozen=True)
class Streak:
    """Consecutive run_dates (calendar days, no gap) that are all within tolerance."""

    length: int = 0
    first: date | None = None
    last: date | None = None

    def span(self) -> str:
        return f"{self.first}..{self.last}" if self.length else "none"


@dataclass(frozen=True)
class Criterion:
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class CutoverAssessment:
    today: date
    days: tuple[DaySummary, ...]              # one per run_date, oldest first
    first_run_date: date | None
    last_run_date: date | None
    current_streak: Streak                    # ends at last_run_date (length 0 if it is out)
    longest_streak: Streak                    # the latest of equally long ones
    worst_deviation: float | None             # over the current streak, else over all days
    worst_deviation_on: date | None
    p1_alerts: tuple[P1Alert, ...]
    criteria: tuple[Criterion, ...]
    verdict: str                              # "ready" or "not ready"
    reasons: tuple[str, ...]                  # one sentence per failed criterion

    @property
    def days_compared(self) -> int:
        return len(self.days)

    @property
    def ready(self) -> bool:
        return self.verdict == "ready"


# -- the decision -----------------------------------------------------------------------

def _pct(share: float) -> str:
    """0.014 -> '1.4%', 0.001 -> '0.1%', 0.01 -> '1%'."""
    if math.isinf(share):
        return "n/a (no legacy rows)"
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _streaks(days: list[DaySummary]) -> list[Streak]:
    """Every maximal run of consecutive within-tolerance run_dates, oldest first (days:
    one per run_date, oldest first). A run_date not compared breaks a run."""
    streaks: list[Streak] = []
    previous: DaySummary | None = None
    for day in days:
        if day.within:
            if (previous is not None and previous.within
                    and day.run_date == previous.run_date + timedelta(days=1)):
                streaks[-1] = Streak(streaks[-1].length + 1, streaks[-1].first, day.run_date)
            else:
                streaks.append(Streak(1, day.run_date, day.run_date))
        previous = day
    return streaks


def _alert_text(alert: P1Alert) -> str:
    raised_at, alarm, partition_key = alert
    if partition_key:
        return f"{alarm} on {partition_key}"
    return f"{alarm} at {raised_at:%Y-%m-%d %H:%M}"


def assess(days: list[DaySummary], p1_alerts: list[P1Alert], today: date) -> CutoverAssessment:
    """The cutover decision from the compared run_dates and the P1 alerts raised since
    the first of them. Ready iff the current streak is at least
    REQUIRED_CONSECUTIVE_DAYS, no P1 alert, and every run_date of the current streak
    has a row-count deviation under MAX_ROW_COUNT_DEVIATION."""
    by_date = {d.run_date: d for d in days}  # one per run_date: the last one given wins
    ordered = [by_date[k] for k in sorted(by_date)]
    alerts = tuple(sorted(p1_alerts, key=lambda a: a[0]))
    if not ordered:
        reason = "no run_date compared yet"
        return CutoverAssessment(
            today=today, days=(), first_run_date=None, last_run_date=None,
            current_streak=Streak(), longest_streak=Streak(), worst_deviation=None,
            worst_deviation_on=None, p1_alerts=alerts,
            criteria=(Criterion("run_dates compared", False, reason),),
            verdict="not ready", reasons=(reason,))

    streaks = _streaks(ordered)
    last = ordered[-1]
    current = streaks[-1] if streaks and streaks[-1].last == last.run_date else Streak()
    longest = max(reversed(streaks), key=lambda s: s.length) if streaks else Streak()

    criteria: list[Criterion] = []
    reasons: list[str] = []

    tolerance = _pct(MAX_MISMATCH_SHARE)
    streak_ok = current.length >= REQUIRED_CONSECUTIVE_DAYS
    streak_text = (f"current streak {current.length} of {REQUIRED_CONSECUTIVE_DAYS} "
                   f"consecutive run_dates within {tolerance} "
                   f"(longest {longest.length}: {longest.span()})")
    criteria.append(Criterion(
        f"{REQUIRED_CONSECUTIVE_DAYS} consecutive run_dates within {tolerance}", streak_ok,
        f"current streak {current.length} ({current.span()}), "
        f"longest {longest.length} ({longest.span()})"))
    if not streak_ok:
        reasons.append(streak_text)

    alerts_ok = not alerts
    shown = ", ".join(_alert_text(a) for a in alerts[:5])
    if len(alerts) > 5:
        shown += f" and {len(alerts) - 5} more"
    alerts_text = (f"{_plural(len(alerts), 'P1 alert')} during the parallel run: {shown}"
                   if alerts else "no P1 alert during the parallel run")
    criteria.append(Criterion("no P1 alert during the parallel run", alerts_ok,
                              f"{_plural(len(alerts), 'P1 alert')}: {shown}" if alerts
                              else "none"))
    if not alerts_ok:
        reasons.append(alerts_text)

    window = ([d for d in ordered if current.first <= d.run_date <= current.last]
              if current.length else ordered)
    worst = max(reversed(window), key=lambda d: d.deviation)
    over = [d for d in window if not d.deviation < MAX_ROW_COUNT_DEVIATION]
    limit = _pct(MAX_ROW_COUNT_DEVIATION)
    scope = "the current streak" if current.length else "all compared run_dates"
    deviation_ok = not over
    deviation_text = (f"row-count deviation {_pct(worst.deviation)} on {worst.run_date} "
                      f"(limit {limit})")
    if len(over) > 1:
        deviation_text += f", {len(over)} run_dates of {scope} at or over the limit"
    criteria.append(Criterion(
        f"row-count deviation under {limit} on every run_date of the current streak",
        deviation_ok, f"worst {_pct(worst.deviation)} on {worst.run_date} ({scope})"))
    if not deviation_ok:
        reasons.append(deviation_text)

    return CutoverAssessment(
        today=today, days=tuple(ordered), first_run_date=ordered[0].run_date,
        last_run_date=last.run_date, current_streak=current, longest_streak=longest,
        worst_deviation=worst.deviation, worst_deviation_on=worst.run_date, p1_alerts=alerts,
        criteria=tuple(criteria), verdict="not ready" if reasons else "ready",
        reasons=tuple(reasons))


# -- the report -------------------------------------------------------------------------

def final_line(assessment: CutoverAssessment) -> str:
    if assessment.ready:
        return "cutover: ready"
    return f"cutover: not ready ({assessment.reasons[0]})"


def render(assessment: CutoverAssessment) -> str:
    a = assessment
    lines = [f"Cutover readiness of the parallel run, as of {a.today}"]
    if a.days:
        behind = (a.today - a.last_run_date).days
        lines.append(f"{_plural(a.days_compared, 'run_date')} compared: "
                     f"{a.first_run_date}..{a.last_run_date} "
                     f"(last compared {_plural(behind, 'day')} before today)")
    else:
        lines.append("no run_date compared yet")
    lines += ["", "criteria:"]
    for c in a.criteria:
        mark = "✓ ok    " if c.ok else "✗ FAILED"
        lines.append(f"  {mark}  {c.label}: {c.detail}")

    lines += ["", f"last {TABLE_DAYS} compared run_dates:"]
    shown = a.days[-TABLE_DAYS:]
    if shown:
        lines.append(f"  {'run_date':10s}  {'match %':>8s}  {'missing':>7s}  {'extra':>7s}  "
                     f"{'differ':>7s}  {'deviation':>9s}  within")
        previous = None
        for d in shown:
            if previous is not None and d.run_date - previous.run_date > timedelta(days=1):
                first, last = previous.run_date + timedelta(days=1), d.run_date - timedelta(days=1)
                span = str(first) if first == last else f"{first}..{last}"
                lines.append(f"  ({span} not compared)")
            deviation = "-" if math.isinf(d.deviation) else _pct(d.deviation)
            lines.append(f"  {d.run_date!s:10s}  {float(d.match_pct):8.2f}  {d.rows_missing:7d}  "
                         f"{d.rows_extra:7d}  {d.rows_differing:7d}  {deviation:>9s}  "
                         f"{'yes' if d.within else 'NO'}")
            previous = d
    else:
        lines.append("  none")
    lines += ["", final_line(a)]
    return "\n".join(lines)


def weekly_summary_line(assessment: CutoverAssessment) -> str:
    """One sentence for the weekly P4 summary."""
    a = assessment
    compared = (f"{_plural(a.days_compared, 'run_date')} compared "
                f"({a.first_run_date}..{a.last_run_date})" if a.days
                else "0 run_dates compared")
    verdict = "ready" if a.ready else "not ready: " + "; ".join(a.reasons)
    return (f"parallel run: {compared}, current streak "
            f"{a.current_streak.length}/{REQUIRED_CONSECUTIVE_DAYS}, {verdict}")


# -- the warehouse ----------------------------------------------------------------------

_DAYS_QUERY = (
    "select run_date, legacy_rows, platform_rows, keys_total, keys_matching, rows_missing, "
    "rows_extra, rows_differing, match_pct, row_count_deviation, is_within_tolerance "
    "from (select run_date, legacy_rows, platform_rows, keys_total, keys_matching, "
    "rows_missing, rows_extra, rows_differing, match_pct, row_count_deviation, "
    "is_within_tolerance, row_number() over (partition by run_date "
    "order by compared_at desc) as latest "
    "from parallel_run.parallel_run_summary) summary "
    "where latest = 1 order by run_date")


def _number(value) -> float | None:
    return None if value is None else float(value)


def read_days(conn) -> list[DaySummary]:
    """The compared run_dates, oldest first (the latest comparison of each); [] while
    the summary table does not exist."""
    with conn.cursor() as cur:
        if not table_exists(cur, SUMMARY_SCHEMA, SUMMARY_TABLE):
            return []
        cur.execute(_DAYS_QUERY)
        rows = cur.fetchall()
    return [DaySummary(
        run_date=r[0], legacy_rows=int(r[1] or 0), platform_rows=int(r[2] or 0),
        keys_total=int(r[3] or 0), keys_matching=int(r[4] or 0), rows_missing=int(r[5] or 0),
        rows_extra=int(r[6] or 0), rows_differing=int(r[7] or 0),
        match_pct=_number(r[8]) or 0.0, row_count_deviation=_number(r[9]),
        is_within_tolerance=bool(r[10])) for r in rows]


def read_p1_alerts(conn, since: datetime) -> list[P1Alert]:
    """The P1 alerts of the alert log first raised at or after since, oldest first;
    [] while the alert log does not exist (nothing was ever raised)."""
    with conn.cursor() as cur:
        if not table_exists(cur, store.SCHEMA, "alert_log"):
            return []
    return [(a.first_raised_at, str(a.alarm), a.partition_key or "")
            for a in store.AlertLog(conn).alerts_since(since) if a.severity.value == "P1"]


def parallel_run_start(first_run_date: date, plant_timezone: str) -> datetime:
    """The start of the parallel run: midnight, plant time, of the first compared run_date."""
    return datetime.combine(first_run_date, time.min, tzinfo=ZoneInfo(plant_timezone))


def assess_warehouse(conn, settings: Settings, today: date) -> CutoverAssessment:
    """The assessment over what the warehouse holds (the report and the weekly summary)."""
    days = read_days(conn)
    alerts = (read_p1_alerts(conn, parallel_run_start(days[0].run_date, settings.plant_timezone))
              if days else [])
    return assess(days, alerts, today)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.parallel_run.cutover",
        description="The cutover-readiness report of the parallel run: exit 0 ready, "
                    "1 not ready, 2 the warehouse could not be read.")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="the report's date (default: today, plant time)")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
        today = args.today or settings.today()
        with connect(ensure_warehouse()) as conn:
            assessment = assess_warehouse(conn, settings, today)
    except (WarehouseUnreachable, DeploymentNotConfigured) as error:
        print(f"cutover report: {error}", file=sys.stderr)
        return 2
    print(render(assessment))
    return 0 if assessment.ready else 1


if __name__ == "__main__":
    sys.exit(main())
