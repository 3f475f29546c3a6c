"""Alerts raised while the warehouse, which keeps the alert log, is unreachable.

The router works as always (Slack or the console, PagerDuty for a P1, the same
fingerprints, so a condition seen again is not sent again) on a local spool file,
`$PST_HOME/alerts/spool.json`, with the interface of `store.AlertLog`. The first
router opened on the warehouse again moves the spooled alerts and deliveries into
`ops.alert_log` / `ops.alert_delivery` and closes the unreachable condition (a
PagerDuty page gets its resolve).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from orchestration import settings
from orchestration.alarms import AlarmName
from orchestration.defs.monitoring import store
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.store import LoggedAlert, QueuedDelivery

log = logging.getLogger(__name__)

_DATETIME = "$datetime"


def spool_path() -> Path:
    return settings.pst_home() / "alerts" / "spool.json"


def unreachable_finding(message: str, partition: str | None = None) -> Finding:
    """One condition for the warehouse, whichever run or sensor met it."""
    return Finding(AlarmName.WAREHOUSE_UNREACHABLE, message, partition=partition,
                   subject="warehouse", per_partition=False)


def _encode(value):
    return {_DATETIME: value.isoformat()} if isinstance(value, datetime) else value


def _decode(value):
    if isinstance(value, dict) and _DATETIME in value:
        return datetime.fromisoformat(value[_DATETIME])
    return value


class SpoolAlertLog:
    """`store.AlertLog`'s interface on a JSON file (a handful of rows at most)."""

    def __init__(self, path: Path):
        self.path = path
        data = json.loads(path.read_text()) if path.exists() else {}
        self.alerts: list[dict] = [{k: _decode(v) for k, v in r.items()}
                                   for r in data.get("alerts", [])]
        self.deliveries_: list[dict] = [{k: _decode(v) for k, v in r.items()}
                                        for r in data.get("deliveries", [])]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"alerts": [{k: _encode(v) for k, v in r.items()} for r in self.alerts],
                "deliveries": [{k: _encode(v) for k, v in r.items()} for r in self.deliveries_]}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1))
        temporary.replace(self.path)

    @staticmethod
    def _logged(row: dict) -> LoggedAlert:
        return store._logged([row.get(c) for c in store._ALERT_COLUMNS])

    def open_alert(self, fingerprint: str) -> LoggedAlert | None:
        rows = [r for r in self.alerts if r["fingerprint"] == fingerprint and r["status"] == "open"]
        return self._logged(rows[0]) if rows else None

    def insert(self, values: dict) -> None:
        self.alerts.append(dict(values))

    def update(self, alert_id: str, values: dict) -> None:
        for row in self.alerts:
            if row["alert_id"] == alert_id:
                row.update(values)

    def pending(self, routes: tuple[str, ...]) -> list[LoggedAlert]:
        rows = [r for r in self.alerts if r.get("pending") and r["route"] in routes]
        return [self._logged(r) for r in sorted(rows, key=lambda r: r["first_raised_at"])]

    def alerts_since(self, since: datetime) -> list[LoggedAlert]:
        return [self._logged(r) for r in self.alerts if r["first_raised_at"] >= since]

    def alert(self, alert_id: str) -> LoggedAlert | None:
        rows = [r for r in self.alerts if r["alert_id"] == alert_id]
        return self._logged(rows[0]) if rows else None

    def queue_delivery(self, *, delivery_id: str, alert_id: str, fingerprint: str, channel: str,
                       action: str, queued_at: datetime) -> None:
        self.deliveries_.append({
            "delivery_id": delivery_id, "alert_id": alert_id, "fingerprint": fingerprint,
            "channel": channel, "action": action, "status": "pending",
            "seq": max((d["seq"] for d in self.deliveries_), default=0) + 1,
            "queued_at": queued_at, "attempts": 0, "delivered_at": None, "delivered_via": None,
            "last_error": None})

    def deliveries(self, alert_id: str, channel: str) -> list[QueuedDelivery]:
        return [QueuedDelivery(**d) for d in self.deliveries_
                if d["alert_id"] == alert_id and d["channel"] == channel]

    def pending_deliveries(self, channel: str) -> list[QueuedDelivery]:
        return [QueuedDelivery(**d) for d in self.deliveries_
                if d["status"] == "pending" and d["channel"] == channel]

    def update_delivery(self, delivery_id: str, values: dict) -> None:
        for row in self.deliveries_:
            if row["delivery_id"] == delivery_id:
                row.update(values)


def move_spool_into(alert_log: store.AlertLog, path: Path | None = None) -> int:
    """Copy the spooled alerts and their deliveries into the warehouse's log (those not
    there yet), then remove the spool. Returns the number of alerts moved."""
    path = path or spool_path()
    if not path.exists():
        return 0
    spooled = SpoolAlertLog(path)
    moved = 0
    for row in spooled.alerts:
        if alert_log.alert(row["alert_id"]) is None:
            alert_log.insert(row)
            moved += 1
    for d in sorted(spooled.deliveries_, key=lambda d: d["seq"]):
        if all(q.delivery_id != d["delivery_id"]
               for q in alert_log.deliveries(d["alert_id"], d["channel"])):
            alert_log.queue_delivery(delivery_id=d["delivery_id"], alert_id=d["alert_id"],
                                     fingerprint=d["fingerprint"], channel=d["channel"],
                                     action=d["action"], queued_at=d["queued_at"])
            alert_log.update_delivery(d["delivery_id"], {
                k: d[k] for k in ("status", "attempts", "delivered_at", "delivered_via",
                                  "last_error")})
    path.unlink()
    log.info("%d alert(s) raised while the warehouse was unreachable moved into the alert log",
             moved)
    return moved
