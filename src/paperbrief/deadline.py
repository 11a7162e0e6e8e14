"""Overall deadlines for network exchanges, and a way to abort them all at once (a signal).

A per-read timeout (`--timeout`, the SMTP client's 30 s) does not bound an exchange: a server
that sends one byte every few seconds, endless `250-` lines or an endless event stream keeps every
read short and the exchange endless, while the run holds the lock. So each exchange runs inside a
`Guard`: the sockets it uses are registered with it (`watch`), and when its deadline passes a
watchdog thread shuts them down (`shutdown(SHUT_RDWR)` wakes a read blocked in any thread, TLS or
not), and the blocked call fails at once; the guard then reports `DeadlineExceeded`.

`abort_all()` does the same to every exchange in flight and to any started afterwards: the CLI
calls it on SIGTERM / Ctrl-C once the answers in flight had a short grace to arrive, so that a
hanging call cannot keep the process alive.

The deadline is PAPERBRIEF_DEADLINE seconds (default 300) for each exchange: one HTTP request and
its answer (streamed or not), one fetch of a source (its retries included) or one SMTP session.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from paperbrief.errors import UsageError

DEADLINE_ENV = "PAPERBRIEF_DEADLINE"
DEFAULT_DEADLINE_S = 300.0
MAX_DEADLINE_S = 7 * 24 * 3600.0  # a week: beyond that a number is a typo, not a deadline


class DeadlineExceeded(TimeoutError):
    """An exchange did not finish within its overall deadline (or was aborted)."""


def deadline_seconds(env: dict[str, str] | None = None) -> float:
    """The overall deadline of one exchange: PAPERBRIEF_DEADLINE, else the default."""
    raw = (os.environ if env is None else env).get(DEADLINE_ENV, "").strip()
    if not raw:
        return DEFAULT_DEADLINE_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_DEADLINE_S):
        raise UsageError(
            f"{DEADLINE_ENV}={raw[:40]!r}: expected a number of seconds above 0 "
            f"and at most {MAX_DEADLINE_S:.0f}"
        )
    return value


@dataclass
class _Watched:
    """A socket of an exchange, with what identifies its connection should the object be
    detached from its descriptor (wrapped in TLS after it was registered)."""

    sock: socket.socket
    fd: int
    ends: tuple[object, object] | None


def _ends(sock: socket.socket) -> tuple[object, object] | None:
    try:
        return sock.getsockname(), sock.getpeername()
    except OSError:
        return None


def _shut(watched: _Watched) -> None:
    """Wake whoever reads or writes this connection: shut it down (never close: its owner
    closes it, and a closed descriptor number may already belong to someone else)."""
    sock = watched.sock
    try:
        if sock.fileno() != -1:
            sock.shutdown(socket.SHUT_RDWR)
            return
    except OSError:
        return  # not connected, or already shut
    if watched.ends is None:
        return
    try:  # detached by a TLS wrap: the same descriptor, if it is still the same connection
        other = socket.socket(fileno=watched.fd)
    except OSError:
        return
    try:
        if _ends(other) == watched.ends:
            other.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        other.detach()


@dataclass(eq=False)
class Guard:
    """One exchange's deadline and the sockets it uses."""

    seconds: float
    what: str
    expires: float = 0.0
    expired: str | None = None  # why, once expired or aborted
    _watched: list[_Watched] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.expires = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def watch(self, sock: socket.socket | None) -> None:
        """Bound `sock`'s use by this guard (shut at once if the guard has expired)."""
        if sock is None:
            return
        with self._lock:
            if any(w.sock is sock for w in self._watched):
                return
            watched = _Watched(sock, sock.fileno(), _ends(sock))
            self._watched.append(watched)
            late = self.expired is not None
        if late:
            _shut(watched)

    def expire(self, reason: str) -> None:
        with self._lock:
            if self.expired is None:
                self.expired = reason
            watched = list(self._watched)
        for w in watched:
            _shut(w)

    def passed(self) -> bool:
        """Whether the deadline has passed (or the guard was aborted)."""
        return self.expired is not None or time.monotonic() >= self.expires

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"{self.what}: {self.reason()}")

    def reason(self) -> str:
        """Why the exchange was cut: the deadline passed, or it was aborted."""
        return self.expired or self._reason()

    def check(self) -> None:
        """Raise DeadlineExceeded if this guard has expired (between two steps)."""
        if self.expired is None and time.monotonic() >= self.expires:
            self.expire(self._reason())
        if self.expired is not None:
            raise self.error()

    def _reason(self) -> str:
        return f"no complete answer within {self.seconds:g} s ({DEADLINE_ENV})"


class _Watchdog:
    """One daemon thread that expires guards when their time comes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Guard]] = []
        self._live: set[Guard] = set()
        self._count = itertools.count()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.aborting: str | None = None

    def add(self, guard: Guard) -> None:
        with self._cond:
            if self.aborting is not None:
                guard.expired = self.aborting
            self._live.add(guard)
            earliest = self._heap[0][0] if self._heap else math.inf
            heapq.heappush(self._heap, (guard.expires, next(self._count), guard))
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._loop, name="paperbrief deadlines", daemon=True
                )
                self._thread.start()
            elif guard.expires >= earliest:
                return  # the watchdog wakes up earlier anyway (and then sweeps what finished)
            self._cond.notify()

    def remove(self, guard: Guard) -> None:
        with self._cond:
            self._live.discard(guard)

    def abort_all(self, reason: str) -> None:
        with self._cond:
            self.aborting = reason
            live = list(self._live)
        for guard in live:
            guard.expire(reason)

    def reset(self) -> None:
        with self._cond:
            self.aborting = None

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2] not in self._live:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._cond.wait()
                    continue
                expires, _, guard = self._heap[0]
                wait = expires - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(guard)
            guard.expire(guard._reason())


_WATCHDOG = _Watchdog()
_current = threading.local()


def current() -> Guard | None:
    """The guard of the exchange this thread is in, if any."""
    return getattr(_current, "guard", None)


def start(what: str, seconds: float | None = None) -> Guard:
    """A guard that runs from now (end it with `finish`)."""
    guard = Guard(deadline_seconds() if seconds is None else seconds, what)
    _WATCHDOG.add(guard)
    return guard


def finish(guard: Guard) -> None:
    _WATCHDOG.remove(guard)


@contextmanager
def active(guard: Guard) -> Iterator[Guard]:
    """Make `guard` this thread's current one while inside (sockets met are watched by it)."""
    before = current()
    _current.guard = guard
    try:
        yield guard
    finally:
        _current.guard = before


def watch(sock: socket.socket | None) -> None:
    """Bound `sock` by this thread's current guard (nothing outside a guard)."""
    g = current()
    if g is not None:
        g.watch(sock)


def abort_all(reason: str = "interrupted") -> None:
    """Fail every exchange in flight now, and every one started later (until `reset`)."""
    _WATCHDOG.abort_all(reason)


def reset() -> None:
    """Exchanges may run again (a new command in the same process)."""
    _WATCHDOG.reset()
