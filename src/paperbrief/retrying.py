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
_TRY_AGAIN_RE = re.compile(r"try again in\s+(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?)\b", re.I)


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
        m = _TRY_AGAIN_RE.search(message)
        if m:
            value = float(m.group(1))
            return value / 1000 if m.group(2).lower() == "ms" else value
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
