"""Retry timing shared by every HTTP caller: server-given waits first, else backoff with jitter."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from tenacity import RetryCallState
from tenacity.wait import wait_base, wait_exponential_jitter

MAX_SERVER_WAIT_S = 60.0
# "try again in 1.2s", "in 6ms", "in 9m38.016s" (Groq), "retry after 60 seconds" (Azure)
_TRY_AGAIN_RE = re.compile(
    r"(?:try again|retry)\s+(?:in|after)\s+"
    r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?!s))?(?:(?P<s>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>ms|s|secs?|seconds?|minutes?|mins?)\b)?",
    re.I,
)


def _message_wait(message: str) -> float | None:
    """The wait a server wrote in its error message, in seconds, else None."""
    m = _TRY_AGAIN_RE.search(message)
    if not m or not any(m.group(g) for g in ("h", "m", "s")):
        return None
    value = float(m.group("s") or 0)
    unit = (m.group("unit") or "s").lower()
    if unit == "ms":
        value /= 1000
    elif unit.startswith("min"):
        value *= 60
    return int(m.group("h") or 0) * 3600 + int(m.group("m") or 0) * 60 + value


def retry_after_seconds(
    headers: Mapping[str, str] | None, message: str | None = None
) -> float | None:
    """The wait a server asked for: `retry-after-ms`, then `retry-after`, then 'try again in Ns'."""
    if headers:
        lower = {k.lower(): v for k, v in headers.items()}
        raw_ms = lower.get("retry-after-ms")
        if raw_ms:
            try:
                return max(0.0, float(raw_ms) / 1000)
            except ValueError:
                pass
        raw = lower.get("retry-after")
        if raw:
            try:
                return max(0.0, float(raw))
            except ValueError:
                try:
                    when = parsedate_to_datetime(raw)
                    return max(0.0, when.timestamp() - time.time())
                except (TypeError, ValueError):
                    pass
    if message:
        return _message_wait(message)
    return None


class wait_server_or_backoff(wait_base):  # noqa: N801 (tenacity's naming style)
    """Wait what the failed attempt's server asked for (capped), else exponential backoff + jitter.

    The exception of the failed attempt may carry the server's wait as `retry_after` (seconds).
    """

    def __init__(self, initial: float = 1.0, maximum: float = 30.0, jitter: float = 1.0,
                 cap: float = MAX_SERVER_WAIT_S) -> None:
        self.backoff = wait_exponential_jitter(multiplier=initial, max=maximum, jitter=jitter)
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc: Any = outcome.exception() if outcome is not None else None
        server_wait = getattr(exc, "retry_after", None)
        if isinstance(server_wait, (int, float)):
            return min(float(server_wait), self.cap)
        return self.backoff(retry_state)
