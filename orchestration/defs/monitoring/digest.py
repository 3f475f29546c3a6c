"""The P4 digest: the daily digest of pending P4 entries (job-completed-successfully)
and the weekly metrics summary (runs, durations, row counts, alerts of the week).

`python -m orchestration.defs.monitoring.digest [--weekly]` sends one by hand; the
daemon's schedules run the same functions.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from orchestration import settings
from orchestration.alarms import AlarmName
from orchestration.defs.monitoring import store
from orchestration.parallel_run import cutover
from orchestration.planning import queries as planning_queries
from orchestration.planning.tables import number
from orchestration.defs.schedule.history import row_counts_of
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.mail import DigestEntry, digest_sender_from_env, render_digest
from orchestration.defs.monitoring.router import AlertRouter


def _entry(logged) -> DigestEntry:
    return DigestEntry(alarm=logged.alarm, severity=logged.severity.value,
                       partition=logged.partition_key, summary=logged.summary,
                       raised_at=logged.first_raised_at, numbers=logged.numbers)


def default_sender():
    return digest_sender_from_env(settings.pst_home() / "digests")


def changes_sections(conn, pending) -> dict[str, list[str]]:
    """Per published run_date of the digest: what changed since the previous plan, one
    line per location (the dwh schedule_changes_by_location model)."""
    run_dates = sorted({date.fromisoformat(p.partition_key) for p in pending
                        if p.alarm == AlarmName.JOB_SUCCEEDED and p.partition_key})
    sections = {}
    with conn.cursor() as cur:
        for run_date in run_dates:
            previous = planning_queries.previous_run_date(cur, run_date)
            if previous is None:
                continue
            sections[f"Changes since the previous plan: run_date {run_date} against "
                     f"{previous}"] = [
                f"{r['manufacturing_location']}: {r['items_added']} added, "
                f"{r['items_removed']} removed, {r['items_changed']} changed; lines "
                f"{number(r['previous_production_lines'])} -> {number(r['production_lines'])}, "
                f"units {number(r['previous_production_goal_total'])} -> "
                f"{number(r['production_goal_total'])}"
                for r in planning_queries.changes_by_location(cur, run_date)]
    return sections


def send_daily_digest(router: AlertRouter, sender=None, now: datetime | None = None) -> str | None:
    """Send every pending P4 entry in one digest; None when there is nothing to send."""
    pending = router.pending_digest()
    if not pending:
        return None
    now = now or datetime.now(timezone.utc)
    subject, body = render_digest(f"Production schedule daily digest {now:%Y-%m-%d}",
                                  [_entry(p) for p in pending],
                                  changes_sections(router.alert_log.conn, pending))
    via = (sender or default_sender()).send(subject, body)
    router.mark_digested(pending, via)
    return via


def week_runs(instance, since: datetime, until: datetime) -> list:
    """The week's runs that build (or try to build) the schedule, from Dagster's own
    run records: every run counts, also one that failed before its first step."""
    from dagster import RunsFilter  # noqa: PLC0415

    from orchestration.defs.job_names import REPORTING_JOBS  # noqa: PLC0415

    records = instance.get_run_records(RunsFilter(created_after=since, created_before=until))
    return [r for r in records if r.dagster_run.job_name not in REPORTING_JOBS]


def week_published_run_dates(instance, since: datetime, until: datetime) -> list[date]:
    """The run_dates whose schedule was published in the week (Dagster's materializations
    of dwh/fact_production_schedule)."""
    from dagster import AssetKey, AssetRecordsFilter  # noqa: PLC0415

    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(["dwh", "fact_production_schedule"]),
                           after_timestamp=since.timestamp(), before_timestamp=until.timestamp()),
        limit=10_000).records
    return sorted({date.fromisoformat(r.partition_key) for r in records if r.partition_key})


def weekly_sections(conn, instance, since: datetime, until: datetime) -> dict[str, list[str]]:
    runs = week_runs(instance, since, until)
    statuses = Counter(r.dagster_run.status.value.lower() for r in runs)
    durations = [r.end_time - r.start_time for r in runs
                 if r.dagster_run.status.value == "SUCCESS" and r.start_time and r.end_time]
    counts = row_counts_of(conn, week_published_run_dates(instance, since, until))
    alerts = store.AlertLog(conn).alerts_since(since)
    by_alarm: dict[str, int] = {}
    for a in alerts:
        if a.alarm not in (AlarmName.JOB_SUCCEEDED, AlarmName.WEEKLY_SUMMARY):
            by_alarm[a.alarm] = by_alarm.get(a.alarm, 0) + 1
    sections = {
        "Runs": [f"{len(runs)} runs: " + ", ".join(
            f"{n} {status}" for status, n in sorted(statuses.items()))] if runs else ["no runs"],
        "Durations": [f"successful runs: average {sum(durations) / len(durations):.0f} s, "
                      f"max {max(durations):.0f} s"] if durations else ["no successful run"],
        "Row counts": [f"{d}: tomorrow {t:,}, total {n:,}" for d, t, n in counts]
        or ["no schedule published"],
        "Alerts": [f"{alarm_name}: {n}" for alarm_name, n in sorted(by_alarm.items())]
        or ["no P1-P3 alerts"],
    }
    # during the parallel run (some run_date compared): the cutover criteria's state
    parallel_run = cutover.assess_warehouse(conn, settings.Settings.from_env(), until.date())
    if parallel_run.days:
        sections["Parallel run"] = [cutover.weekly_summary_line(parallel_run)]
    return sections


def send_weekly_summary(conn, router: AlertRouter, instance=None, sender=None,
                        now: datetime | None = None) -> str:
    """The weekly-metrics-summary (P4): logged, then sent at once with its sections."""
    from dagster import DagsterInstance  # noqa: PLC0415

    now = now or datetime.now(timezone.utc)
    since = now - timedelta(days=7)
    if instance is None:
        with DagsterInstance.get() as own:
            sections = weekly_sections(conn, own, since, now + timedelta(seconds=1))
    else:
        sections = weekly_sections(conn, instance, since, now + timedelta(seconds=1))
    week = f"{since:%Y-%m-%d}..{now:%Y-%m-%d}"
    router.raise_finding(Finding(AlarmName.WEEKLY_SUMMARY, f"week {week}", subject=week,
                                 numbers={k: " | ".join(v) for k, v in sections.items()}))
    pending = router.pending_digest()
    subject, body = render_digest(f"Production schedule weekly summary {week}",
                                  [_entry(p) for p in pending], sections)
    via = (sender or default_sender()).send(subject, body)
    router.mark_digested(pending, via)
    return via


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.defs.monitoring.digest")
    parser.add_argument("--weekly", action="store_true", help="the weekly summary")
    args = parser.parse_args()
    from orchestration.defs.monitoring.service import AlertingResource  # noqa: PLC0415
    from orchestration.warehouse import connect, ensure_warehouse  # noqa: PLC0415

    with connect(ensure_warehouse()) as conn:
        router = AlertingResource().router(conn)
        via = (send_weekly_summary(conn, router) if args.weekly else send_daily_digest(router))
    print(f"digest sent: {via}" if via else "nothing to send")


if __name__ == "__main__":
    main()
