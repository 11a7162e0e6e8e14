"""A circuit breaker for an LLM endpoint that is down: stop calling it after N failures in a row.

Connection failures, timeouts and 5xx answers count; any other answer (a 2xx, a 4xx, a 429)
proves the server is there and resets the count. Once open it stays open for the rest of the
run: the remaining items are written by the offline engine and the CLI says so once.
"""

from __future__ import annotations

import threading

DEFAULT_THRESHOLD = 5


class CircuitBreaker:
    """Counts consecutive outage-like failures; thread-safe."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.threshold = max(1, threshold)
        self.consecutive = 0
        self.reason: str | None = None  # set once open: why the endpoint is given up
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.reason is not None

    def failure(self, message: str) -> bool:
        """Count one outage-like failure; True when this one opened the breaker."""
        with self._lock:
            self.consecutive += 1
            if self.reason is None and self.consecutive >= self.threshold:
                self.reason = (
                    f"the LLM endpoint failed {self.consecutive} times in a row ({message})"
                )
                return True
            return False

    def success(self) -> None:
        """The server answered: the failures so far were not an outage."""
        with self._lock:
            self.consecutive = 0
