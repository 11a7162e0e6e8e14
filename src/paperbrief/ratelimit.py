"""Pacing of HTTP attempts to an LLM server: adaptive concurrency, an RPM cap, server headers.

One `RateLimiter` is shared by every worker of a run; each HTTP attempt holds a slot while in
flight (`with limiter.slot(): ...`). Three rules decide when the next attempt may start:

- **AIMD concurrency.** The number of attempts in flight is capped by `limit`, which starts at
  the configured concurrency, halves when 429s come in a burst (a second 429 among the last
  `concurrency` answers: the server is saturated; at most once per `decrease_every` seconds, so
  one burst counts once) and grows by 1/limit per success (about +1 per round of answers). An
  isolated 429 is only retried after its own wait: it does not slow everybody down.
- **--rpm N.** Attempt starts are spaced 60/N seconds apart (no bursts), so a server limited to N
  requests a minute never sees more.
- **Server headers.** `x-ratelimit-remaining-requests` / `-tokens` and `x-ratelimit-reset-*`
  (`8.64s`, `6ms`, `1m30s`): when the server says its window is used up, nobody starts before
  the reset.

An attempt made inside `with limiter.urgent():` (by that thread) takes the next free slot before
the others waiting: a digest's plan (its embeddings), which the comparisons wait for, does not
queue behind every takeaway.

The module is independent of openai: the LLM engine hands it plain header mappings.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
MAX_PAUSE_S = 120.0  # never trust a header to stop the run for longer than this


def parse_duration(text: str | None) -> float | None:
    """Seconds in an OpenAI reset header: '8.64s', '6ms', '1m30s', '2h0m5s', or a bare '20'."""
    if text is None:
        return None
    raw = text.strip().lower()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    pos, total = 0, 0.0
    for m in _DURATION_RE.finditer(raw):
        if m.start() != pos:
            return None
        value = float(m.group(1))
        total += value * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[m.group(2)]
        pos = m.end()
    return total if pos == len(raw) and pos > 0 else None


def _int(text: str | None) -> int | None:
    try:
        return int(float(text)) if text is not None else None
    except ValueError:
        return None


class RateLimiter:
    """Decides when each HTTP attempt may start; thread-safe; see the module docstring."""

    def __init__(
        self,
        concurrency: int = 8,
        *,
        rpm: float | None = None,
        decrease_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_concurrency = max(1, concurrency)
        self.limit = float(self.max_concurrency)
        self.rpm = rpm if rpm and rpm > 0 else None
        self.decrease_every = decrease_every
        self.clock = clock
        self.in_flight = 0
        self.rate_limited = 0  # 429s seen
        self.decreases = 0  # times the limit was cut
        self.lowest_limit = self.limit
        self._next_start = 0.0  # the RPM pacing: no attempt starts before this
        self._paused_until = 0.0  # a 429's retry-after or a used-up window
        self._last_decrease = -1e9
        self._recent: deque[bool] = deque(maxlen=self.max_concurrency)  # True: a 429
        self._cond = threading.Condition()
        self._urgent_waiting = 0  # urgent attempts waiting for a slot: the others let them pass
        self._thread = threading.local()

    @property
    def concurrency(self) -> int:
        """How many attempts may be in flight now."""
        return max(1, int(self.limit))

    # -- slots ------------------------------------------------------------------------------

    def _wait_time(self, now: float) -> float:
        """0 when an attempt may start now, else how long to wait at most before checking."""
        waits = [self._paused_until - now, self._next_start - now]
        if self.in_flight >= self.concurrency:
            waits.append(1.0)  # woken by release() before that
        return max(0.0, *waits)

    def acquire(self) -> None:
        """Block until an attempt may start, then count it in flight."""
        urgent = getattr(self._thread, "urgent", False)
        with self._cond:
            self._urgent_waiting += urgent
            try:
                while True:
                    now = self.clock()
                    wait = self._wait_time(now)
                    if wait <= 0 and (urgent or not self._urgent_waiting):
                        break
                    self._cond.wait(timeout=wait or 1.0)  # woken when an urgent one starts
            finally:
                self._urgent_waiting -= urgent
                if urgent:
                    self._cond.notify_all()
            self.in_flight += 1
            if self.rpm:
                self._next_start = max(now, self._next_start) + 60.0 / self.rpm

    def release(self) -> None:
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self._cond.notify_all()

    @contextmanager
    def urgent(self) -> Iterator[None]:
        """This thread's attempts inside take the next free slot before the others waiting."""
        before = getattr(self._thread, "urgent", False)
        self._thread.urgent = True
        try:
            yield
        finally:
            self._thread.urgent = before

    @property
    def is_urgent(self) -> bool:
        """Whether this thread is inside `urgent()` (for work it hands to other threads)."""
        return bool(getattr(self._thread, "urgent", False))

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for one HTTP attempt."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    # -- feedback ---------------------------------------------------------------------------

    def success(self) -> None:
        """An answered attempt: additive increase, up to the configured concurrency."""
        with self._cond:
            self._recent.append(False)
            self.limit = min(float(self.max_concurrency), self.limit + 1.0 / self.limit)
            self._cond.notify_all()

    def throttled(self) -> None:
        """A 429: multiplicative decrease when it is part of a burst."""
        with self._cond:
            now = self.clock()
            self.rate_limited += 1
            burst = any(self._recent)  # another 429 among the last answers
            self._recent.append(True)
            if burst and now - self._last_decrease >= self.decrease_every:
                self.limit = max(1.0, self.limit / 2)
                self.lowest_limit = min(self.lowest_limit, self.limit)
                self.decreases += 1
                self._last_decrease = now

    def observe(self, headers: Mapping[str, str] | None) -> None:
        """Read the server's x-ratelimit-remaining-* / x-ratelimit-reset-* headers, if any."""
        if not headers:
            return
        lower = {k.lower(): v for k, v in headers.items()}
        with self._cond:
            now = self.clock()
            for what in ("requests", "tokens"):
                remaining = _int(lower.get(f"x-ratelimit-remaining-{what}"))
                reset = parse_duration(lower.get(f"x-ratelimit-reset-{what}"))
                # the window is used up when nothing remains beyond the attempts in flight
                if remaining is not None and reset and remaining <= self.in_flight - 1:
                    self._pause(now, reset)

    def _pause(self, now: float, seconds: float) -> None:
        self._paused_until = max(self._paused_until, now + min(seconds, MAX_PAUSE_S))
