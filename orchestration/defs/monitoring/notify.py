"""Delivery of P1-P3 alerts: Slack, or the console for local runs (the P4 digest
is mail.py).

qa.md "Alarms": P1/P2 go to Slack #production_schedule_etl_alerts, P3 to
#monitoring, P4 to a digest. Slack being down never fails the pipeline: every
failure to deliver is raised here as one type, DeliveryError, so the router can
keep the alert pending in the alert log and retry it on its next tick. This
module therefore never retries for long itself and never swallows an error.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import IO, Any, Protocol
from urllib.error import URLError

from dagster_slack import SlackResource
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler

from orchestration.defs.monitoring.model import Alert

# Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks), with margin.
SECTION_TEXT_LIMIT = 2900   # hard limit 3000
FIELD_TEXT_LIMIT = 1900     # hard limit 2000 per section field
HEADER_TEXT_LIMIT = 150     # hard limit 150 (plain_text)
FALLBACK_TEXT_LIMIT = 3000  # Slack truncates `text` at 40,000; notifications show far less
NUMBER_VALUE_LIMIT = 200    # one number's rendered value
MAX_NUMBERS = 40            # lines in the "numbers" section before "... and N more"

_ELLIPSIS = "…"


class DeliveryError(RuntimeError):
    """An alert or digest could not be delivered (the caller keeps it pending and retries)."""


class Notifier(Protocol):
    """What the router sends a P1-P3 alert through (SlackNotifier, ConsoleNotifier)."""

    def send(self, channel: str, text: str, blocks: list[dict] | None = None) -> str: ...


# --------------------------------------------------------------------------- rendering


def _value(value: object) -> str:
    """One number as a person reads it: enums by value, floats without float noise."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        # No thousands separators: the values are copied into queries and compared.
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def as_utc(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC so mixed inputs still sort.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None \
        else moment.astimezone(timezone.utc)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(_ELLIPSIS)].rstrip() + _ELLIPSIS


def _escape(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters (summaries say "rows < 50%")."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int) -> str:
    """Escape for mrkdwn, then truncate to `limit` without cutting an &entity; in half."""
    escaped = _escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - len(_ELLIPSIS)]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + _ELLIPSIS


def _link(url: str, label: str) -> str:
    # "|" and ">" end a Slack link; percent-encode them so odd URLs still work.
    safe = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe}|{label}>"


def format_numbers(numbers: Mapping[str, object], *, limit: int = SECTION_TEXT_LIMIT,
                   max_items: int = MAX_NUMBERS, mrkdwn: bool = False) -> list[str]:
    """The numbers that tripped an alarm as "key: value" lines, bounded in count and in
    total size (`limit`, measured after mrkdwn escaping when `mrkdwn`)."""
    fmt = _escape if mrkdwn else str
    lines = [fmt(f"{key}: {_truncate(_value(value), NUMBER_VALUE_LIMIT)}")
             for key, value in list(numbers.items())[:max_items]]
    hidden = len(numbers) - len(lines)
    # Drop whole lines (never cut one mid-way) until the rest and the "more" note fit.
    while lines and sum(len(line) + 3 for line in lines) + 30 > limit:
        lines.pop()
        hidden += 1
    if hidden:
        lines.append(f"… and {hidden} more")
    return lines


def render_slack_message(alert: Alert) -> tuple[str, list[dict]]:
    """(fallback text, Block Kit blocks) for one alert.

    The fallback text is what notifications and clients without blocks show, so it
    carries the whole title; the blocks name alarm, severity, partition, summary,
    the numbers and the runbook / Dagster links.
    """
    finding = alert.finding
    severity = alert.severity.value
    partition = finding.partition or "none"

    text = _fit(f"{alert.title} (runbook: {alert.runbook_url})", FALLBACK_TEXT_LIMIT)
    header = _truncate(f"{severity} {finding.alarm}", HEADER_TEXT_LIMIT)

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Alarm*\n`{_fit(finding.alarm, FIELD_TEXT_LIMIT)}`"},
            {"type": "mrkdwn", "text": f"*Severity*\n{severity}"},
            {"type": "mrkdwn", "text": f"*Partition*\n{_fit(partition, FIELD_TEXT_LIMIT)}"},
            {"type": "mrkdwn", "text": f"*Raised at*\n{as_utc(alert.raised_at):%Y-%m-%d %H:%M} UTC"},
        ]},
        {"type": "section", "text": {"type": "mrkdwn",
                                     # Slack rejects an empty section text.
                                     "text": _fit(finding.summary.strip() or "(no summary)",
                                                  SECTION_TEXT_LIMIT)}},
    ]
    if finding.numbers:
        lines = format_numbers(finding.numbers, limit=SECTION_TEXT_LIMIT - 20, mrkdwn=True)
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": "*Numbers*\n" + "\n".join(f"• {line}" for line in lines)}})
    # Plain mrkdwn links, not buttons: link buttons still post an interaction to the
    # Slack app, which this bot does not serve.
    links = [_link(alert.runbook_url, "Runbook")]
    if alert.dagster_url:
        links.append(_link(alert.dagster_url, "Dagster UI"))
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": "  ·  ".join(links)}]})
    return text, blocks


# --------------------------------------------------------------------------- Slack


class _ConnectRetryOnce(ConnectionErrorRetryHandler):
    """slack-sdk's connection-error retry, once, after a short fixed pause, and never
    after a timeout: a timed-out request may already have been posted (a retry would
    post it twice) and a second wait would double the sensor tick. The router retries
    pending alerts on its next tick anyway."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=1,
                         interval_calculator=FixedValueRetryIntervalCalculator(0.2))

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        if isinstance(error, TimeoutError) or (
                isinstance(error, URLError) and isinstance(error.reason, TimeoutError)):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def slack_client(token: str, api_url: str | None = None, timeout: float = 10) -> WebClient:
    """A slack-sdk WebClient made by dagster-slack's SlackResource, bounded in time.

    `api_url` points it elsewhere than https://slack.com/api/ (the test fake).
    """
    client = SlackResource(token=token).get_client()
    if api_url:
        # slack-sdk joins base_url and the method with urljoin: without the trailing
        # slash ".../api" + "chat.postMessage" would silently drop the "api" segment.
        client.base_url = api_url if api_url.endswith("/") else api_url + "/"
    client.timeout = timeout
    # A fresh list: slack-sdk's default handlers are module-level objects shared by
    # every client. No rate-limit handler: it sleeps for Retry-After (can be minutes).
    handlers: list[RetryHandler] = [_ConnectRetryOnce()]
    client.retry_handlers = handlers
    return client


class SlackNotifier:
    """Posts alerts with chat.postMessage; any failure is a DeliveryError."""

    def __init__(self, client: WebClient):
        self.client = client

    def _scrub(self, text: str) -> str:
        # Belt and braces (no slack-sdk message is known to echo it). Short strings
        # are skipped: replacing "t" everywhere would garble the message, not protect it.
        token = getattr(self.client, "token", None) or ""
        return text.replace(token, "<token>") if len(token) >= 8 else text

    def send(self, channel: str, text: str, blocks: list[dict] | None = None) -> str:
        try:
            response = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as exc:
            # The SlackResponse holds the request headers (the bearer token): do not
            # chain it; its status and Slack error are all a person needs.
            status = exc.response.status_code
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            error = str(data.get("error") or "unknown_error")
            detail = f"HTTP {status}: {error}" if status != 200 else error
            raise DeliveryError(self._scrub(
                f"Slack delivery to {channel} failed: {_truncate(detail, 300)}")) from None
        except (SlackClientError, OSError) as exc:  # URLError, timeouts, refused, reset
            reason = getattr(exc, "reason", None) or exc
            raise DeliveryError(self._scrub(
                f"Slack delivery to {channel} failed: {type(exc).__name__}: {reason}")) from exc
        ts = response.get("ts")
        if not ts:
            raise DeliveryError(f"Slack delivery to {channel} failed: no ts in the answer")
        return str(ts)


class ConsoleNotifier:
    """Local runs without a Slack token: the alert goes to stderr, readable."""

    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream

    def send(self, channel: str, text: str, blocks: list[dict] | None = None) -> str:
        stream = self.stream or sys.stderr  # looked up late: pytest swaps sys.stderr
        first, *rest = text.splitlines() or [""]
        lines = [f"[ALERT → #{channel.lstrip('#')}] {first}", *(f"    {line}" for line in rest)]
        stream.write("\n".join(lines) + "\n")
        stream.flush()
        return "console"


