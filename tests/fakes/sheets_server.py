"""A fake Google Sheets v4 API + OAuth2 token endpoint on 127.0.0.1, for real gspread clients.

Speaks what `gspread` 6.2.1 needs to read values:
* `POST /token`: the service-account JWT-bearer grant. The fake generated the
  key it hands out (`service_account_info()`), so it verifies the assertion's
  RS256 signature and claims the way Google does, and issues a Bearer token.
* `GET /v4/spreadsheets/{id}`: spreadsheet metadata (tab titles), used by
  `open_by_key(...)` and `.worksheet(title)`.
* `GET /v4/spreadsheets/{id}/values/{range}`: a whole tab (`'staffing'` or
  `staffing`), trimmed like the real API (trailing empty cells and rows omitted,
  no `values` key for an empty tab); a missing tab is 400 "Unable to parse range".

Sheets calls without a token the fake issued get 401. Fault knobs: `fail_values`,
`reject_token`, `reject_api`, `values_delay`. Every request and every response
body is recorded. Tabs (`fake.tabs`) may be changed between requests.

    with FakeSheets({"staffing": grid}) as fake:
        reader = SheetsReader(fake.spreadsheet_id, fake.service_account_info(),
                              api_base_url=fake.api_base_url)
"""

from __future__ import annotations

import base64
import functools
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.local_server import LocalHTTPServer

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# google-auth always addresses the assertion to Google's token endpoint, whatever token_uri is.
JWT_AUDIENCE = "https://oauth2.googleapis.com/token"
SHEETS_READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"

_GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                  404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                  502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
_GOOGLE_MESSAGE = {
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token.",
    403: "The caller does not have permission",
    429: "Quota exceeded for quota metric 'Read requests' of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


@dataclass(frozen=True)
class RecordedRequest:
    kind: str  # "token", "metadata", "values" or "other"
    method: str
    path: str  # percent-decoded, without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass(frozen=True)
class SentResponse:
    kind: str
    status: int
    body: bytes  # exactly the bytes written on the wire


@functools.lru_cache(maxsize=1)
def _test_key() -> rsa.RSAPrivateKey:
    # Generated per test process (never stored); cached because 2048-bit keygen is slow-ish.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def generate_private_key() -> rsa.RSAPrivateKey:
    """A fresh key, e.g. for a service account the fake does not know."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _a1_sheet_name(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _parse_sheet_range(text: str) -> tuple[str, str | None]:
    """`'it''s'!A1:B2` -> ("it's", "A1:B2"); `staffing` -> ("staffing", None)."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1:i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        rest = text[i + 1:]
        return "".join(name), (rest[1:] if rest.startswith("!") else (rest or None))
    name, _, cells = text.partition("!")
    return name, cells or None


def trimmed_values(grid: Iterable[Iterable[str]]) -> list[list[str]]:
    """What values.get returns: trailing "" cells of each row and trailing empty rows omitted."""
    rows = [list(row) for row in grid]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def tabs_from_csv_dir(directory: Path | str,
                      tabs: Iterable[str] | None = None) -> dict[str, list[list[str]]]:
    """The local-form CSV stand-ins (`staffing.csv`, ...) as fake tabs, cells as text."""
    from orchestration.landing.local_files import read_grid
    from orchestration.landing.specs import SHEET_TABS

    directory = Path(directory)
    names = list(tabs) if tabs is not None else list(SHEET_TABS)
    return {name: read_grid(directory / SHEET_TABS[name].csv_file) for name in names}


class FakeSheets(LocalHTTPServer):
    def __init__(self, tabs: dict[str, list[list[str]]] | None = None, *,
                 spreadsheet_id: str = "fake-spreadsheet-1",
                 title: str = "Production scheduling config",
                 client_email: str = "pst-reader@fake-project.iam.gserviceaccount.com"):
        self.tabs: dict[str, list[list[str]]] = dict(tabs or {})
        self.spreadsheet_id = spreadsheet_id
        self.title = title
        self.client_email = client_email
        self.private_key_id = secrets.token_hex(20)
        self.token_status: int | None = None  # reject_token: the token endpoint answers this
        self.api_status: int | None = None  # reject_api: every Sheets call answers this
        self.values_delay: float = 0.0  # seconds to stall before answering a values call
        self.requests: list[RecordedRequest] = []
        self.responses: list[SentResponse] = []
        self._values_faults: deque[tuple[int, str | None]] = deque()
        self._tokens: set[str] = set()
        self._lock = threading.Lock()

    # -- what a client needs -----------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return self.api_base_url + "/token"

    def service_account_info(self, **overrides) -> dict:
        """A service-account key dict (the JSON key file's content) the fake accepts."""
        info = {
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": self.private_key_id,
            "private_key": private_key_pem(_test_key()),
            "client_email": self.client_email,
            "client_id": "100000000000000000001",
            "token_uri": self.token_uri,
        }
        info.update(overrides)
        return info

    # -- fault knobs -------------------------------------------------------------------------

    def fail_values(self, status: int, times: int = 1,
                    retry_after: str | float | None = None) -> None:
        """The next `times` values calls answer `status` (429, 500, 503, ...)."""
        with self._lock:
            header = None if retry_after is None else str(retry_after)
            self._values_faults.extend([(status, header)] * times)

    def reject_token(self, status: int | None = 401) -> None:
        """The token endpoint answers `status` (401/403); None restores it."""
        self.token_status = status

    def reject_api(self, status: int | None = 403) -> None:
        """Every Sheets call answers `status` (401/403); None restores it."""
        self.api_status = status

    # -- assertions helpers ------------------------------------------------------------------

    def requests_of(self, kind: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.kind == kind]

    def responses_of(self, kind: str) -> list[SentResponse]:
        with self._lock:
            return [r for r in self.responses if r.kind == kind]

    # -- request handling (called from server threads) ---------------------------------------

    def _handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes):
        """-> (kind, status, json-able body, extra headers)."""
        split = urlsplit(raw_path)
        # Split before decoding: the range segment is percent-encoded (even "/" would be %2F).
        segments = [unquote(s) for s in split.path.split("/")[1:]]
        kind = "other"
        if method == "POST" and segments == ["token"]:
            kind = "token"
        elif method == "GET" and segments[:2] == ["v4", "spreadsheets"] and len(segments) == 3:
            kind = "metadata"
        elif method == "GET" and segments[:2] == ["v4", "spreadsheets"] and len(segments) == 5 \
                and segments[3] == "values":
            kind = "values"
        query = parse_qs(split.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(RecordedRequest(kind, method, "/" + "/".join(segments), query,
                                                 headers, body))
        if kind == "token":
            return (kind, *self._token(body))
        if kind == "other":
            message = f"FakeSheets: no route for {method} {split.path}"
            return kind, 404, _google_error(404, message), {}
        if headers.get("authorization", "").removeprefix("Bearer ") not in self._tokens:
            return kind, 401, _google_error(401), {}
        if self.api_status is not None:
            return kind, self.api_status, _google_error(self.api_status), {}
        if segments[2] != self.spreadsheet_id:
            return kind, 404, _google_error(404, "Requested entity was not found."), {}
        if kind == "metadata":
            return kind, 200, self._metadata(), {}
        with self._lock:
            fault = self._values_faults.popleft() if self._values_faults else None
        if fault is not None:
            status, retry_after = fault
            extra = {"Retry-After": retry_after} if retry_after else {}
            return kind, status, _google_error(status), extra
        if self.values_delay:
            time.sleep(self.values_delay)
        return (kind, *self._values(segments[4]))

    def _token(self, body: bytes):
        if self.token_status is not None:
            error = "invalid_client" if self.token_status == 401 else "access_denied"
            return self.token_status, {"error": error, "error_description":
                                       "FakeSheets: token endpoint rejects"}, {}
        form = parse_qs(body.decode(), keep_blank_values=True)
        problem = self._check_assertion(form)
        if problem:
            return 400, {"error": "invalid_grant", "error_description": problem}, {}
        token = "fake-access-" + secrets.token_urlsafe(16)
        with self._lock:
            self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}, {}

    def _check_assertion(self, form: dict[str, list[str]]) -> str | None:
        """None when the grant is a JWT signed by our key with Google's claims, else why not."""
        if form.get("grant_type") != [JWT_BEARER_GRANT]:
            return f"unsupported grant_type {form.get('grant_type')}"
        parts = (form.get("assertion") or [""])[0].split(".")
        if len(parts) != 3:
            return "assertion is not a JWT"
        try:
            header, claims = (json.loads(_b64url_decode(p)) for p in parts[:2])
            _test_key().public_key().verify(_b64url_decode(parts[2]),
                                            f"{parts[0]}.{parts[1]}".encode(),
                                            padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return "Invalid JWT Signature."
        except ValueError as exc:
            return f"malformed JWT: {exc}"
        now = time.time()
        if header.get("alg") != "RS256" or header.get("kid") != self.private_key_id:
            return "unexpected JWT header"
        if claims.get("iss") != self.client_email or claims.get("aud") != JWT_AUDIENCE:
            return "JWT iss/aud do not match the service account and Google's token endpoint"
        if SHEETS_READONLY_SCOPE not in str(claims.get("scope", "")).split():
            return "JWT scope lacks spreadsheets.readonly"
        if not (claims.get("iat", 0) - 60 <= now < claims.get("exp", 0)):
            return "JWT is expired or not yet valid"
        return None

    def _metadata(self) -> dict:
        with self._lock:
            tabs = list(self.tabs.items())
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title, "locale": "en_US", "timeZone": "America/Chicago"},
            "sheets": [
                {"properties": {"sheetId": index, "title": name, "index": index,
                                "sheetType": "GRID", "gridProperties": _grid_size(grid)}}
                for index, (name, grid) in enumerate(tabs)
            ],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def _values(self, range_text: str):
        name, cells = _parse_sheet_range(range_text)
        with self._lock:
            grid = self.tabs.get(name)
            grid = None if grid is None else [list(row) for row in grid]
        if grid is None:
            return 400, _google_error(400, f"Unable to parse range: {range_text}"), {}
        if cells is not None:  # not needed by the reader; fail loudly rather than fake it
            return 400, _google_error(400, "FakeSheets supports whole-tab ranges only"), {}
        size = _grid_size(grid)
        body = {"range": f"{_a1_sheet_name(name)}!A1:{_column_letters(size['columnCount'])}"
                         f"{size['rowCount']}", "majorDimension": "ROWS"}
        values = trimmed_values(grid)
        if values:  # like Google: no "values" key at all for an empty tab
            body["values"] = values
        return 200, body, {}


def _grid_size(grid: list[list[str]]) -> dict[str, int]:
    # A new Google sheet is 1000 x 26; typed data beyond that grows it.
    widest = max((len(row) for row in grid), default=0)
    return {"rowCount": max(1000, len(grid)), "columnCount": max(26, widest)}


def _google_error(status: int, message: str | None = None) -> dict:
    return {"error": {"code": status, "message": message or _GOOGLE_MESSAGE.get(status, "Error"),
                      "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API; every answer has a length

    def log_message(self, format, *args) -> None:
        pass  # quiet

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake: FakeSheets = self.server.fake  # type: ignore[attr-defined]
        kind, status, payload, extra = fake._handle(method, self.path, headers, body)
        data = json.dumps(payload, indent=2).encode()  # Google pretty-prints its JSON
        with fake._lock:
            fake.responses.append(SentResponse(kind, status, data))
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


FakeSheets.handler = _Handler
