"""The P4 digest by email (SMTP) or, without a mail server, as a file: the daily
digest of pending P4 entries and the weekly summary (qa.md "Alarms": P4 to a
digest). A failure to send is a DeliveryError, like Slack's: the entries stay
pending for the next digest."""

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
    """Sends the digest as a text/plain email (smtplib)."""

    def __init__(self, host: str, port: int, sender: str, recipients: list[str],
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = 10):
        if not recipients:
            raise ValueError("SmtpDigestSender needs at least one recipient")
        self.host, self.port, self.sender = host, port, sender
        self.recipients = list(recipients)
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

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
            raise DeliveryError(f"digest delivery to {self.describe()} failed: {detail}") from None
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


def digest_sender_from_env(default_directory: Path) -> SmtpDigestSender | FileDigestWriter:
    """SMTP when PST_SMTP_HOST is set, else files under `default_directory`.

    Read when called (not at import) so a changed environment or a test's
    monkeypatch takes effect.
    """
    env = os.environ
    host = env.get("PST_SMTP_HOST", "").strip()
    if not host:
        return FileDigestWriter(Path(default_directory))
    port_text = env.get("PST_SMTP_PORT", "").strip() or "25"
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"PST_SMTP_PORT must be a port number, got {port_text!r}") from None
    starttls_text = env.get("PST_SMTP_STARTTLS", "").strip().lower()
    if starttls_text not in _TRUE | _FALSE:
        raise ValueError(f"PST_SMTP_STARTTLS must be true or false, got {starttls_text!r}")
    recipients = [r.strip() for r in env.get("PST_DIGEST_TO", "").split(",") if r.strip()]
    if not recipients:
        raise ValueError("PST_DIGEST_TO (comma-separated addresses) is required when "
                         "PST_SMTP_HOST is set")
    return SmtpDigestSender(
        host=host, port=port,
        sender=env.get("PST_DIGEST_FROM", "").strip() or "pst-alerts@localhost",
        recipients=recipients,
        username=env.get("PST_SMTP_USER") or None,
        password=env.get("PST_SMTP_PASSWORD") or None,
        starttls=starttls_text in _TRUE)
