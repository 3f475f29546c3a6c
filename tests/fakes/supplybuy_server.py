"""A fake Supplybuy demand API: a real HTTP server on 127.0.0.1 for tests.

Implements the contract of sources.md ("Supplybuy: the demand API"):

    GET /v1/forecasts?forecast_date=YYYY-MM-DD&page_size=N[&page_token=T]
    Authorization: Bearer <token>

Records are served in the order given, filtered by forecast_date, paged with
opaque page tokens; forecast_units goes out as a JSON number. Fault knobs:

* fault_rate: that share of requests (drawn from random.Random(seed)) is
  answered 429 (with Retry-After: `retry_after`) or 503, half each;
* fail_dates: forecast dates always answered 503;
* force(status, count, body=..., headers=...): the next `count` responses;
* rate_limit(count=None, retry_after="0"): the next `count` requests (None: every
  request, until stop_rate_limiting()) are answered 429 with that Retry-After
  (after any forced answers, before auth);
* slow(seconds, count): the next `count` responses are delayed (timeouts).

Every request is recorded (method, path, query, lower-cased headers, status
answered) in `server.requests`. Quiet: nothing is logged.

    with FakeSupplybuy(records, token="t") as server:
        SupplybuyClient(server.base_url, "t").pull(...)
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.local_server import LocalHTTPServer

FORECASTS_PATH = "/v1/forecasts"
DEFAULT_PAGE_SIZE = 500
RECORD_KEYS = ("item_id", "distribution_center", "forecast_date", "forecast_units", "updated_at")
CSV_COLUMNS = RECORD_KEYS[:4]

_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# The local form's number rule (qa.md D5): what forecasts.csv may hold as a number.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_CSV_TRIM = " \t\n\r\x0b\x0c"


class JsonNumber(str):
    """Text sent verbatim as a JSON number (so tests control the wire spelling, e.g. 1e-5)."""


def _number(value: Any) -> Any:
    """forecast_units as it goes on the wire: a JsonNumber when it is a number, else as given."""
    if value is None or isinstance(value, (bool, JsonNumber)):
        return value
    if isinstance(value, Decimal):
        return JsonNumber(str(value)) if value.is_finite() else str(value)
    if isinstance(value, (int, float)):
        text = json.dumps(value)
        return JsonNumber(text) if _JSON_NUMBER.fullmatch(text) else text
    if isinstance(value, str) and _JSON_NUMBER.fullmatch(value):
        return JsonNumber(value)
    return value  # not a number: sent as a JSON string, like a misbehaving API would


def _encode(value: Any) -> str:
    """JSON text; JsonNumber and Decimal are written as numbers, digit for digit."""
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    return json.dumps(value, default=str)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    status: int


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> _Response:
    return _Response(status, json.dumps({"error": message}).encode(), headers)


class FakeSupplybuy(LocalHTTPServer):
    def __init__(self, records: Iterable[Mapping[str, Any]], token: str = "t", *,
                 fault_rate: float = 0.0, seed: int = 0, fail_dates: Iterable[date | str] = (),
                 retry_after: str | None = "0", max_page_size: int = 1000):
        self.token = token
        self.fault_rate = fault_rate
        self.retry_after = retry_after
        self.max_page_size = max_page_size
        self.fail_dates = {d.isoformat() if isinstance(d, date) else str(d) for d in fail_dates}
        self._random = random.Random(seed)
        self._by_date: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            wire = {key: record.get(key) for key in RECORD_KEYS}
            wire.update({k: v for k, v in record.items() if k not in wire})  # extra keys pass through
            wire["forecast_units"] = _number(wire["forecast_units"])
            key = str(wire["forecast_date"]).strip(_CSV_TRIM) if wire["forecast_date"] is not None else ""
            self._by_date.setdefault(key, []).append(wire)
        self._tokens: dict[str, tuple[str, int]] = {}  # page token -> (forecast_date, offset)
        self._forced: deque[_Response] = deque()
        self._slow: deque[float] = deque()
        self._rate_limited: float = 0  # requests still to answer 429 (inf: until stopped)
        self._rate_limit_retry_after: str | None = "0"
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()

    @classmethod
    def from_forecasts_csv(cls, path: str | Path, token: str = "t", **kwargs: Any) -> FakeSupplybuy:
        """Serve a forecasts.csv of the local form (sources.md): same rows, same order.

        A forecast_units cell that is a plain number (D5) is sent as that exact
        JSON number (via Decimal, so "55.0" stays 55.0); a blank cell as null;
        any other cell as a JSON string. An optional updated_at column is served
        too (else null). Rows whose forecast_date is unreadable are never
        served (no request can ask for them), unlike the local form that keeps
        them for QA.
        """
        return cls(read_forecasts_csv(path), token, **kwargs)

    # -- knobs ----------------------------------------------------------------

    def force(self, status: int, count: int = 1, *, body: bytes | str | Mapping | None = None,
              headers: Mapping[str, str] | None = None) -> None:
        """Answer the next `count` requests with `status` (before auth and faults)."""
        if body is None:
            data = json.dumps({"error": f"forced {status}"}).encode()
        elif isinstance(body, Mapping):
            data = _encode(body).encode()
        else:
            data = body.encode() if isinstance(body, str) else body
        response = _Response(status, data, tuple((headers or {}).items()))
        with self._lock:
            self._forced.extend([response] * count)

    def rate_limit(self, count: int | None = None, retry_after: str | None = "0") -> None:
        """Answer the next `count` requests (None: all of them, until stop_rate_limiting())
        429 with `retry_after` as Retry-After (None: no header)."""
        with self._lock:
            self._rate_limited = float("inf") if count is None else count
            self._rate_limit_retry_after = retry_after

    def stop_rate_limiting(self) -> None:
        with self._lock:
            self._rate_limited = 0

    def slow(self, seconds: float, count: int = 1) -> None:
        """Delay the next `count` responses by `seconds` (the request is recorded first)."""
        with self._lock:
            self._slow.extend([seconds] * count)

    # -- what happened --------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, forecast_date: date | str) -> list[RecordedRequest]:
        day = forecast_date.isoformat() if isinstance(forecast_date, date) else forecast_date
        return [r for r in self.requests if r.query.get("forecast_date") == day]

    def dates(self) -> list[str]:
        """The forecast dates the server holds records for."""
        return list(self._by_date)

    # -- lifecycle ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the API --------------------------------------------------------------

    def _page_token(self, day: str, offset: int) -> str:
        token = hashlib.sha256(f"{day}|{offset}".encode()).hexdigest()[:16]
        self._tokens[token] = (day, offset)
        return token

    def _answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> _Response:
        """Called with the lock held."""
        if self._forced:
            return self._forced.popleft()
        if self._rate_limited:
            self._rate_limited -= 1
            retry_after = self._rate_limit_retry_after
            return _error(429, "rate limited",
                          (("Retry-After", retry_after),) if retry_after is not None else ())
        if headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, "invalid or missing bearer token")
        if path != FORECASTS_PATH:
            return _error(404, f"no such resource {path}")
        day = query.get("forecast_date", "")
        try:
            date.fromisoformat(day)
        except ValueError:
            return _error(400, "forecast_date must be YYYY-MM-DD")
        if day in self.fail_dates:
            return _error(503, "service unavailable")
        if self.fault_rate and self._random.random() < self.fault_rate:
            if self._random.random() < 0.5:
                headers_out = (("Retry-After", self.retry_after),) if self.retry_after is not None else ()
                return _error(429, "rate limited", headers_out)
            return _error(503, "service unavailable")
        try:
            page_size = int(query.get("page_size", DEFAULT_PAGE_SIZE))
        except ValueError:
            return _error(400, "page_size must be an integer")
        if page_size < 1:
            return _error(400, "page_size must be positive")
        page_size = min(page_size, self.max_page_size)
        offset = 0
        if "page_token" in query:
            target = self._tokens.get(query["page_token"])
            if target is None or target[0] != day:
                return _error(400, "invalid page_token")
            offset = target[1]
        rows = self._by_date.get(day, [])
        end = offset + page_size
        next_token = self._page_token(day, end) if end < len(rows) else None
        body = {"forecast_date": day, "data": rows[offset:end], "next_page_token": next_token}
        return _Response(200, _encode(body).encode())

    def _handle(self, method: str, raw_path: str, headers: dict[str, str]) -> tuple[_Response, float]:
        parts = urlsplit(raw_path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            response = self._answer(parts.path, query, headers) if method == "GET" else \
                _error(405, "method not allowed")
            self._requests.append(RecordedRequest(method, parts.path, query, headers, response.status))
            delay = self._slow.popleft() if self._slow else 0.0
        return response, delay


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a requests.Session expects
    # Headers and body go out in two writes: with Nagle on, delayed ACKs cost 40 ms a request.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        fake: FakeSupplybuy = self.server.fake  # type: ignore[attr-defined]
        headers = {k.lower(): v for k, v in self.headers.items()}
        response, delay = fake._handle(self.command, self.path, headers)
        if delay:
            time.sleep(delay)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            self.close_connection = True

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def read_forecasts_csv(path: str | Path) -> list[dict[str, Any]]:
    """forecasts.csv (local form) as records for FakeSupplybuy; see from_forecasts_csv."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        grid = list(csv.reader(handle))
    if not grid:
        raise ValueError(f"{path}: empty file (no header)")
    header = [name.strip(_CSV_TRIM).lower() for name in grid[0]]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    index = {name: header.index(name) for name in (*CSV_COLUMNS, "updated_at") if name in header}
    records = []
    for row in grid[1:]:
        if not any(cell.strip(_CSV_TRIM) for cell in row):
            continue  # blank line
        cells = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
        units = cells["forecast_units"].strip(_CSV_TRIM)
        if _PLAIN_NUMBER.fullmatch(units):
            cells["forecast_units"] = Decimal(units)
        elif not units:
            cells["forecast_units"] = None
        cells.setdefault("updated_at", None)
        records.append(cells)
    return records


__all__ = ["FakeSupplybuy", "JsonNumber", "RecordedRequest", "read_forecasts_csv"]


FakeSupplybuy.handler = _Handler
