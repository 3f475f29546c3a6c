"""The monitoring tables in the warehouse (schema `ops`): the alert log, run
metrics and the schedule's row counts. They live next to the data so that the
history survives restarts of Dagster and serves backfills, sensors and the
in-process `make run` alike.

  ops.alert_log          one row per alert (an open condition, until resolved)
  ops.processed_runs     runs whose events were turned into findings (once per run)
  ops.run_metrics        one row per finished run: status, duration
  ops.schedule_row_counts one row per run_date: the staged schedule's row counts

SQL is composed with psycopg2.sql; types are portable to Redshift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from psycopg2 import sql

from orchestration.alerting.catalog import Severity

SCHEMA = "ops"
TEXT = "varchar(65535)"

_TABLES = {
    "alert_log": [
        ("alert_id", "varchar(64)"), ("fingerprint", "varchar(32)"), ("alarm", "varchar(64)"),
        ("severity", "varchar(2)"), ("route", "varchar(16)"), ("channel", "varchar(256)"),
        ("partition_key", "varchar(32)"), ("subject", "varchar(512)"), ("summary", TEXT),
        ("numbers", TEXT), ("run_id", "varchar(64)"), ("runbook_url", TEXT),
        ("dagster_url", TEXT), ("status", "varchar(16)"), ("first_raised_at", "timestamptz"),
        ("last_seen_at", "timestamptz"), ("resolved_at", "timestamptz"),
        ("pending", "boolean"), ("sent_severity", "varchar(2)"), ("delivered_at", "timestamptz"),
        ("delivered_via", TEXT), ("delivery_attempts", "integer"),
        ("last_delivery_error", TEXT),
    ],
    "processed_runs": [("run_id", "varchar(64)"), ("processed_at", "timestamptz")],
    "run_metrics": [
        ("run_id", "varchar(64)"), ("job_name", "varchar(256)"), ("partition_key", "varchar(32)"),
        ("status", "varchar(32)"), ("started_at", "timestamptz"), ("ended_at", "timestamptz"),
        ("duration_seconds", "numeric(12,3)"),
    ],
    "schedule_row_counts": [
        ("run_date", "date"), ("tomorrow_rows", "integer"), ("total_rows", "integer"),
        ("candidates_tomorrow", "integer"), ("over_capacity_tomorrow", "integer"),
        ("status", "varchar(16)"), ("recorded_at", "timestamptz"),
    ],
}


def _table(name: str) -> sql.Composed:
    return sql.Identifier(SCHEMA, name)


def ensure_tables(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(SCHEMA)))
        for name, columns in _TABLES.items():
            cur.execute(sql.SQL("create table if not exists {} ({})").format(
                _table(name), sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns)))


@dataclass
class LoggedAlert:
    alert_id: str
    fingerprint: str
    alarm: str
    severity: Severity
    route: str
    channel: str | None
    partition_key: str | None
    subject: str
    summary: str
    numbers: dict
    run_id: str | None
    runbook_url: str
    dagster_url: str | None
    status: str
    first_raised_at: datetime
    pending: bool
    sent_severity: Severity | None
    delivered_at: datetime | None
    delivery_attempts: int
    last_delivery_error: str | None


_ALERT_COLUMNS = [c for c, _ in _TABLES["alert_log"]]


def _logged(row) -> LoggedAlert:
    record = dict(zip(_ALERT_COLUMNS, row))
    return LoggedAlert(
        alert_id=record["alert_id"], fingerprint=record["fingerprint"], alarm=record["alarm"],
        severity=Severity(record["severity"]), route=record["route"], channel=record["channel"],
        partition_key=record["partition_key"], subject=record["subject"] or "",
        summary=record["summary"], numbers=json.loads(record["numbers"] or "{}"),
        run_id=record["run_id"], runbook_url=record["runbook_url"],
        dagster_url=record["dagster_url"], status=record["status"],
        first_raised_at=record["first_raised_at"], pending=record["pending"],
        sent_severity=Severity(record["sent_severity"]) if record["sent_severity"] else None,
        delivered_at=record["delivered_at"], delivery_attempts=record["delivery_attempts"] or 0,
        last_delivery_error=record["last_delivery_error"])


def _select_alerts(where: sql.Composable) -> sql.Composed:
    return sql.SQL("select {} from {} where {}").format(
        sql.SQL(", ").join(map(sql.Identifier, _ALERT_COLUMNS)), _table("alert_log"), where)


class AlertLog:
    """ops.alert_log: what was raised, what was sent, what is still pending."""

    def __init__(self, conn):
        self.conn = conn
        ensure_tables(conn)

    def open_alert(self, fingerprint: str) -> LoggedAlert | None:
        with self.conn.cursor() as cur:
            cur.execute(_select_alerts(sql.SQL("fingerprint = %s and status = 'open'")),
                        (fingerprint,))
            row = cur.fetchone()
        return _logged(row) if row else None

    def insert(self, values: dict) -> None:
        columns = list(values)
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL("insert into {} ({}) values ({})").format(
                _table("alert_log"), sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(columns))),
                [values[c] for c in columns])

    def update(self, alert_id: str, values: dict) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL("update {} set {} where alert_id = %s").format(
                _table("alert_log"), sql.SQL(", ").join(
                    sql.SQL("{} = %s").format(sql.Identifier(c)) for c in values)),
                [*values.values(), alert_id])

    def pending(self, routes: tuple[str, ...]) -> list[LoggedAlert]:
        with self.conn.cursor() as cur:
            cur.execute(_select_alerts(sql.SQL("pending and route in %s order by first_raised_at")),
                        (routes,))
            return [_logged(r) for r in cur.fetchall()]

    def open_fingerprints(self, alarm: str, subject: str, partition_key: str | None) -> list[str]:
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL("select fingerprint from {} where status = 'open' and alarm = %s "
                                "and subject = %s and coalesce(partition_key, '') = %s").format(
                _table("alert_log")), (alarm, subject, partition_key or ""))
            return [r[0] for r in cur.fetchall()]

    def alerts_since(self, since: datetime) -> list[LoggedAlert]:
        with self.conn.cursor() as cur:
            cur.execute(_select_alerts(sql.SQL("first_raised_at >= %s order by first_raised_at")),
                        (since,))
            return [_logged(r) for r in cur.fetchall()]


def mark_run_processed(conn, run_id: str, now: datetime) -> bool:
    """True the first time a run is processed (its alerts are raised once)."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("select 1 from {} where run_id = %s").format(_table("processed_runs")),
                    (run_id,))
        if cur.fetchone():
            return False
        cur.execute(sql.SQL("insert into {} values (%s, %s)").format(_table("processed_runs")),
                    (run_id, now))
        return True


def record_run(conn, run_id: str, job_name: str, partition_key: str | None, status: str,
               started_at: datetime | None, ended_at: datetime | None) -> None:
    ensure_tables(conn)
    duration = (ended_at - started_at).total_seconds() if started_at and ended_at else None
    with conn.cursor() as cur:
        cur.execute(sql.SQL("delete from {} where run_id = %s").format(_table("run_metrics")),
                    (run_id,))
        cur.execute(sql.SQL("insert into {} values (%s, %s, %s, %s, %s, %s, %s)").format(
            _table("run_metrics")),
            (run_id, job_name, partition_key, status, started_at, ended_at, duration))


def recent_durations(conn, job_name: str, before: datetime, days: int = 7,
                     exclude_run_id: str | None = None) -> list[float]:
    """Durations of the job's successful runs that started in the `days` before `before`."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL(
            "select duration_seconds from {} where job_name = %s and status = 'SUCCESS' "
            "and started_at >= %s and started_at < %s and run_id <> %s "
            "and duration_seconds is not null").format(_table("run_metrics")),
            (job_name, before - timedelta(days=days), before, exclude_run_id or ""))
        return [float(r[0]) for r in cur.fetchall()]


def record_row_counts(conn, run_date: date, tomorrow_rows: int, total_rows: int,
                      candidates_tomorrow: int, over_capacity_tomorrow: int, status: str,
                      now: datetime) -> None:
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("delete from {} where run_date = %s").format(
            _table("schedule_row_counts")), (run_date,))
        cur.execute(sql.SQL("insert into {} values (%s, %s, %s, %s, %s, %s, %s)").format(
            _table("schedule_row_counts")),
            (run_date, tomorrow_rows, total_rows, candidates_tomorrow, over_capacity_tomorrow,
             status, now))


def row_count_baseline(conn, run_date: date, run_dates: int = 7) -> list[tuple[date, int, int]]:
    """(run_date, tomorrow's rows, all rows) of the previous `run_dates` run_dates that
    exist and were published (status pass or warn): what a row count is compared with."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL(
            "select run_date, tomorrow_rows, total_rows from {} where run_date < %s "
            "and status in ('pass', 'warn') order by run_date desc limit %s").format(
            _table("schedule_row_counts")), (run_date, run_dates))
        return [(r[0], int(r[1]), int(r[2])) for r in cur.fetchall()]


def row_counts_between(conn, since: datetime, until: datetime) -> list[tuple]:
    """The row counts recorded (runs built) in [since, until), by run_date."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("select run_date, tomorrow_rows, total_rows, status from {} "
                            "where recorded_at >= %s and recorded_at < %s "
                            "order by run_date").format(_table("schedule_row_counts")),
                    (since, until))
        return cur.fetchall()


def runs_between(conn, since: datetime, until: datetime) -> list[tuple]:
    ensure_tables(conn)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("select job_name, partition_key, status, started_at, duration_seconds "
                            "from {} where started_at >= %s and started_at < %s "
                            "order by started_at").format(_table("run_metrics")), (since, until))
        return cur.fetchall()
