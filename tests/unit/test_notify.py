"""The delivery layer (orchestration/defs/monitoring/notify.py, mail.py) against real servers on
127.0.0.1: slack-sdk over HTTP to tests/fakes/slack_server.py, smtplib to aiosmtpd."""

from __future__ import annotations

import io
import socket
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from orchestration.alarms import Route
from orchestration.defs.monitoring.model import Finding, route_finding
from orchestration.defs.monitoring.mail import (
    DigestEntry,
    FileDigestWriter,
    SmtpDigestSender,
    digest_sender_from_env,
    render_digest,
)
from orchestration.defs.monitoring.notify import (
    SECTION_TEXT_LIMIT,
    ConsoleNotifier,
    DeliveryError,
    SlackNotifier,
    render_slack_message,
    slack_client,
)
from tests.fakes.slack_server import FakeSlack

pytestmark = pytest.mark.timeout(60)

TOKEN = "test-bot-token"
ALERTS = "#production_schedule_etl_alerts"
CHANNELS = {Route.ALERTS: ALERTS, Route.MONITORING: "#monitoring"}
RAISED = datetime(2024, 5, 2, 6, 15, tzinfo=timezone.utc)


def make_alert(summary: str = "tomorrow's rows are 38% below the 7-day average",
               numbers: dict | None = None, run_id: str | None = "run-42",
               alarm: str = "prod-schedule-row-count-warning", **kw):
    finding = Finding(
        alarm=alarm, summary=summary, partition="2024-05-03",
        subject="stg2/fact_production_schedule_staged", run_id=run_id,
        numbers={"rows": 620, "avg_7d": 1000.0, "drop_pct": 0.38} if numbers is None else numbers,
        **kw)
    return route_finding(finding, channels=CHANNELS, runbook_base_url="https://git.example/pst",
                         dagster_base_url="http://dagster.local:3000", raised_at=RAISED)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def all_block_text(blocks: list[dict]) -> str:
    parts = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])]
        parts += [e["text"] for e in block.get("elements", [])]
    return "\n".join(parts)


@pytest.fixture
def slack():
    with FakeSlack(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def notifier(slack):
    return SlackNotifier(slack_client(TOKEN, api_url=slack.api_url, timeout=2))


# --------------------------------------------------------------------------- Slack


def test_send_delivers_one_message_with_the_rendered_blocks(slack, notifier):
    alert = make_alert()
    text, blocks = render_slack_message(alert)

    ts = notifier.send(alert.channel, text, blocks)

    assert len(slack.messages) == 1
    message = slack.messages[0]
    assert message.channel == ALERTS
    assert (message.text, message.blocks) == (text, blocks)
    assert ts == message.ts and ts
    request = slack.requests[-1]
    assert request.api_method == "chat.postMessage"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_every_send_gets_its_own_ts(slack, notifier):
    first = notifier.send("#monitoring", "one")
    second = notifier.send("#monitoring", "two")
    assert first != second
    assert [m.text for m in slack.messages] == ["one", "two"]


def test_http_500_is_a_delivery_error_and_the_next_send_succeeds(slack, notifier):
    slack.fail_next(1, status=500)
    with pytest.raises(DeliveryError, match="500") as failure:
        notifier.send(ALERTS, "first try")
    assert ALERTS in str(failure.value)
    assert slack.messages == []
    assert len(slack.requests) == 1  # slack-sdk did not retry the 5xx behind our back

    notifier.send(ALERTS, "second try")
    assert [m.text for m in slack.messages] == ["second try"]


def test_slack_down_then_up(slack, notifier):
    slack.down()
    with pytest.raises(DeliveryError, match="503"):
        notifier.send(ALERTS, "while down")
    slack.up()
    notifier.send(ALERTS, "after recovery")
    assert [m.text for m in slack.messages] == ["after recovery"]


@pytest.mark.parametrize("error", ["channel_not_found", "invalid_auth"])
def test_ok_false_is_a_delivery_error_naming_the_error_not_the_token(slack, notifier, error):
    slack.fail_next_with_error(1, error=error)
    with pytest.raises(DeliveryError) as failure:
        notifier.send(ALERTS, "hello")
    message = str(failure.value)
    assert error in message and ALERTS in message
    assert TOKEN not in message
    assert failure.value.__cause__ is None or TOKEN not in str(failure.value.__cause__)
    assert slack.messages == []


def test_a_wrong_token_is_invalid_auth_without_the_token_in_the_message(slack):
    wrong = "test-wrong-token"
    with pytest.raises(DeliveryError, match="invalid_auth") as failure:
        SlackNotifier(slack_client(wrong, api_url=slack.api_url)).send(ALERTS, "hello")
    assert wrong not in str(failure.value)
    assert slack.messages == []


def test_an_unknown_channel_is_channel_not_found():
    with FakeSlack(token=TOKEN, channels={ALERTS}) as fake:
        notifier = SlackNotifier(slack_client(TOKEN, api_url=fake.api_url))
        with pytest.raises(DeliveryError, match="channel_not_found"):
            notifier.send("#no-such-channel", "hello")
        notifier.send(ALERTS, "hello")
        assert [m.channel for m in fake.messages] == [ALERTS]


def test_connection_refused_is_a_fast_delivery_error():
    notifier = SlackNotifier(slack_client(TOKEN, api_url=f"http://127.0.0.1:{free_port()}/api/"))
    started = time.monotonic()
    with pytest.raises(DeliveryError, match=ALERTS) as failure:
        notifier.send(ALERTS, "nobody listens")
    assert time.monotonic() - started < 3
    assert TOKEN not in str(failure.value)


def test_a_timeout_is_a_delivery_error_and_not_retried(slack):
    notifier = SlackNotifier(slack_client(TOKEN, api_url=slack.api_url, timeout=0.5))
    slack.slow_next(1, seconds=1.5)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="(?i)timed out|timeout"):
        notifier.send(ALERTS, "slow")
    assert time.monotonic() - started < 1.4  # one wait of 0.5 s, no second attempt
    time.sleep(1.2)  # let the slow request finish on the server
    assert len(slack.requests) == 1


def test_slack_client_is_bounded(slack):
    client = slack_client(TOKEN, api_url=slack.api_url.rstrip("/"), timeout=7)
    assert client.base_url == slack.api_url  # the trailing slash urljoin needs
    assert client.timeout == 7
    assert client.token == TOKEN
    assert len(client.retry_handlers) <= 1
    assert all(h.max_retry_count <= 1 for h in client.retry_handlers)
    assert not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)
    assert slack_client(TOKEN).base_url == "https://slack.com/api/"


def test_auth_test_works_against_the_fake(slack):
    assert slack_client(TOKEN, api_url=slack.api_url).auth_test()["ok"] is True


# --------------------------------------------------------------------------- rendering


def test_render_names_alarm_severity_partition_numbers_and_links():
    alert = make_alert()
    text, blocks = render_slack_message(alert)
    body = all_block_text(blocks)

    for expected in ("prod-schedule-row-count-warning", "P2", "2024-05-03",
                     "38% below the 7-day average", "rows: 620", "avg_7d: 1000", "drop_pct: 0.38",
                     "https://git.example/pst/docs/runbooks/prod-schedule-row-count-warning.md",
                     "http://dagster.local:3000/runs/run-42"):
        assert expected in body, expected
    assert "prod-schedule-row-count-warning" in text and "P2" in text and "2024-05-03" in text
    assert len(blocks) <= 50


def test_render_without_dagster_url_or_numbers():
    finding = Finding(alarm="schema-drift-detected", summary="column added: foo", numbers={})
    alert = route_finding(finding, channels=CHANNELS, runbook_base_url="https://r",
                          dagster_base_url=None, raised_at=RAISED)
    _, blocks = render_slack_message(alert)
    body = all_block_text(blocks)
    assert "Dagster" not in body and "Numbers" not in body
    assert "https://r/docs/runbooks/schema-drift-detected.md" in body
    assert "none" in body  # no partition is said, not left blank


def test_render_escapes_mrkdwn_control_characters():
    _, blocks = render_slack_message(make_alert(summary="rows < 50% & falling > fast"))
    assert "rows &lt; 50% &amp; falling &gt; fast" in all_block_text(blocks)


def test_long_summary_and_numbers_are_truncated_under_slacks_limits(slack, notifier):
    numbers = {f"metric_{i:03d}": "x" * 500 for i in range(300)}
    alert = make_alert(summary="&" * 5000 + "END", numbers=numbers)
    text, blocks = render_slack_message(alert)

    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] in ("section", "context"):
            for item in [block.get("text")] + block.get("fields", []) + block.get("elements", []):
                if item:
                    assert len(item["text"]) <= SECTION_TEXT_LIMIT
    body = all_block_text(blocks)
    assert "END" not in body and "…" in body
    assert "&am…" not in body and "&a…" not in body  # no entity cut in half
    assert "more" in body  # the hidden numbers are counted, not silently dropped
    assert "metric_000: " in body
    # Slack itself (the fake checks the same limits) accepts it.
    notifier.send(alert.channel, text, blocks)
    assert len(slack.messages) == 1


def test_the_fake_rejects_blocks_over_the_limits(slack, notifier):
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(DeliveryError, match="invalid_blocks"):
        notifier.send(ALERTS, "x", too_long)
    assert slack.messages == []


# --------------------------------------------------------------------------- console


def test_console_notifier_writes_the_alert():
    stream = io.StringIO()
    text, blocks = render_slack_message(make_alert())
    assert ConsoleNotifier(stream).send(ALERTS, text, blocks) == "console"
    out = stream.getvalue()
    assert out.startswith("[ALERT → #production_schedule_etl_alerts] P2 prod-schedule-row-count")
    assert out.endswith("\n")


def test_console_notifier_defaults_to_stderr(capsys):
    ConsoleNotifier().send("monitoring", "line one\nline two")
    err = capsys.readouterr().err
    assert "[ALERT → #monitoring] line one" in err and "    line two" in err


# --------------------------------------------------------------------------- digest


def entry(alarm: str, hours: int, summary: str = "ok", **numbers) -> DigestEntry:
    return DigestEntry(alarm=alarm, severity="P4", partition="2024-05-03", summary=summary,
                       raised_at=RAISED + timedelta(hours=hours), numbers=numbers)


def test_render_digest_groups_by_alarm_newest_first_and_includes_sections():
    entries = [
        entry("job-completed-successfully", 0, "run one", rows=900),
        entry("history-table-growth", 1, "growth"),
        entry("job-completed-successfully", 2, "run two", rows=1000),
    ]
    subject, body = render_digest("Daily digest", entries,
                                  sections={"Runs": ["7 succeeded, 0 failed"],
                                            "Durations": ["avg 312 s"]})
    assert "Daily digest" in subject and "3" in subject
    assert "Runs" in body and "7 succeeded, 0 failed" in body and "avg 312 s" in body
    assert body.index("Runs") < body.index("Durations") < body.index("job-completed")
    # One heading per alarm; the group with the newest entry first; newest entry first.
    assert body.count("job-completed-successfully (") == 1
    assert body.index("job-completed-successfully (") < body.index("history-table-growth (")
    assert body.index("run two") < body.index("run one") < body.index("growth")
    assert "rows: 1000" in body and "2024-05-02 08:15 UTC" in body


def test_render_digest_with_nothing():
    subject, body = render_digest("Daily digest", [])
    assert subject == "Daily digest"
    assert "Nothing to report" in body


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: aiosmtpd answers 535 itself (True would leave the client waiting).
        return AuthResult(success=auth_data.password == b"right-pass", handled=False)

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            auth_require_tls=False, authenticator=authenticator)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_smtp_digest_sender_delivers_to_every_recipient(smtp_server):
    controller, inbox = smtp_server
    recipients = ["ops@example.test", "planner@example.test"]
    sender = SmtpDigestSender("127.0.0.1", controller.port, "pst-alerts@localhost", recipients)
    subject, body = render_digest("Daily digest", [entry("job-completed-successfully", 0)])

    where = sender.send(subject, body)

    assert where == f"smtp://127.0.0.1:{controller.port} → ops@example.test, planner@example.test"
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "pst-alerts@localhost"
    assert sorted(envelope.rcpt_tos) == recipients
    mail = message_from_bytes(envelope.original_content, policy=default_policy)
    assert mail["Subject"] == subject
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().replace("\r\n", "\n").strip() == body.strip()


def test_smtp_login(smtp_server):
    controller, inbox = smtp_server
    good = SmtpDigestSender("127.0.0.1", controller.port, "a@x", ["b@y"],
                            username="pst", password="right-pass")
    good.send("s", "b")
    assert len(inbox.envelopes) == 1

    bad = SmtpDigestSender("127.0.0.1", controller.port, "a@x", ["b@y"],
                           username="pst", password="wrong-pass")
    with pytest.raises(DeliveryError, match="535") as failure:
        bad.send("s", "b")
    assert "wrong-pass" not in str(failure.value)
    assert len(inbox.envelopes) == 1


def test_smtp_server_down_is_a_delivery_error():
    sender = SmtpDigestSender("127.0.0.1", free_port(), "a@x", ["b@y"], timeout=2)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="smtp://127.0.0.1"):
        sender.send("subject", "body")
    assert time.monotonic() - started < 3


def test_file_digest_writer_never_overwrites(tmp_path):
    writer = FileDigestWriter(tmp_path / "digests")
    first = writer.send("Daily digest: 2024-05-03", "body one\n")
    second = writer.send("Daily digest: 2024-05-03", "body two\n")

    assert first != second
    files = sorted((tmp_path / "digests").iterdir())
    assert len(files) == 2
    assert all(f.name.endswith("-daily-digest-2024-05-03.txt") or
               f.name.endswith("-daily-digest-2024-05-03-2.txt") for f in files)
    texts = {open(p, encoding="utf-8").read() for p in (first, second)}
    assert texts == {"Daily digest: 2024-05-03\n\nbody one\n",
                     "Daily digest: 2024-05-03\n\nbody two\n"}


def test_file_digest_writer_failure_is_a_delivery_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(DeliveryError):
        FileDigestWriter(blocker).send("s", "b")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("PST_SMTP_HOST", "PST_SMTP_PORT", "PST_SMTP_USER", "PST_SMTP_PASSWORD",
                 "PST_SMTP_STARTTLS", "PST_DIGEST_FROM", "PST_DIGEST_TO"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_digest_sender_from_env_defaults_to_files(clean_env, tmp_path):
    sender = digest_sender_from_env(tmp_path)
    assert isinstance(sender, FileDigestWriter) and sender.directory == tmp_path


def test_digest_sender_from_env_picks_smtp(clean_env, tmp_path):
    clean_env.setenv("PST_SMTP_HOST", "mail.example.test")
    clean_env.setenv("PST_DIGEST_TO", "a@x, b@y,")
    sender = digest_sender_from_env(tmp_path)
    assert isinstance(sender, SmtpDigestSender)
    assert (sender.host, sender.port, sender.sender, sender.recipients, sender.starttls) == (
        "mail.example.test", 25, "pst-alerts@localhost", ["a@x", "b@y"], False)

    clean_env.setenv("PST_SMTP_PORT", "587")
    clean_env.setenv("PST_SMTP_STARTTLS", "true")
    clean_env.setenv("PST_SMTP_USER", "pst")
    clean_env.setenv("PST_SMTP_PASSWORD", "secret")
    clean_env.setenv("PST_DIGEST_FROM", "etl@example.test")
    sender = digest_sender_from_env(tmp_path)
    assert (sender.port, sender.starttls, sender.username, sender.password, sender.sender) == (
        587, True, "pst", "secret", "etl@example.test")


def test_digest_sender_from_env_requires_recipients_with_smtp(clean_env, tmp_path):
    clean_env.setenv("PST_SMTP_HOST", "mail.example.test")
    with pytest.raises(ValueError, match="PST_DIGEST_TO"):
        digest_sender_from_env(tmp_path)
    clean_env.setenv("PST_DIGEST_TO", "a@x")
    clean_env.setenv("PST_SMTP_STARTTLS", "maybe")
    with pytest.raises(ValueError, match="PST_SMTP_STARTTLS"):
        digest_sender_from_env(tmp_path)


def test_digest_sender_from_env_end_to_end(clean_env, tmp_path, smtp_server):
    controller, inbox = smtp_server
    clean_env.setenv("PST_SMTP_HOST", "127.0.0.1")
    clean_env.setenv("PST_SMTP_PORT", str(controller.port))
    clean_env.setenv("PST_DIGEST_TO", "ops@example.test")
    digest_sender_from_env(tmp_path).send("Weekly metrics summary", "body")
    assert [e.rcpt_tos for e in inbox.envelopes] == [["ops@example.test"]]
    assert list(tmp_path.iterdir()) == []
