"""Exponential backoff with jitter, shared by the Sheets and Supplybuy fetchers.

Pure apart from the injectable `sleep`, so tests run the real retry loops
without waiting (and can record the delays they would have waited).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Callable


@dataclass(frozen=True)
class Backoff:
    """attempt k (1-based) failed -> wait min(max_delay, base * factor**(k-1)) * jitter.

    Jitter is "equal jitter": half the delay fixed, half random, so retries of
    many clients spread out but never collapse to zero.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    factor: float = 2.0
    max_delay: float = 30.0
    jitter: bool = True
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * self.factor ** (attempt - 1))
        if not self.jitter:
            return ceiling
        return ceiling / 2 + self.random() * ceiling / 2

    def wait(self, attempt: int, at_least: float | None = None) -> float:
        """Sleep before the next attempt; a server's Retry-After wins when longer."""
        seconds = self.delay(attempt)
        if at_least is not None:
            seconds = max(seconds, min(at_least, self.max_delay * 4))
        self.sleep(seconds)
        return seconds


def retry_after_seconds(header: str | None, default: float = 1.0,
                        now: datetime | None = None) -> float:
    """Retry-After as seconds: delta-seconds or an HTTP date; `default` when absent or unreadable."""
    if header is None or not header.strip():
        return default
    text = header.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
