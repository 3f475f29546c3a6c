"""The alert log in the warehouse (`ops.alert_log`): one row per alert, an open
condition until it is resolved, with what was sent where (its Slack message or
console line; `ops.alert_delivery` holds the other channels: one row per
PagerDuty event and per alert email, pending until delivered). It lives next to the
data so that it survives restarts of Dagster and serves the sensors and the
in-process `make run` alike. Everything else monitoring needs is kept where it
already lives: run durations and statuses in Dagster's run records, the
schedule's row counts in dwh.fact_production_schedule.

SQL is composed with psycopg2.sql; types are portable to Redshift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from psycopg2 import sql

from orchestration.alarms import Severity

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
    # One row per event of a channel beyond Slack: a PagerDuty trigger or resolve, a P2
    # email. status pending -> delivered (once) or cancelled; seq keeps their order.
    "alert_delivery": [
        ("delivery_id", "varchar(128)"), ("alert_id", "varchar(64)"),
        ("fingerprint", "varchar(32)"), ("channel", "varchar(16)"), ("action", "varchar(16)"),
        ("status", "varchar(16)"), ("seq", "bigint"), ("queued_at", "timestamptz"),
        ("attempts", "integer"), ("delivered_at", "timestamptz"), ("delivered_via", TEXT),
        ("last_error", TEXT),
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


@dataclass
class QueuedDelivery:
    """A row of ops.alert_delivery."""

    delivery_id: str
    alert_id: str
    fingerprint: str
    channel: str
    action: str
    status: str
    seq: int
    queued_at: datetime
    attempts: int
    delivered_at: datetime | None
    delivered_via: str | None
    last_error: str | None


_DELIVERY_COLUMNS = [c for c, _ in _TABLES["alert_delivery"]]


def _select_deliveries(where: sql.Composable) -> sql.Composed:
    return sql.SQL("select {} from {} where {}").format(
        sql.SQL(", ").join(map(sql.Identifier, _DELIVERY_COLUMNS)), _table("alert_delivery"),
        where)


def _queued(row) -> QueuedDelivery:
    record = dict(zip(_DELIVERY_COLUMNS, row))
    record["attempts"] = record["attempts"] or 0
    return QueuedDelivery(**record)


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

    def alerts_since(self, since: datetime) -> list[LoggedAlert]:
        with self.conn.cursor() as cur:
            cur.execute(_select_alerts(sql.SQL("first_raised_at >= %s order by first_raised_at")),
                        (since,))
            return [_logged(r) for r in cur.fetchall()]

    def alert(self, alert_id: str) -> LoggedAlert | None:
        with self.conn.cursor() as cur:
            cur.execute(_select_alerts(sql.SQL("alert_id = %s")), (alert_id,))
            row = cur.fetchone()
        return _logged(row) if row else None

    # -- ops.alert_delivery: PagerDuty events and alert emails ----------------------------

    def queue_delivery(self, *, delivery_id: str, alert_id: str, fingerprint: str, channel: str,
                       action: str, queued_at: datetime) -> None:
        """A pending event, after every event queued before it (seq)."""
        values = {"delivery_id": delivery_id, "alert_id": alert_id, "fingerprint": fingerprint,
                  "channel": channel, "action": action, "status": "pending",
                  "queued_at": queued_at, "attempts": 0}
        columns = list(values)
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL("insert into {table} ({columns}, {seq}) select {values}, "
                                "coalesce(max({seq}), 0) + 1 from {table}").format(
                table=_table("alert_delivery"), seq=sql.Identifier("seq"),
                columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
                values=sql.SQL(", ").join(sql.Placeholder() * len(columns))),
                [values[c] for c in columns])

    def deliveries(self, alert_id: str, channel: str) -> list[QueuedDelivery]:
        with self.conn.cursor() as cur:
            cur.execute(_select_deliveries(sql.SQL("alert_id = %s and channel = %s order by seq")),
                        (alert_id, channel))
            return [_queued(r) for r in cur.fetchall()]

    def pending_deliveries(self, channel: str) -> list[QueuedDelivery]:
        with self.conn.cursor() as cur:
            cur.execute(_select_deliveries(
                sql.SQL("status = 'pending' and channel = %s order by seq")), (channel,))
            return [_queued(r) for r in cur.fetchall()]

    def update_delivery(self, delivery_id: str, values: dict) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL("update {} set {} where delivery_id = %s").format(
                _table("alert_delivery"), sql.SQL(", ").join(
                    sql.SQL("{} = %s").format(sql.Identifier(c)) for c in values)),
                [*values.values(), delivery_id])
