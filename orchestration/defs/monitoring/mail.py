"""Email: the P4 digest by SMTP or, without a mail server, as a file (the daily
digest of pending P4 entries and the weekly summary; qa.md "Alarms": P4 to a
digest), and P2 alerts by SMTP beside Slack (migration plan 4.1: P2 -> Slack +
Email). A failure to send is a DeliveryError, like Slack's: the digest entries
stay pending for the next digest, an alert email in ops.alert_delivery for the
router's next pass."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from orchestration.defs.monitoring.model import Alert
from orchestration.defs.monitoring.notify import DeliveryError, as_utc, format_numbers


class DigestSender(Protocol):
    """What the router sends a digest through (SmtpDigestSender, FileDigestWriter)."""

    def send(self, subject: str, body: str) -> str: ...


@dataclass
class DigestEntry:
    alarm: str
    severity: str
    partition: str | None
    summary: str
    raised_at: datetime
    numbers: dict = field(default_factory=dict)


def _heading(text: str, underline: str = "-") -> list[str]:
    return [text, underline * len(text)]


def render_digest(title: str, entries: list[DigestEntry],
                  sections: dict[str, list[str]] | None = None) -> tuple[str, str]:
    """(subject, plain-text body): the sections first (the weekly roll-up), then the
    entries grouped by alarm, the most recently raised group and entry first."""
    title = " ".join(title.split())  # a header line: no newlines
    subject = f"{title} ({len(entries)} {'entry' if len(entries) == 1 else 'entries'})" \
        if entries else title
    out = _heading(title, "=") + [""]
    for name, lines in (sections or {}).items():
        out += _heading(name) + [f"  {line}" for line in lines or ["(none)"]] + [""]

    groups: dict[str, list[DigestEntry]] = {}
    for entry in sorted(entries, key=lambda e: as_utc(e.raised_at), reverse=True):
        groups.setdefault(entry.alarm, []).append(entry)
    for alarm_name, group in groups.items():  # dicts keep insertion: newest group first
        severity = getattr(group[0].severity, "value", group[0].severity)
        count = f"{len(group)} {'entry' if len(group) == 1 else 'entries'}"
        out += _heading(f"{alarm_name} ({severity}, {count})")
        for entry in group:
            partition = f" [{entry.partition}]" if entry.partition else ""
            out.append(f"  {as_utc(entry.raised_at):%Y-%m-%d %H:%M} UTC{partition}  {entry.summary}")
            if entry.numbers:
                out.append("      " + ", ".join(format_numbers(entry.numbers)))
        out.append("")
    if not entries and not sections:
        out += ["Nothing to report.", ""]
    return subject, "\n".join(out).rstrip() + "\n"


class SmtpDigestSender:
    """Sends a text/plain email (smtplib): the digest, or (purpose "alert email") a P2 alert."""

    def __init__(self, host: str, port: int, sender: str, recipients: list[str],
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = 10, purpose: str = "digest"):
        if not recipients:
            raise ValueError("SmtpDigestSender needs at least one recipient")
        self.host, self.port, self.sender = host, port, sender
        self.recipients = list(recipients)
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self.purpose = purpose

    def __repr__(self) -> str:  # no password
        return f"SmtpDigestSender({self.describe()!r}, purpose={self.purpose!r})"

    def describe(self) -> str:
        return f"smtp://{self.host}:{self.port} → {', '.join(self.recipients)}"

    def send(self, subject: str, body: str) -> str:
        message = EmailMessage()
        message["Subject"] = " ".join(subject.split())  # header injection / folding safety
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="pst-alerts")
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if self.password:
                detail = detail.replace(self.password, "<password>")
            raise DeliveryError(f"{self.purpose} delivery to {self.describe()} failed: "
                                f"{detail}") from None
        # Some (not all) recipients refused: the others have it, so a retry would send
        # it twice; a refused address is a configuration error a retry cannot fix.
        note = f" (refused: {', '.join(sorted(refused))})" if refused else ""
        return self.describe() + note


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "digest"


class FileDigestWriter:
    """Local form of the digest: one text file per digest, never overwritten."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, subject: str, body: str) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        stem = f"{stamp}-{_slug(subject)}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for n in range(1, 1000):
                path = self.directory / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
                try:
                    # "x": fails if the file exists, atomically (two digests in one second).
                    with path.open("x", encoding="utf-8") as handle:
                        handle.write(f"{subject}\n\n{body}")
                    return str(path)
                except FileExistsError:
                    continue
        except OSError as exc:
            raise DeliveryError(f"digest write to {self.directory} failed: {exc}") from exc
        raise DeliveryError(f"digest write to {self.directory} failed: no free name for {stem}")


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _smtp_from_env(recipients: list[str], purpose: str) -> SmtpDigestSender:
    """The SMTP settings (PST_SMTP_*, PST_DIGEST_FROM) with these recipients."""
    env = os.environ
    host = env.get("PST_SMTP_HOST", "").strip()
    port_text = env.get("PST_SMTP_PORT", "").strip() or "25"
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"PST_SMTP_PORT must be a port number, got {port_text!r}") from None
    starttls_text = env.get("PST_SMTP_STARTTLS", "").strip().lower()
    if starttls_text not in _TRUE | _FALSE:
        raise ValueError(f"PST_SMTP_STARTTLS must be true or false, got {starttls_text!r}")
    return SmtpDigestSender(
        host=host, port=port,
        sender=env.get("PST_DIGEST_FROM", "").strip() or "pst-alerts@localhost",
        recipients=recipients,
        username=env.get("PST_SMTP_USER") or None,
        password=env.get("PST_SMTP_PASSWORD") or None,
        starttls=starttls_text in _TRUE, purpose=purpose)


def _addresses(text: str) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()]


def digest_sender_from_env(default_directory: Path) -> SmtpDigestSender | FileDigestWriter:
    """SMTP when PST_SMTP_HOST is set, else files under `default_directory`.

    Read when called (not at import) so a changed environment or a test's
    monkeypatch takes effect.
    """
    if not os.environ.get("PST_SMTP_HOST", "").strip():
        return FileDigestWriter(Path(default_directory))
    recipients = _addresses(os.environ.get("PST_DIGEST_TO", ""))
    if not recipients:
        raise ValueError("PST_DIGEST_TO (comma-separated addresses) is required when "
                         "PST_SMTP_HOST is set")
    return _smtp_from_env(recipients, "digest")


# --------------------------------------------------------------------------- P2 alerts

SUBJECT_LIMIT = 200


def render_alert_email(alert: Alert) -> tuple[str, str]:
    """(subject, plain-text body) of one alert: alarm, severity, partition, summary, the
    numbers that tripped it, the runbook and Dagster links (what the Slack message says)."""
    finding = alert.finding
    subject = " ".join(alert.title.split())
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[:SUBJECT_LIMIT - 1].rstrip() + "…"
    lines = [f"{alert.severity.value} {finding.alarm}", "",
             finding.summary.strip() or "(no summary)", "",
             f"Alarm:      {finding.alarm}",
             f"Severity:   {alert.severity.value}",
             f"Partition:  {finding.partition or 'none'}",
             f"Raised at:  {as_utc(alert.raised_at):%Y-%m-%d %H:%M} UTC", ""]
    if finding.numbers:
        lines += ["Numbers"] + [f"  {line}" for line in format_numbers(finding.numbers)] + [""]
    lines.append(f"Runbook:    {alert.runbook_url}")
    if alert.dagster_url:
        lines.append(f"Dagster UI: {alert.dagster_url}")
    return subject, "\n".join(lines) + "\n"


class MisconfiguredMailer:
    """SMTP is set but the alert email cannot be sent as configured: every send is a
    DeliveryError naming the problem, so the emails wait in ops.alert_delivery (and
    the run and the other channels go on) until the configuration is mended."""

    def __init__(self, problem: str):
        self.problem = problem

    def describe(self) -> str:
        return "email (misconfigured)"

    def send(self, subject: str, body: str) -> str:
        raise DeliveryError(f"alert email not sent: {self.problem}")


def alert_mailer_from_env() -> SmtpDigestSender | MisconfiguredMailer | None:
    """The P2 alert email: on when PST_SMTP_HOST is set (the digest's SMTP settings), to
    PST_ALERT_EMAIL_TO, else to the digest's PST_DIGEST_TO; None (off) without SMTP.

    Never raises: a bad setting must not stop Slack and PagerDuty (see MisconfiguredMailer).
    """
    env = os.environ
    if not env.get("PST_SMTP_HOST", "").strip():
        return None
    recipients = (_addresses(env.get("PST_ALERT_EMAIL_TO", ""))
                  or _addresses(env.get("PST_DIGEST_TO", "")))
    if not recipients:
        return MisconfiguredMailer("PST_ALERT_EMAIL_TO (or PST_DIGEST_TO), comma-separated "
                                   "addresses, is required when PST_SMTP_HOST is set")
    try:
        return _smtp_from_env(recipients, "alert email")
    except ValueError as error:
        return MisconfiguredMailer(str(error))
