"""A fake Slack Web API: a real HTTP server on 127.0.0.1 for tests.

Speaks enough of https://api.slack.com/web for slack-sdk's WebClient:

    POST /api/chat.postMessage   (JSON, form-urlencoded or multipart body)
    POST /api/auth.test
    Authorization: Bearer <token>   (or a `token` body parameter)

Answers like Slack: HTTP 200 with {"ok": true, ...} or {"ok": false, "error": ...}
(invalid_auth, channel_not_found, no_text, invalid_blocks for blocks over Slack's
limits). Every delivered message is recorded in `.messages`, every request in
`.requests`. Fault knobs:

* fail_next(count, status=500): the next `count` requests get that HTTP status;
* fail_next_with_error(count, error="channel_not_found"): HTTP 200, ok false;
* slow_next(count, seconds): the next `count` requests are answered late (timeouts);
* down() / up(): 503 to everything until up().

`channels`, when given, are the only channels that exist (others: channel_not_found).
Quiet: nothing is logged.

    with FakeSlack(token="test-bot-token") as slack:
        client = WebClient("test-bot-token", base_url=slack.api_url)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.local_server import LocalHTTPServer, QuietHTTPServer

API_PREFIX = "/api/"

# Block Kit limits Slack enforces (answered with invalid_blocks).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_TEXT = 40000


@dataclass(frozen=True)
class RecordedRequest:
    method: str          # HTTP method
    path: str
    api_method: str      # e.g. "chat.postMessage"
    headers: dict[str, str]  # lower-cased names
    body: dict[str, Any]     # parsed body parameters
    status: int              # HTTP status answered
    answer: dict[str, Any] | None  # the JSON answered, if any


@dataclass(frozen=True)
class DeliveredMessage:
    channel: str
    text: str | None
    blocks: list[dict] | None
    ts: str
    extra: dict[str, Any] = field(default_factory=dict)  # other chat.postMessage arguments


def _block_errors(blocks: Any) -> list[str]:
    """The limits of https://api.slack.com/reference/block-kit/blocks this fake checks."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors = []
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"must provide no more than {MAX_BLOCKS} items [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{i}]"
        if not isinstance(block, dict) or "type" not in block:
            errors.append(f"missing required field: type {where}")
            continue
        kind, text = block["type"], (block.get("text") or {}).get("text", "")
        if kind == "header" and len(text) > MAX_HEADER_TEXT:
            errors.append(f"must be less than {MAX_HEADER_TEXT + 1} characters {where}/text")
        if kind == "section":
            if not text and not block.get("fields"):
                errors.append(f"section needs text or fields {where}")
            if len(text) > MAX_SECTION_TEXT:
                errors.append(f"must be less than {MAX_SECTION_TEXT + 1} characters {where}/text")
            fields = block.get("fields") or []
            if len(fields) > MAX_FIELDS:
                errors.append(f"must provide no more than {MAX_FIELDS} items {where}/fields")
            for j, item in enumerate(fields):
                if len(item.get("text", "")) > MAX_FIELD_TEXT:
                    errors.append(f"must be less than {MAX_FIELD_TEXT + 1} characters "
                                  f"{where}/fields/{j}/text")
        if kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
                errors.append(f"context needs 1-{MAX_CONTEXT_ELEMENTS} elements {where}")
            for j, item in enumerate(elements):
                if len(item.get("text", "")) > MAX_SECTION_TEXT:
                    errors.append(f"must be less than {MAX_SECTION_TEXT + 1} characters "
                                  f"{where}/elements/{j}/text")
    return errors


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """JSON (what slack-sdk sends for chat.postMessage), form-urlencoded or multipart."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        data = json.loads(raw or b"{}")
        return data if isinstance(data, dict) else {}
    if kind == "application/x-www-form-urlencoded":
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        params = {k: v[-1] for k, v in form.items()}
    elif kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        params = {part.get_param("name", header="content-disposition"):
                  part.get_payload(decode=True).decode("utf-8")
                  for part in message.iter_parts()}
    else:
        return {}
    # Form bodies carry structured arguments as JSON strings, like Slack accepts them.
    for key in ("blocks", "attachments", "metadata"):
        if isinstance(params.get(key), str) and params[key]:
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                pass
    return params


class _Handler(BaseHTTPRequestHandler):
    server: QuietHTTPServer

    def log_message(self, format, *args):  # quiet
        pass

    def do_POST(self):
        self.server.fake._handle(self)

    do_GET = do_POST  # Slack accepts GET for most methods; slack-sdk always POSTs


class FakeSlack(LocalHTTPServer):
    def __init__(self, token: str = "test-bot-token", *, channels: Iterable[str] | None = None):
        self.token = token
        self.channels = None if channels is None else {c.lstrip("#") for c in channels}
        self.messages: list[DeliveredMessage] = []
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._faults: list[tuple[str, Any]] = []  # ("status", 500) / ("error", "...") per request
        self._delays: list[float] = []
        self._down = False
        self._ts_counter = 0
        self._channel_ids: dict[str, str] = {}

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    # ------------------------------------------------------------------ fault knobs

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        with self._lock:
            self._faults += [("status", status)] * count

    def fail_next_with_error(self, count: int = 1, error: str = "channel_not_found") -> None:
        with self._lock:
            self._faults += [("error", error)] * count

    def slow_next(self, count: int = 1, seconds: float = 1.0) -> None:
        with self._lock:
            self._delays += [seconds] * count

    def down(self) -> None:
        self._down = True

    def up(self) -> None:
        self._down = False

    # ------------------------------------------------------------------ handling

    def _channel_id(self, channel: str) -> str:
        if channel[:1] in "CGD" and channel[1:].isalnum() and channel.isupper():
            return channel  # already an id
        return self._channel_ids.setdefault(channel.lstrip("#"), f"C{123 + len(self._channel_ids)}")

    def _handle(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        try:
            body = _parse_body(headers.get("content-type", ""), raw)
        except (ValueError, UnicodeDecodeError):
            body = {}
        if url.query:
            body = {**{k: v[-1] for k, v in parse_qs(url.query).items()}, **body}
        api_method = url.path[len(API_PREFIX):] if url.path.startswith(API_PREFIX) else ""

        with self._lock:
            delay = self._delays.pop(0) if self._delays else 0.0
            fault = None if self._down else (self._faults.pop(0) if self._faults else None)
        if delay:
            time.sleep(delay)

        status, answer = 200, None
        if self._down:
            status = 503
        elif fault and fault[0] == "status":
            status = fault[1]
        elif fault:
            answer = {"ok": False, "error": fault[1]}
        else:
            answer = self._answer(api_method, headers, body)

        with self._lock:
            self.requests.append(RecordedRequest(handler.command, url.path, api_method, headers,
                                                 body, status, answer))
        try:
            if answer is None:
                # Like a proxy / Slack outage page: not JSON.
                payload = f"<html><body>{status} Service Error</body></html>".encode()
                content_type = "text/html; charset=utf-8"
            else:
                payload = json.dumps(answer).encode()
                content_type = "application/json; charset=utf-8"
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up (timeout)

    def _authorized(self, headers: dict[str, str], body: dict[str, Any]) -> bool:
        auth = headers.get("authorization", "")
        given = auth[len("Bearer "):] if auth.startswith("Bearer ") else body.get("token")
        return given == self.token

    def _answer(self, api_method: str, headers: dict[str, str], body: dict[str, Any]) -> dict:
        if not api_method:
            return {"ok": False, "error": "unknown_method"}
        if not self._authorized(headers, body):
            return {"ok": False, "error": "not_authed" if not headers.get("authorization")
                    and "token" not in body else "invalid_auth"}
        if api_method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake",
                    "user": "pst-bot", "team_id": "T123", "user_id": "U123", "bot_id": "B123"}
        if api_method == "chat.postMessage":
            return self._post_message(body)
        return {"ok": False, "error": "unknown_method"}

    def _post_message(self, body: dict[str, Any]) -> dict:
        channel = str(body.get("channel") or "")
        if not channel or (self.channels is not None and channel.lstrip("#") not in self.channels):
            return {"ok": False, "error": "channel_not_found"}
        text, blocks = body.get("text"), body.get("blocks")
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if text is not None and len(str(text)) > MAX_TEXT:
            return {"ok": False, "error": "msg_too_long"}
        if blocks is not None:
            errors = _block_errors(blocks)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
        with self._lock:
            self._ts_counter += 1
            ts = f"{int(time.time())}.{self._ts_counter:06d}"
            channel_id = self._channel_id(channel)
            extra = {k: v for k, v in body.items()
                     if k not in ("channel", "text", "blocks", "token")}
            self.messages.append(DeliveredMessage(channel, text, blocks, ts, extra))
        message = {"type": "message", "subtype": "bot_message", "text": text or "",
                   "ts": ts, "bot_id": "B123", "user": "U123"}
        if blocks is not None:
            message["blocks"] = blocks
        return {"ok": True, "channel": channel_id, "ts": ts, "message": message}


FakeSlack.handler = _Handler
