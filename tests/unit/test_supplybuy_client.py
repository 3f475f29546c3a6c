"""SupplybuyClient against the fake Supplybuy server: real HTTP on 127.0.0.1,
Backoff with a recording no-op sleep (nothing waits for real beyond tiny timeouts)."""

from __future__ import annotations

import json
import socket
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime

import pytest
import requests

from orchestration.landing.retry import Backoff, retry_after_seconds
from orchestration.defs.supplybuy.client import (
    ForecastRecord,
    SupplybuyAuthError,
    SupplybuyClient,
    SupplybuyError,
    SupplybuyPullIncomplete,
    SupplybuyRateLimited,
    SupplybuyUnavailable,
    as_text,
)
from tests.fakes.supplybuy_server import FakeSupplybuy

TOKEN = "sb-7f3c9e-very-secret"
D1, D2, D3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)

# (what the server puts on the wire as a JSON number, the text that must land)
UNITS = [
    ("125.5", "125.5"),
    ("1e-5", "0.00001"),
    ("7", "7"),
    ("55.0", "55.0"),
    ("1E+3", "1000"),
    ("-0.25", "-0.25"),
    ("0.1", "0.1"),
    ("2.50E2", "250"),
    ("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"),
    (None, None),
]


def make_records(counts: dict[date, int]) -> tuple[list[dict], dict[date, list[ForecastRecord]]]:
    """(what the server holds, what the client must return), built independently."""
    served, expected = [], {}
    for day, count in counts.items():
        expected[day] = []
        for i in range(count):
            wire, text = UNITS[i % len(UNITS)]
            updated = None if i % 4 == 3 else f"{(day - timedelta(days=1)).isoformat()}T03:{i % 60:02d}:00Z"
            served.append({"item_id": f"I-{i:04d}", "distribution_center": f"DC-0{i % 3 + 1}",
                           "forecast_date": day.isoformat(), "forecast_units": wire,
                           "updated_at": updated})
            expected[day].append(ForecastRecord(f"I-{i:04d}", f"DC-0{i % 3 + 1}", day.isoformat(),
                                                text, updated))
    return served, expected


def recording_backoff(**kwargs) -> tuple[Backoff, list[float]]:
    sleeps: list[float] = []
    return Backoff(sleep=sleeps.append, random=lambda: 0.5, **kwargs), sleeps


class CountingSession(requests.Session):
    """Counts attempts even when no server answers (connection refused)."""

    def __init__(self):
        super().__init__()
        self.calls: list[dict] = []

    def request(self, method, url, *args, **kwargs):
        self.calls.append({"url": url, "params": kwargs.get("params"), "timeout": kwargs.get("timeout")})
        return super().request(method, url, *args, **kwargs)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def data():
    return make_records({D1: 12, D2: 0, D3: 23})


# -- paging and values ----------------------------------------------------------


def test_pull_fetches_every_page_of_every_date_with_numbers_as_exact_text(data):
    served, expected = data
    backoff, sleeps = recording_backoff()
    with FakeSupplybuy(served, token=TOKEN) as server:
        result = SupplybuyClient(server.base_url, TOKEN, page_size=5, backoff=backoff).pull([D1, D2, D3])
        requests_made = server.requests

    assert list(result) == [D1, D2, D3]
    assert result == expected
    assert result[D1][1].forecast_units == "0.00001" and result[D1][4].forecast_units == "1000"
    # 12 -> 3 pages, 0 -> 1 (empty) page, 23 -> 5 pages; no retries.
    assert [r.query["forecast_date"] for r in requests_made] == ["2026-11-24"] * 3 + ["2026-11-25"] + ["2026-11-26"] * 5
    assert all(r.status == 200 for r in requests_made)
    assert sleeps == []
    first_of_each = [requests_made[0], requests_made[3], requests_made[4]]
    assert all("page_token" not in r.query for r in first_of_each)
    assert all("page_token" in r.query for r in requests_made if r not in first_of_each)
    assert {r.query["page_size"] for r in requests_made} == {"5"}
    assert {r.headers["authorization"] for r in requests_made} == {f"Bearer {TOKEN}"}
    assert {r.path for r in requests_made} == {"/v1/forecasts"}


def test_default_page_size_and_timeout_are_sent():
    served, expected = make_records({D1: 3})
    session = CountingSession()
    with FakeSupplybuy(served, token=TOKEN) as server:
        base_url = server.base_url
        records = SupplybuyClient(base_url + "/", TOKEN, session=session).fetch_date(D1)
        assert server.requests[0].query == {"forecast_date": "2026-11-24", "page_size": "500"}
    assert records == expected[D1]
    assert session.calls[0]["timeout"] == (5.0, 30.0)
    assert session.calls[0]["url"] == base_url + "/v1/forecasts"


def test_as_text_renders_json_values_as_landing_text():
    assert as_text(Decimal("125.5")) == "125.5"
    assert as_text(Decimal("1E-5")) == "0.00001"
    assert as_text(Decimal("7")) == "7"
    assert as_text("12.50 ") == "12.50 "
    assert as_text(None) is None
    assert as_text(True) == "true"
    assert as_text([Decimal("1.5")]) == '["1.5"]'


# -- faults and retries -----------------------------------------------------------


def test_random_429_and_503_faults_still_give_the_same_records_and_honour_retry_after():
    served, expected = make_records({D1: 40, D2: 25, D3: 31})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as clean:
        baseline = SupplybuyClient(clean.base_url, TOKEN, page_size=4).pull([D1, D2, D3])
    with FakeSupplybuy(served, token=TOKEN, fault_rate=0.2, seed=7, retry_after="7") as faulty:
        result = SupplybuyClient(faulty.base_url, TOKEN, page_size=4, backoff=backoff).pull([D1, D2, D3])
        statuses = [r.status for r in faulty.requests]

    assert result == baseline == expected
    faults = [s for s in statuses if s != 200]
    assert 429 in faults and 503 in faults  # the knob really injected both kinds
    assert len(faults) >= 0.1 * len(statuses)
    assert len(sleeps) == len(faults)  # one wait per failed attempt, none after a success
    for status, slept in zip(faults, sleeps):
        if status == 429:
            assert slept == 7.0  # Retry-After wins over the (tiny) exponential delay
        else:
            assert slept < 1.0


def test_429_without_retry_after_waits_one_second():
    served, expected = make_records({D1: 2})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.force(429)
        assert SupplybuyClient(server.base_url, TOKEN, backoff=backoff).fetch_date(D1) == expected[D1]
        assert [r.status for r in server.requests] == [429, 200]
    assert sleeps == [1.0]


def test_429_retry_after_http_date_is_honoured():
    served, _ = make_records({D1: 2})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.force(429, headers={"Retry-After": when})
        SupplybuyClient(server.base_url, TOKEN, backoff=backoff).fetch_date(D1)
    assert len(sleeps) == 1 and 25 < sleeps[0] <= 30


def test_5xx_is_retried_with_exponential_backoff():
    served, expected = make_records({D1: 2})
    backoff, sleeps = recording_backoff()
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.force(500)
        server.force(502)
        assert SupplybuyClient(server.base_url, TOKEN, backoff=backoff).fetch_date(D1) == expected[D1]
        assert [r.status for r in server.requests] == [500, 502, 200]
    assert sleeps == [backoff.delay(1), backoff.delay(2)] == [0.375, 0.75]


# -- rate limiting: its own budget, bounded by time (issue 14, item 6) ---------------------


def test_429_far_more_often_than_the_5xx_attempts_allow_still_gives_the_full_pull():
    """429 does not spend the 5-attempt budget of 5xx: a request answered 429 twelve times
    in a row (and another eight times later in the pull) still arrives."""
    served, expected = make_records({D1: 6, D2: 0, D3: 5})
    backoff, sleeps = recording_backoff(base_delay=0.01)  # max_attempts=5, as in production
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.rate_limit(12, retry_after="0")
        client = SupplybuyClient(server.base_url, TOKEN, page_size=4, backoff=backoff)
        done = []

        def rate_limit_again(day, *_):
            done.append(day)
            if day == D1:
                server.rate_limit(8, retry_after="2")

        result = client.pull([D1, D2, D3], on_date_done=rate_limit_again)
        statuses = [r.status for r in server.requests]

    assert result == expected
    assert statuses.count(429) == 20 and statuses.count(200) == 5  # 2 + 1 + 2 pages
    assert statuses[:13] == [429] * 12 + [200]
    # Retry-After is honoured (0: the backoff's small first delay, 2: two seconds), once per 429
    assert sleeps == [backoff.delay(1)] * 12 + [2.0] * 8


def test_a_server_that_rate_limits_forever_is_given_up_on_when_the_budget_is_spent():
    served, _ = make_records({D1: 3})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.rate_limit(retry_after="1")  # every request, until told otherwise
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff, rate_limit_budget=10.0)
        with pytest.raises(SupplybuyUnavailable) as error:
            client.fetch_date(D1)
        statuses = [r.status for r in server.requests]
    # 10 waits of Retry-After: 1 s spend the 10 s budget; the 11th answer 429 gives up
    assert statuses == [429] * 11
    assert sleeps == [1.0] * 10
    message = str(error.value)
    assert "Supplybuy 2026-11-24 page 0" in message  # the request
    assert "429" in message and "rate limit" in message and "10 s" in message
    assert "PST_SUPPLYBUY_RATE_LIMIT_SECONDS" in message
    assert TOKEN not in message
    assert isinstance(error.value, SupplybuyRateLimited)
    from orchestration.defs.supplybuy.assets import supplybuy_failure

    failure = supplybuy_failure(error.value)  # the pull's alarm; the step retry may still help
    assert (failure.metadata["alarm"].value, failure.allow_retries) == ("supplybuy-unavailable",
                                                                        True)


def test_the_rate_limit_budget_is_a_setting_the_resource_passes_on(monkeypatch):
    from orchestration.defs.supplybuy.resource import SupplybuySource
    from orchestration.landing.credentials import SourceCredentials
    from orchestration.settings import Settings

    assert Settings().supplybuy_rate_limit_seconds == 300.0
    assert SupplybuyClient("http://127.0.0.1:9", TOKEN).rate_limit_budget == 300.0
    settings = Settings.from_env({"PST_SUPPLYBUY_RATE_LIMIT_SECONDS": "45"})
    assert settings.supplybuy_rate_limit_seconds == 45.0
    with pytest.raises(ValueError, match="PST_SUPPLYBUY_RATE_LIMIT_SECONDS"):
        Settings.from_env({"PST_SUPPLYBUY_RATE_LIMIT_SECONDS": "soon"})
    monkeypatch.setenv("SUPPLYBUY_API_TOKEN", TOKEN)
    monkeypatch.delenv("PST_SECRETS_ARN", raising=False)
    from dagster_aws.secretsmanager import SecretsManagerResource

    source = SupplybuySource(credentials=SourceCredentials(secrets_manager=SecretsManagerResource()),
                             base_url="http://127.0.0.1:9",
                             rate_limit_budget_seconds=settings.supplybuy_rate_limit_seconds)
    assert source.client().rate_limit_budget == 45.0
    with pytest.raises(ValueError, match="rate-limit budget"):
        SupplybuyClient("http://127.0.0.1:9", TOKEN, rate_limit_budget=-1)


def test_each_wait_is_capped_and_the_last_one_by_what_is_left_of_the_budget():
    served, expected = make_records({D1: 3})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.rate_limit(5, retry_after="3600")  # a hostile Retry-After
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff,
                                 rate_limit_budget=100.0, rate_limit_max_wait=30.0)
        with pytest.raises(SupplybuyUnavailable, match="rate limit"):
            client.fetch_date(D1)
        assert [r.status for r in server.requests] == [429] * 5
    assert sleeps == [30.0, 30.0, 30.0, 10.0]

    sleeps.clear()
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.rate_limit(2, retry_after="3600")
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff,
                                 rate_limit_budget=100.0, rate_limit_max_wait=30.0)
        assert client.fetch_date(D1) == expected[D1]
    assert sleeps == [30.0, 30.0]


def test_the_rate_limit_budget_is_one_for_the_whole_pull_and_every_date_is_still_tried():
    """A pull waits at most the budget in total on 429s (not once per request: 37 dates x
    5 minutes would be three hours); once it is spent, a 429 fails its date at once and the
    other dates are still attempted (D35: the failure names every failed date)."""
    served, expected = make_records({D1: 3, D2: 3, D3: 3})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.rate_limit(6, retry_after="2")  # D1: 5 waits of 2 s spend the 10 s budget
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff, rate_limit_budget=10.0)
        # once D2 arrived, D3's first answer is a 429 too
        with pytest.raises(SupplybuyPullIncomplete) as error:
            client.pull([D1, D2, D3], on_date_done=lambda *_: server.rate_limit(1))
        by_date = {d: [r.status for r in server.requests_for(d)] for d in (D1, D2, D3)}
    assert by_date == {D1: [429] * 6, D2: [200], D3: [429]}
    assert sleeps == [2.0] * 5
    incomplete = error.value
    assert (incomplete.failed_dates, incomplete.fetched_dates) == ([D1, D3], [D2])
    for day in (D1, D3):
        assert f"Supplybuy {day.isoformat()} page 0" in incomplete.errors[day]
        assert "rate limit" in incomplete.errors[day]


def test_5xx_keeps_its_five_attempts_however_many_429s_come_between():
    served, _ = make_records({D1: 3})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        for _ in range(5):
            server.force(429, headers={"Retry-After": "0"})
            server.force(503)
        with pytest.raises(SupplybuyUnavailable) as error:
            SupplybuyClient(server.base_url, TOKEN, backoff=backoff).fetch_date(D1)
        statuses = [r.status for r in server.requests]
    assert statuses == [429, 503] * 5
    message = str(error.value)
    assert "5 attempt" in message and "HTTP 503" in message
    assert len(sleeps) == 9  # no wait after the last attempt


def test_a_rejected_token_after_rate_limiting_still_fails_at_once():
    served, _ = make_records({D1: 3, D2: 3})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN) as server:
        for _ in range(7):
            server.force(429, headers={"Retry-After": "0"})
        server.force(403)
        with pytest.raises(SupplybuyAuthError):
            SupplybuyClient(server.base_url, TOKEN, backoff=backoff).pull([D1, D2])
        assert [r.status for r in server.requests] == [429] * 7 + [403]
    assert len(sleeps) == 7


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_pull_of_74_requests_at_40_percent_faults_arrives_whole(seed):
    """The issue's numbers: 37 dates x 2 pages, 40% of answers 429 or 503 (half each).
    With 429 on the 5xx budget a request gave up with (0.4)^5 = 1% odds, the pull with
    about even odds; on its own budget a request gives up only after five 503s."""
    dates = [D1 + timedelta(days=i) for i in range(37)]
    served, expected = make_records({d: 6 for d in dates})
    backoff, sleeps = recording_backoff(base_delay=0.01)
    with FakeSupplybuy(served, token=TOKEN, fault_rate=0.4, seed=seed) as server:
        result = SupplybuyClient(server.base_url, TOKEN, page_size=4, backoff=backoff).pull(dates)
        statuses = [r.status for r in server.requests]
    assert result == expected
    assert statuses.count(200) == 74 and 429 in statuses and 503 in statuses


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_token_fails_at_once_without_leaking_it(status):
    served, _ = make_records({D1: 3, D2: 3, D3: 3})
    backoff, sleeps = recording_backoff()
    with FakeSupplybuy(served, token="the-right-token") as server:
        if status == 403:
            server.force(403)
            client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff)
        else:
            client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff)  # wrong token: real 401
        with pytest.raises(SupplybuyAuthError) as error:
            client.pull([D1, D2, D3])
        assert len(server.requests) == 1
        assert server.requests[0].status == status
    message = str(error.value)
    assert TOKEN not in message and TOKEN not in repr(error.value.args) and TOKEN not in repr(client)
    assert "SUPPLYBUY_API_TOKEN" in message and "rejected" in message and str(status) in message
    from orchestration.defs.supplybuy.assets import supplybuy_failure

    failure = supplybuy_failure(error.value)  # the asset's alarm: never retried
    assert (failure.metadata["alarm"].value, failure.allow_retries) == ("supplybuy-unavailable",
                                                                        False)
    assert sleeps == []


def test_auth_failure_mid_pull_stops_the_whole_pull():
    served, _ = make_records({D1: 3, D2: 3, D3: 3})
    with FakeSupplybuy(served, token=TOKEN) as server:
        client = SupplybuyClient(server.base_url, TOKEN, backoff=recording_backoff()[0])
        # The token is revoked once the first date is done.
        with pytest.raises(SupplybuyAuthError):
            client.pull([D1, D2, D3], on_date_done=lambda *_: server.force(401))
        assert [r.query["forecast_date"] for r in server.requests] == ["2026-11-24", "2026-11-25"]


def test_missing_token_is_refused_before_any_request():
    with pytest.raises(SupplybuyAuthError, match="SUPPLYBUY_API_TOKEN"):
        SupplybuyClient("http://127.0.0.1:9", "")


@pytest.mark.parametrize("max_attempts", [5, 2])
def test_a_permanently_failing_date_makes_the_pull_incomplete_but_others_are_tried(max_attempts):
    served, expected = make_records({D1: 6, D2: 6, D3: 6})
    backoff, sleeps = recording_backoff(max_attempts=max_attempts)
    progress = []
    with FakeSupplybuy(served, token=TOKEN, fail_dates={D2}) as server:
        client = SupplybuyClient(server.base_url, TOKEN, page_size=4, backoff=backoff)
        with pytest.raises(SupplybuyPullIncomplete) as error:
            client.pull([D1, D2, D3], on_date_done=lambda *args: progress.append(args))
        assert len(server.requests_for(D2)) == max_attempts
        assert [r.status for r in server.requests_for(D3)] == [200, 200]  # still attempted, fully

    incomplete = error.value
    assert isinstance(incomplete, SupplybuyError)
    assert incomplete.failed_dates == [D2]
    assert incomplete.fetched_dates == [D1, D3]
    assert set(incomplete.errors) == {D2} and "503" in incomplete.errors[D2]
    assert "2026-11-25" in str(incomplete) and "1 of 3" in str(incomplete)
    assert len(sleeps) == max_attempts - 1
    assert progress == [(D1, 6, 1, 3), (D3, 6, 3, 3)]


def test_exhausted_retries_name_date_page_and_last_status():
    served, _ = make_records({D1: 6})
    backoff, sleeps = recording_backoff(max_attempts=3)
    with FakeSupplybuy(served, token=TOKEN) as server:
        client = SupplybuyClient(server.base_url, TOKEN, page_size=4, backoff=backoff)
        pages = []

        def fail_after_first_page(day, index, raw):  # page 0 clean, then page 1 fails 3 times
            pages.append(index)
            server.force(502, count=3)

        with pytest.raises(SupplybuyUnavailable) as error:
            client.fetch_date(D1, on_page=fail_after_first_page)
        assert [r.status for r in server.requests] == [200, 502, 502, 502]
    message = str(error.value)
    assert "2026-11-24" in message and "page 1" in message and "HTTP 502" in message
    assert "3 attempt" in message
    assert pages == [0]


def test_connection_refused_is_retried_max_attempts_then_unavailable():
    backoff, sleeps = recording_backoff(max_attempts=4)
    session = CountingSession()
    client = SupplybuyClient(f"http://127.0.0.1:{closed_port()}", TOKEN, backoff=backoff,
                             session=session, timeout=(0.5, 0.5))
    with pytest.raises(SupplybuyUnavailable) as error:
        client.fetch_date(D1)
    assert len(session.calls) == 4
    assert len(sleeps) == 3
    message = str(error.value)
    assert "2026-11-24" in message and "page 0" in message and "ConnectionError" in message
    assert TOKEN not in message


def test_read_timeout_is_retried():
    served, expected = make_records({D1: 3})
    backoff, sleeps = recording_backoff()
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.slow(0.6)
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff, timeout=(1.0, 0.1))
        assert client.fetch_date(D1) == expected[D1]
        assert len(server.requests) == 2
    assert len(sleeps) == 1


def test_read_timeouts_on_every_attempt_end_unavailable():
    served, _ = make_records({D1: 3})
    backoff, sleeps = recording_backoff(max_attempts=2)
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.slow(0.5, count=2)
        client = SupplybuyClient(server.base_url, TOKEN, backoff=backoff, timeout=(1.0, 0.1))
        with pytest.raises(SupplybuyUnavailable, match="ReadTimeout"):
            client.fetch_date(D1)
        assert len(server.requests) == 2


# -- contract violations (not retried) ---------------------------------------------


def test_other_4xx_is_an_error_with_status_and_body_excerpt_without_retry():
    served, _ = make_records({D1: 3})
    backoff, sleeps = recording_backoff()
    with FakeSupplybuy(served, token=TOKEN) as server:
        server.force(404, body='{"error": "no such tenant"}' + " padding" * 200)
        with pytest.raises(SupplybuyError) as error:
            SupplybuyClient(server.base_url, TOKEN, backoff=backoff).fetch_date(D1)
        assert len(server.requests) == 1
    assert type(error.value) is SupplybuyError
    message = str(error.value)
    assert "404" in message and "no such tenant" in message and len(message) < 400
    assert sleeps == []


def test_bad_page_token_is_reported_by_the_fake_as_400():
    served, _ = make_records({D1: 3})
    with FakeSupplybuy(served, token=TOKEN) as server:
        response = requests.get(server.base_url + "/v1/forecasts",
                                params={"forecast_date": "2026-11-24", "page_token": "nope"},
                                headers={"Authorization": f"Bearer {TOKEN}"}, timeout=2)
    assert response.status_code == 400


@pytest.mark.parametrize("body", [
    "<html>gateway</html>",
    {"forecast_date": "2026-11-24", "items": [], "next_page_token": None},
    {"forecast_date": "2026-11-24", "data": {"item_id": "I-1"}, "next_page_token": None},
    {"forecast_date": "2026-11-24", "data": ["I-1"], "next_page_token": None},
    {"forecast_date": "2026-11-23", "data": [], "next_page_token": None},
    {"forecast_date": "2026-11-24", "data": [], "next_page_token": 3},
    [],
])
def test_a_200_that_is_not_the_contract_is_an_error_naming_the_date(body):
    with FakeSupplybuy([], token=TOKEN) as server:
        server.force(200, body=body)
        with pytest.raises(SupplybuyError) as error:
            SupplybuyClient(server.base_url, TOKEN, backoff=recording_backoff()[0]).fetch_date(D1)
        assert len(server.requests) == 1
    assert type(error.value) is SupplybuyError
    assert "2026-11-24" in str(error.value)


def test_a_server_looping_on_one_page_token_is_stopped():
    looping = {"forecast_date": "2026-11-24", "data": [], "next_page_token": "same"}
    with FakeSupplybuy([], token=TOKEN) as server:
        server.force(200, count=50, body=looping)
        with pytest.raises(SupplybuyError, match="loop"):
            SupplybuyClient(server.base_url, TOKEN).fetch_date(D1)
        assert len(server.requests) == 2
        assert server.requests[1].query["page_token"] == "same"


# -- callbacks ------------------------------------------------------------------


def test_on_page_gets_raw_bytes_of_every_page_and_on_date_done_reports_progress(data):
    served, expected = data
    pages: list[tuple[date, int, bytes]] = []
    progress = []
    with FakeSupplybuy(served, token=TOKEN) as server:
        result = SupplybuyClient(server.base_url, TOKEN, page_size=5).pull(
            [D1, D2, D3], on_page=lambda *args: pages.append(args),
            on_date_done=lambda *args: progress.append(args))

    assert [(day, index) for day, index, _ in pages] == (
        [(D1, 0), (D1, 1), (D1, 2), (D2, 0)] + [(D3, i) for i in range(5)])
    assert all(isinstance(raw, bytes) for _, _, raw in pages)
    # The raw payload is what the server sent (its number spelling included)...
    assert b'"forecast_units":1e-5' in pages[0][2]
    # ...and together the pages hold exactly the records returned.
    for day in (D1, D2, D3):
        units = [row["forecast_units"] for d, _, raw in pages if d == day
                 for row in json.loads(raw, parse_float=Decimal, parse_int=Decimal)["data"]]
        assert [as_text(u) for u in units] == [r.forecast_units for r in result[day]]
    assert progress == [(D1, 12, 1, 3), (D2, 0, 2, 3), (D3, 23, 3, 3)]


def test_duplicate_dates_are_fetched_once():
    served, expected = make_records({D1: 2})
    progress = []
    with FakeSupplybuy(served, token=TOKEN) as server:
        result = SupplybuyClient(server.base_url, TOKEN).pull(
            [D1, D1], on_date_done=lambda *args: progress.append(args))
        assert len(server.requests) == 1
    assert result == expected and progress == [(D1, 2, 1, 1)]


# -- the fake serving a local forecasts.csv ----------------------------------------


def test_fake_serves_a_local_forecasts_csv_with_exact_numbers(tmp_path):
    path = tmp_path / "forecasts.csv"
    path.write_text(
        "\ufeffItem_ID, distribution_center ,forecast_date,forecast_units,updated_at\n"
        "I-0001,DC-04,2026-11-24,78.8,2026-11-23T03:12:00Z\n"
        "I-0001,DC-05,2026-11-24,55.0,\n"
        "I-0002,DC-04,2026-11-24,,\n"
        "I-0002,DC-05,2026-11-24,abc,\n"
        "I-0003,DC-04,2026-11-24,+5,\n"
        "I-0003,DC-05,11/24/2026,9,\n"
        "I-0004,DC-04,2026-11-25,0.000001,\n",
        encoding="utf-8")
    pages = []
    with FakeSupplybuy.from_forecasts_csv(path, token=TOKEN) as server:
        result = SupplybuyClient(server.base_url, TOKEN).pull(
            [D1, D2], on_page=lambda d, i, raw: pages.append(raw))
    assert [r.forecast_units for r in result[D1]] == ["78.8", "55.0", None, "abc", "5"]
    assert result[D1][0] == ForecastRecord("I-0001", "DC-04", "2026-11-24", "78.8", "2026-11-23T03:12:00Z")
    assert result[D1][1].updated_at == ""
    assert [r.forecast_units for r in result[D2]] == ["0.000001"]
    assert b'"forecast_units":55.0' in pages[0] and b'"forecast_units":"abc"' in pages[0]


def test_fake_csv_without_updated_at_serves_null(tmp_path):
    path = tmp_path / "forecasts.csv"
    path.write_text("item_id,distribution_center,forecast_date,forecast_units\n"
                    "I-0001,DC-04,2026-11-24,12\n", encoding="utf-8")
    with FakeSupplybuy.from_forecasts_csv(path, token=TOKEN) as server:
        assert SupplybuyClient(server.base_url, TOKEN).fetch_date(D1) == [
            ForecastRecord("I-0001", "DC-04", "2026-11-24", "12", None)]


# -- retry.Backoff and retry_after_seconds ------------------------------------------


def test_backoff_delay_is_exponential_capped_and_jittered():
    plain = Backoff(jitter=False, base_delay=0.5, factor=2.0, max_delay=3.0)
    assert [plain.delay(k) for k in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    low = Backoff(random=lambda: 0.0)
    high = Backoff(random=lambda: 1.0)
    assert [low.delay(k) for k in (1, 2, 3)] == [0.25, 0.5, 1.0]  # never below half
    assert [high.delay(k) for k in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_backoff_wait_sleeps_the_longer_of_delay_and_retry_after_within_a_cap():
    sleeps = []
    backoff = Backoff(jitter=False, max_delay=10.0, sleep=sleeps.append)
    assert backoff.wait(1) == 0.5
    assert backoff.wait(1, at_least=3.0) == 3.0
    assert backoff.wait(3, at_least=0.0) == 2.0
    assert backoff.wait(1, at_least=3600.0) == 40.0  # a hostile Retry-After is capped
    assert sleeps == [0.5, 3.0, 2.0, 40.0]


def test_retry_after_seconds_reads_delta_seconds_http_dates_and_ignores_garbage():
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(" 2.5 ") == 2.5
    assert retry_after_seconds("-4") == 0.0
    assert retry_after_seconds("Tue, 24 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Tue, 24 Nov 2026 11:59:00 GMT", now=now) == 0.0
    assert retry_after_seconds(None) == 1.0
    assert retry_after_seconds("") == 1.0
    assert retry_after_seconds("soon", default=2.0) == 2.0
