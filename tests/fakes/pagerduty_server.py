"""A fake PagerDuty Events API v2: a real HTTP server on 127.0.0.1 for tests.

Speaks the part of https://developer.pagerduty.com/api-reference (Events API v2)
the platform uses:

    POST /v2/enqueue   Content-Type: application/json
    {"routing_key": ..., "event_action": "trigger" | "acknowledge" | "resolve",
     "dedup_key": ..., "payload": {"summary", "source", "severity", ...}, ...}
    202 {"status": "success", "message": "Event processed", "dedup_key": ...}
    400 {"status": "invalid event", "message": "Event object is invalid", "errors": [...]}

and keeps incidents the way PagerDuty does: a trigger whose dedup_key has an open
incident is appended to it (no new page); a trigger without one opens a new
incident (a page); a resolve closes the open incident of its key (none: the
event is accepted and ignored). `pages` is therefore the number of times somebody
was paged.

Recorded: every request (`requests`, with the status answered), every accepted
event (`events`), the incidents (`incidents`, oldest first). Fault knobs:

* down() / up(): 503 (not JSON, like an outage page) to everything until up();
* fail_next(count, status=500): the next `count` requests get that status;
* slow_next(count, seconds): the next `count` requests are processed, then
  answered late (a client timing out has still been heard: PagerDuty has it).

Quiet: nothing is logged.

    with FakePagerDuty(routing_key="R0UT1NGKEY...") as pagerduty:
        PagerDutyPager("R0UT1NGKEY...", pagerduty.base_url).send(event)
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_server import LocalHTTPServer, QuietHTTPServer

ENQUEUE_PATH = "/v2/enqueue"
ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
SUMMARY_LIMIT = 1024
DEDUP_KEY_LIMIT = 255


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any                # parsed JSON, or None
    status: int


@dataclass
class Incident:
    dedup_key: str
    status: str  # triggered | acknowledged | resolved
    events: list[dict] = field(default_factory=list)  # accepted events, in order

    @property
    def trigger(self) -> dict:
        return self.events[0]


def _invalid(*errors: str) -> tuple[int, dict]:
    return 400, {"status": "invalid event", "message": "Event object is invalid",
                 "errors": list(errors)}


class _Handler(BaseHTTPRequestHandler):
    server: QuietHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet
        pass

    def do_POST(self):
        self.server.fake._handle(self)

    do_GET = do_POST


class FakePagerDuty(LocalHTTPServer):
    def __init__(self, routing_key: str = "fake-routing-key-0000000000000000"):
        self.routing_key = routing_key
        self.requests: list[RecordedRequest] = []
        self.events: list[dict] = []
        self.incidents: list[Incident] = []
        self._lock = threading.Lock()
        self._faults: list[int] = []
        self._delays: list[float] = []
        self._down = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ knobs

    def down(self) -> None:
        self._down = True

    def up(self) -> None:
        self._down = False

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        with self._lock:
            self._faults += [status] * count

    def slow_next(self, count: int = 1, seconds: float = 1.0) -> None:
        with self._lock:
            self._delays += [seconds] * count

    # ------------------------------------------------------------------ what happened

    @property
    def pages(self) -> int:
        """Incidents opened: each one paged the on-call."""
        return len(self.incidents)

    def open_incidents(self) -> list[Incident]:
        return [i for i in self.incidents if i.status != "resolved"]

    def events_for(self, dedup_key: str) -> list[dict]:
        return [e for e in self.events if e.get("dedup_key") == dedup_key]

    # ------------------------------------------------------------------ handling

    def _handle(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        with self._lock:
            delay = self._delays.pop(0) if self._delays else 0.0
            fault = None if self._down else (self._faults.pop(0) if self._faults else None)
            if self._down:
                status, answer = 503, None
            elif fault is not None:
                status, answer = fault, None
            elif handler.command != "POST" or handler.path != ENQUEUE_PATH:
                status, answer = 404, {"status": "not found", "message": "no such resource"}
            else:
                status, answer = self._enqueue(headers, body)
            self.requests.append(RecordedRequest(handler.command, handler.path, headers, body,
                                                 status))
        if delay:
            time.sleep(delay)  # processed already: only the answer is late
        if answer is None:
            payload = f"<html><body>{status} Service Unavailable</body></html>".encode()
            content_type = "text/html; charset=utf-8"
        else:
            payload = json.dumps(answer).encode()
            content_type = "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            handler.close_connection = True  # the client gave up (timeout)

    def _enqueue(self, headers: dict[str, str], body: Any) -> tuple[int, dict]:
        """Called with the lock held."""
        if not headers.get("content-type", "").startswith("application/json"):
            return _invalid("Content-Type must be application/json")
        if not isinstance(body, dict):
            return _invalid("Event object must be a JSON object")
        errors = []
        if body.get("routing_key") != self.routing_key:
            errors.append("'routing_key' is invalid")
        action = body.get("event_action")
        if action not in ACTIONS:
            errors.append("'event_action' is invalid (must be one of trigger, acknowledge, "
                          "resolve)")
        key = body.get("dedup_key")
        if key is not None and (not isinstance(key, str) or not 0 < len(key) <= DEDUP_KEY_LIMIT):
            errors.append(f"'dedup_key' must be a string of 1-{DEDUP_KEY_LIMIT} characters")
        if action in ("acknowledge", "resolve") and not key:
            errors.append("'dedup_key' is required for acknowledge and resolve events")
        if action == "trigger":
            payload = body.get("payload")
            if not isinstance(payload, dict):
                errors.append("'payload' is missing or not an object")
            else:
                summary = payload.get("summary")
                if not isinstance(summary, str) or not summary:
                    errors.append("'payload.summary' is missing or blank")
                elif len(summary) > SUMMARY_LIMIT:
                    errors.append(f"'payload.summary' must be at most {SUMMARY_LIMIT} characters")
                if not payload.get("source"):
                    errors.append("'payload.source' is missing or blank")
                if payload.get("severity") not in SEVERITIES:
                    errors.append("'payload.severity' is invalid (must be one of critical, "
                                  "error, warning, info)")
        if errors:
            return _invalid(*errors)
        key = key or uuid.uuid4().hex
        event = {**body, "dedup_key": key}
        event.pop("routing_key", None)  # what PagerDuty keeps; the key is the integration
        self.events.append(event)
        current = next((i for i in reversed(self.incidents)
                        if i.dedup_key == key and i.status != "resolved"), None)
        if action == "trigger":
            if current is None:
                self.incidents.append(Incident(key, "triggered", [event]))
            else:
                current.events.append(event)  # deduplicated: no new page
        elif current is not None:
            current.events.append(event)
            current.status = "resolved" if action == "resolve" else "acknowledged"
        return 202, {"status": "success", "message": "Event processed", "dedup_key": key}


FakePagerDuty.handler = _Handler
