"""Read the configuration workbook's tabs from the Google Sheets API (sources.md "Google Sheets").

A tab comes back exactly as displayed (FORMATTED_VALUE): every cell is the text
a person typed (`11/23/2026`, `1,250.5`, ` TRUE `), header row first. Typing
happens downstream (`tabular.landing_rows` + `text_rules`), so nothing typed
into a sheet is reinterpreted or lost here.

HTTP calls: one GET of the values endpoint per tab (no spreadsheet metadata
call, except to list the existing tabs when a tab is missing), plus one OAuth
token POST per reader and hour, made by google-auth before the first call.

Errors map to what the operators act on:
* 401/403 from the token endpoint or the API -> `SheetsAuthError`
  (alarm `google-sheets-auth-failed`): retrying cannot fix a revoked key or an
  unshared spreadsheet.
* 429, 5xx, connection errors and timeouts -> retried with `Backoff`
  (exponential, jittered, Retry-After honoured), then `SheetsUnavailable`.
* a tab that does not exist -> `SheetsTabNotFound`.
"""

from __future__ import annotations

import json
from typing import Any

import gspread
import requests
from google.auth import exceptions as google_auth_errors
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_VALUES_URL
from gspread.utils import absolute_range_name, quote

from orchestration.landing.retry import Backoff, retry_after_seconds

GOOGLE_SHEETS_API = "https://sheets.googleapis.com"

# FORMATTED_VALUE: the text as displayed, so dates/numbers/booleans keep the
# form people typed and the text rules (qa.md) decide how to read them.
_VALUES_PARAMS = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}


def _retryable(status: int) -> bool:
    """Throttling (429), request timeout (408) and server-side errors (5xx) are transient."""
    return status in (408, 429) or 500 <= status < 600


class SheetsError(RuntimeError):
    """Base class of every failure of the Sheets reader (the assets map each kind to
    its alarm: defs/sheets/assets.py)."""


class SheetsAuthError(SheetsError):
    """The token endpoint or the Sheets API refused the service account (401/403)."""


class SheetsUnavailable(SheetsError):
    """429/5xx/connection failures persisted through every retry."""

    def __init__(self, message: str, *, tab: str, status: int | None, attempts: int):
        super().__init__(message)
        self.tab, self.status, self.attempts = tab, status, attempts


class SheetsTabNotFound(SheetsError):
    """The spreadsheet has no tab with that title (renamed or deleted: the source changed shape)."""

    def __init__(self, message: str, *, tab: str):
        super().__init__(message)
        self.tab = tab


class BaseUrlHTTPClient(HTTPClient):
    """gspread's HTTP client with the Sheets API host replaceable (tests use 127.0.0.1).

    gspread builds absolute https://sheets.googleapis.com URLs (gspread.urls);
    rewriting the prefix here keeps every gspread code path unchanged.
    """

    api_base_url: str = GOOGLE_SHEETS_API

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        base = self.api_base_url.rstrip("/")
        if base != GOOGLE_SHEETS_API and endpoint.startswith(GOOGLE_SHEETS_API):
            endpoint = base + endpoint[len(GOOGLE_SHEETS_API):]
        return super().request(method, endpoint, *args, **kwargs)


class SheetsReader:
    """Reads tabs of one spreadsheet as grids of text, with a service account."""

    def __init__(self, spreadsheet_id: str, service_account_info: dict, *,
                 api_base_url: str | None = None, backoff: Backoff | None = None,
                 timeout: float | tuple[float, float] | None = (5.0, 60.0)):
        self.spreadsheet_id = spreadsheet_id
        self.backoff = backoff or Backoff()
        try:
            # Scoped credentials use the OAuth flow: google-auth signs a JWT with
            # the key and POSTs it to the key's token_uri for an access token.
            credentials = Credentials.from_service_account_info(
                service_account_info, scopes=gspread.auth.READONLY_SCOPES)
        except (ValueError, KeyError, TypeError) as exc:
            # google-auth's messages name missing fields, never the key itself.
            raise SheetsAuthError(
                f"Sheets authentication failed for spreadsheet {spreadsheet_id!r}: the service "
                f"account key is unusable ({type(exc).__name__}: {exc}); check the JSON key file "
                "named by GOOGLE_APPLICATION_CREDENTIALS"
            ) from None
        self.service_account_email = credentials.service_account_email
        client = gspread.Client(auth=credentials, http_client=BaseUrlHTTPClient)
        self._http: BaseUrlHTTPClient = client.http_client  # type: ignore[assignment]
        self._http.api_base_url = api_base_url or GOOGLE_SHEETS_API
        # Also bounds the token POST: AuthorizedSession passes it to the auth request.
        self._http.set_timeout(timeout)

    def tab_values(self, tab: str) -> list[list[str]]:
        """The tab's cells as text, header first; rows may be ragged (trailing blanks omitted)."""
        return self.tab_values_with_payload(tab)[0]

    def tab_values_with_payload(self, tab: str) -> tuple[list[list[str]], bytes]:
        """(grid, raw JSON body of the values response): one fetch, so the archived
        payload is exactly what the grid was parsed from. Cells are handed over as
        the JSON carries them, `\\u0000` and lone surrogates included: landing_rows
        marks what the warehouse cannot store, for every source alike (D63)."""
        response = self._get_values(tab)
        payload = response.content
        try:
            body = json.loads(payload)
            rows = body.get("values", [])  # an empty tab has no "values" key
            grid = [[str(cell) for cell in row] for row in rows]
        except (ValueError, AttributeError, TypeError) as exc:
            raise SheetsError(f"Sheets API returned an unreadable values payload for tab {tab!r} "
                              f"of spreadsheet {self.spreadsheet_id!r}: {exc}") from exc
        return grid, payload

    # -- internals ---------------------------------------------------------------------------

    def _get_values(self, tab: str) -> requests.Response:
        # Quoted sheet name without a cell range = the tab's whole used range.
        url = SPREADSHEET_VALUES_URL % (self.spreadsheet_id, quote(absolute_range_name(tab)))
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                return self._http.request("get", url, params=dict(_VALUES_PARAMS))
            except APIError as exc:
                status = exc.response.status_code
                if status in (401, 403):
                    # google-auth has already re-fetched the token once on a 401.
                    raise self._auth_error(tab, f"HTTP {status} from the Sheets API") from exc
                if status == 400 and "unable to parse range" in str(exc).lower():
                    raise self._tab_not_found(tab) from exc
                if status == 404:
                    raise SheetsError(
                        f"Spreadsheet {self.spreadsheet_id!r} not found (HTTP 404) reading tab "
                        f"{tab!r}: check GOOGLE_SHEETS_SPREADSHEET_ID") from exc
                if not _retryable(status):
                    raise SheetsError(f"Sheets API error reading tab {tab!r} of spreadsheet "
                                      f"{self.spreadsheet_id!r}: {exc}") from exc
                failure, last_status = exc, status
                header = exc.response.headers.get("Retry-After")
                retry_after = retry_after_seconds(header) if header else None
            except google_auth_errors.RefreshError as exc:
                # The token endpoint answered with an error. google-auth already retried
                # its transient ones (5xx/429) and flags them retryable; anything else
                # (401 invalid_client, 400 invalid_grant, 403) is a credentials problem.
                if not exc.retryable:
                    raise self._auth_error(tab, "the OAuth token request was rejected") from exc
                failure, last_status = exc, None
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    google_auth_errors.TransportError) as exc:  # network, token POST included
                failure, last_status = exc, None
            if attempt >= self.backoff.max_attempts:
                what = f"HTTP {last_status}" if last_status else type(failure).__name__
                raise SheetsUnavailable(
                    f"Sheets API unavailable reading tab {tab!r} of spreadsheet "
                    f"{self.spreadsheet_id!r}: {what} after {attempt} attempts",
                    tab=tab, status=last_status, attempts=attempt) from failure
            self.backoff.wait(attempt, at_least=retry_after)

    def _auth_error(self, tab: str, what: str) -> SheetsAuthError:
        return SheetsAuthError(
            f"Sheets authentication failed reading tab {tab!r} of spreadsheet "
            f"{self.spreadsheet_id!r} ({what}): check that the service account "
            f"{self.service_account_email} has access to the spreadsheet and that "
            "GOOGLE_APPLICATION_CREDENTIALS names its key file")

    def _tab_not_found(self, tab: str) -> SheetsTabNotFound:
        message = f"Sheets tab {tab!r} not found in spreadsheet {self.spreadsheet_id!r}"
        try:  # best effort: list the existing tabs to make a renamed tab obvious
            metadata = self._http.fetch_sheet_metadata(self.spreadsheet_id)
            titles = [sheet["properties"]["title"] for sheet in metadata.get("sheets", [])]
            message += f" (tabs: {', '.join(repr(t) for t in titles) or 'none'})"
        except Exception:  # noqa: BLE001 - the missing tab is the error to report
            pass
        return SheetsTabNotFound(message, tab=tab)
