"""Supplybuy demand API client (sources.md, "Supplybuy: the demand API").

    GET {base}/v1/forecasts?forecast_date=YYYY-MM-DD&page_size=N[&page_token=T]

One paged request sequence per forecast_date. Retries follow the spec: 401/403
fail at once, 429 waits Retry-After, 5xx / connection errors / timeouts back
off exponentially, at most `backoff.max_attempts` attempts per request.

Rate limiting has its own budget, bounded by time rather than by attempts: a 429
waits its Retry-After (at least the backoff's first delay, at most
`rate_limit_max_wait`) and does not spend one of the 5xx attempts; a pull may
wait `rate_limit_budget` seconds in total on 429s (PST_SUPPLYBUY_RATE_LIMIT_SECONDS).
Once that is spent, a 429 fails its request at once (SupplybuyRateLimited) and the
pull goes on with the other dates, so a throttled pull ends within the budget and
its failure still names every date that did not arrive (D35).

Values land as text exactly as sent: JSON numbers are parsed as Decimal and
rendered without exponent, so 125.5 -> "125.5", 55.0 -> "55.0" and 1e-5 ->
"0.00001" (floats would lose digits and trailing zeros, and repr gives "1e-05").

The token is only ever placed in the session's Authorization header; it never
appears in an exception message or a log line.
"""

from __future__ import annotations

import decimal
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import requests

from orchestration.landing.retry import Backoff, retry_after_seconds

log = logging.getLogger(__name__)

TOKEN_ENV = "SUPPLYBUY_API_TOKEN"
FORECASTS_PATH = "/v1/forecasts"

TimeoutSpec = float | tuple[float, float]  # requests' (connect, read) or one for both
OnPage = Callable[[date, int, bytes], None]
OnDateDone = Callable[[date, int, int, int], None]

# Transport failures worth another attempt. ChunkedEncodingError is a connection
# dropped mid-body, which requests does not class as a ConnectionError.
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class SupplybuyError(RuntimeError):
    """Any failure of the Supplybuy pull (the asset maps it to its alarm)."""


class SupplybuyAuthError(SupplybuyError):
    """401/403: the token was rejected. Never retried."""


class SupplybuyUnavailable(SupplybuyError):
    """429/5xx/connection errors/timeouts persisted through every attempt."""


class SupplybuyRateLimited(SupplybuyUnavailable):
    """429 still, and the pull's rate-limit wait budget is spent."""


RATE_LIMIT_SETTING = "PST_SUPPLYBUY_RATE_LIMIT_SECONDS"


class RateLimitBudget:
    """Seconds a pull may still wait on 429 answers (one budget for all its requests)."""

    def __init__(self, seconds: float):
        if not seconds >= 0 or math.isinf(seconds):
            raise ValueError(f"the rate-limit budget must be a finite number >= 0, got {seconds!r}")
        self.seconds = float(seconds)
        self.waited = 0.0

    @property
    def left(self) -> float:
        return max(0.0, self.seconds - self.waited)


class SupplybuyPullIncomplete(SupplybuyError):
    """Some dates of a pull failed: nothing of the pull is returned."""

    def __init__(self, failed_dates: list[date], errors: dict[date, str], fetched_dates: list[date]):
        self.failed_dates = failed_dates
        self.errors = errors
        self.fetched_dates = fetched_dates
        total = len(failed_dates) + len(fetched_dates)
        detail = "; ".join(f"{d.isoformat()}: {errors[d]}" for d in failed_dates)
        super().__init__(f"Supplybuy pull incomplete: {len(failed_dates)} of {total} forecast date(s) "
                         f"failed ({detail})")


@dataclass
class ForecastRecord:
    """One forecast as landed: every field text (None for a missing or null value)."""

    item_id: str | None
    distribution_center: str | None
    forecast_date: str | None
    forecast_units: str | None
    updated_at: str | None


_RECORD_FIELDS = tuple(f.name for f in fields(ForecastRecord))


def as_text(value: Any) -> str | None:
    """A parsed JSON value as landing text: strings as is, numbers without exponent, null -> None.

    Anything else (true/false, a nested object) keeps its JSON spelling so the
    QA layer can report it instead of the pull failing on one odd cell.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return json.dumps(value, default=str, separators=(",", ":"))


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


class SupplybuyClient:
    def __init__(self, base_url: str, token: str, *, page_size: int = 500,
                 timeout: TimeoutSpec = (5.0, 30.0), backoff: Backoff | None = None,
                 session: requests.Session | None = None, rate_limit_budget: float = 300.0,
                 rate_limit_max_wait: float = 60.0):
        if not base_url:
            raise ValueError("Supplybuy base URL is empty (SUPPLYBUY_BASE_URL)")
        if not token:
            raise SupplybuyAuthError(f"Supplybuy token is empty: set {TOKEN_ENV}")
        if page_size < 1:
            raise ValueError(f"page_size must be positive, got {page_size}")
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        RateLimitBudget(rate_limit_budget)  # validated now, not at the first 429
        self.rate_limit_budget = float(rate_limit_budget)
        if not rate_limit_max_wait > 0:
            raise ValueError(f"rate_limit_max_wait must be positive, got {rate_limit_max_wait!r}")
        self.rate_limit_max_wait = float(rate_limit_max_wait)
        self._session = session or requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._session.headers.setdefault("Accept", "application/json")

    def __repr__(self) -> str:  # no token
        return f"SupplybuyClient({self.base_url!r}, page_size={self.page_size})"

    # -- one forecast date -------------------------------------------------

    def fetch_date(self, forecast_date: date, on_page: OnPage | None = None,
                   rate_limit: RateLimitBudget | None = None) -> list[ForecastRecord]:
        """Every record of `forecast_date`, following next_page_token until null.

        on_page(forecast_date, page_index, raw_bytes) is called for each page
        accepted (valid contract), in order, before the next page is requested.
        `rate_limit` is the pull's budget for waiting on 429s (default: a fresh
        one of `rate_limit_budget` seconds for this date alone).
        """
        rate_limit = rate_limit or RateLimitBudget(self.rate_limit_budget)
        records: list[ForecastRecord] = []
        seen_tokens: set[str] = set()
        token: str | None = None
        page_index = 0
        while True:
            raw, body = self._get_page(forecast_date, page_index, token, rate_limit)
            records.extend(self._records(forecast_date, page_index, body))
            if on_page is not None:
                on_page(forecast_date, page_index, raw)
            token = body.get("next_page_token")
            if token is None or token == "":
                return records
            if not isinstance(token, str):
                raise SupplybuyError(f"Supplybuy {forecast_date.isoformat()} page {page_index}: "
                                     f"next_page_token is not a string ({type(token).__name__})")
            # A server handing back a token it already gave would page forever.
            if token in seen_tokens:
                raise SupplybuyError(f"Supplybuy {forecast_date.isoformat()} page {page_index}: "
                                     f"next_page_token repeats an earlier page's token (paging loop)")
            seen_tokens.add(token)
            page_index += 1

    def _get_page(self, forecast_date: date, page_index: int, page_token: str | None,
                  rate_limit: RateLimitBudget) -> tuple[bytes, dict[str, Any]]:
        """(raw bytes, parsed body) of one page, with the retry policy of the spec.

        Two budgets: 5xx / connection errors / timeouts get `backoff.max_attempts`
        attempts; 429s wait on `rate_limit` (time) and spend no attempt.
        """
        where = f"Supplybuy {forecast_date.isoformat()} page {page_index}"
        params = {"forecast_date": forecast_date.isoformat(), "page_size": str(self.page_size)}
        if page_token is not None:
            params["page_token"] = page_token
        url = self.base_url + FORECASTS_PATH
        attempts = self.backoff.max_attempts
        failed = 0  # attempts spent on 5xx / transport errors
        limited = 0  # 429s answered to this request
        last = "no attempt made"
        while True:
            try:
                response = self._session.get(url, params=params, timeout=self.timeout)
            except _TRANSIENT as exc:
                last = f"{type(exc).__name__}: {_excerpt(str(exc))}"
            except requests.RequestException as exc:  # bad URL, redirect loop...: retrying will not help
                raise SupplybuyError(f"{where}: {type(exc).__name__}: {_excerpt(str(exc))}") from exc
            else:
                status = response.status_code
                if status == 200:
                    return response.content, self._parse(where, response)
                if status in (401, 403):
                    raise SupplybuyAuthError(
                        f"{where}: HTTP {status}, the Supplybuy API rejected the token; "
                        f"check {TOKEN_ENV} (or the secret's supplybuy_api_token)")
                if status == 429:
                    limited += 1
                    self._wait_rate_limited(where, response, limited, rate_limit)
                    continue
                if status >= 500:
                    last = f"HTTP {status}"
                else:
                    raise SupplybuyError(f"{where}: HTTP {status}: {_excerpt(response.text)}")
            failed += 1
            if failed >= attempts:
                raise SupplybuyUnavailable(
                    f"{where}: gave up after {attempts} attempt(s), last error: {last}")
            log.warning("%s: attempt %d/%d failed (%s), retrying", where, failed, attempts, last)
            self.backoff.wait(failed)

    def _wait_rate_limited(self, where: str, response: requests.Response, limited: int,
                           rate_limit: RateLimitBudget) -> None:
        """Sleep before retrying a 429, on the pull's budget; SupplybuyRateLimited once
        it is spent. The wait is Retry-After (default 1 s), at least the backoff's first
        delay (Retry-After: 0 must not become a busy loop), at most rate_limit_max_wait."""
        left = rate_limit.left
        if left <= 0:
            raise SupplybuyRateLimited(
                f"{where}: still rate limited (HTTP 429) after {limited} answer(s) 429 to this "
                f"request; the pull has waited {rate_limit.waited:g} s on rate limits, its whole "
                f"rate-limit budget ({rate_limit.seconds:g} s, {RATE_LIMIT_SETTING})")
        asked = retry_after_seconds(response.headers.get("Retry-After"), default=1.0)
        seconds = min(max(asked, self.backoff.delay(1)), self.rate_limit_max_wait, left)
        # One line for the first 429 of a request and every tenth: a throttled pull must
        # not bury the log (the budget bounds the count anyway).
        level = logging.WARNING if limited == 1 or limited % 10 == 0 else logging.DEBUG
        log.log(level, "%s: rate limited (HTTP 429, %d time(s)), waiting %.3g s "
                "(%.0f s of the %g s rate-limit budget left)", where, limited, seconds,
                left - seconds, rate_limit.seconds)
        self.backoff.sleep(seconds)
        rate_limit.waited += seconds

    @staticmethod
    def _parse(where: str, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json(parse_float=decimal.Decimal, parse_int=decimal.Decimal)
        except ValueError as exc:  # JSONDecodeError and requests' wrapper are ValueErrors
            raise SupplybuyError(f"{where}: response is not JSON ({_excerpt(str(exc), 100)})") from exc
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SupplybuyError(f"{where}: response has no 'data' list (not the forecasts contract)")
        return body

    @staticmethod
    def _records(forecast_date: date, page_index: int, body: dict[str, Any]) -> list[ForecastRecord]:
        where = f"Supplybuy {forecast_date.isoformat()} page {page_index}"
        answered = body.get("forecast_date")
        # The records' own forecast_date lands as sent (QA checks it); the envelope's
        # date answering another day means the whole page is not what we asked for.
        if answered is not None and as_text(answered) != forecast_date.isoformat():
            raise SupplybuyError(f"{where}: response is for forecast_date {_excerpt(str(answered), 40)}")
        records = []
        for position, item in enumerate(body["data"]):
            if not isinstance(item, dict):
                raise SupplybuyError(f"{where}: data[{position}] is not an object")
            records.append(ForecastRecord(*(as_text(item.get(name)) for name in _RECORD_FIELDS)))
        return records

    # -- a whole pull -------------------------------------------------------

    def pull(self, dates: Sequence[date], on_page: OnPage | None = None,
             on_date_done: OnDateDone | None = None) -> dict[date, list[ForecastRecord]]:
        """Records of every date, in order, or SupplybuyPullIncomplete (never a partial dict).

        A failing date does not stop the others (their outcome is reported too);
        an auth failure does, since every other date would fail the same way.
        All dates share one rate-limit budget (`rate_limit_budget` seconds of
        waiting on 429s): once it is spent, every further 429 fails its date.
        on_date_done(date, n_records, dates_done, dates_total) follows each
        fetched date; dates_done counts failed dates too, so it is a position.
        """
        ordered = list(dict.fromkeys(dates))  # duplicates would be fetched twice for one key
        result: dict[date, list[ForecastRecord]] = {}
        errors: dict[date, str] = {}
        rate_limit = RateLimitBudget(self.rate_limit_budget)
        for done, day in enumerate(ordered, start=1):
            try:
                records = self.fetch_date(day, on_page=on_page, rate_limit=rate_limit)
            except SupplybuyAuthError:
                raise
            except SupplybuyError as exc:
                log.error("Supplybuy %s failed: %s", day.isoformat(), exc)
                errors[day] = str(exc)
                continue
            result[day] = records
            if on_date_done is not None:
                on_date_done(day, len(records), done, len(ordered))
        if errors:
            raise SupplybuyPullIncomplete(list(errors), errors, list(result))
        return result


__all__ = ["ForecastRecord", "RateLimitBudget", "SupplybuyAuthError", "SupplybuyClient",
           "SupplybuyError", "SupplybuyPullIncomplete", "SupplybuyRateLimited",
           "SupplybuyUnavailable", "as_text"]
