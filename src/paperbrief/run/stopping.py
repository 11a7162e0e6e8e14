"""SIGTERM and Ctrl-C while network calls hang: stop within a bounded time, keeping what is paid.

The first SIGTERM or SIGINT raises in the main thread (`Terminated` or KeyboardInterrupt), which
unwinds the run: results already in are saved, the run is recorded as interrupted. The answers
in flight get PAPERBRIEF_STOP_GRACE seconds (default 10) to arrive and be kept; then every
network exchange still open is aborted (`deadline.abort_all`), so that no hanging call holds the
process. A second SIGTERM kills at once. `leave` ends a process whose worker threads still linger
(in a retry's wait, say) instead of letting the interpreter wait for them.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from paperbrief import deadline
from paperbrief.errors import Terminated

GRACE_ENV = "PAPERBRIEF_STOP_GRACE"
DEFAULT_GRACE_S = 10.0
LINGER_S = 2.0  # how long the way out waits for worker threads before ending the process

_timer: threading.Timer | None = None


def grace_seconds() -> float:
    """PAPERBRIEF_STOP_GRACE (0 to 3600 s), else the default (also for a value out of range:
    this is read while stopping, where an error would help nobody)."""
    try:
        value = float(os.environ.get(GRACE_ENV, "") or DEFAULT_GRACE_S)
    except ValueError:
        return DEFAULT_GRACE_S
    return value if math.isfinite(value) and 0 <= value <= 3600 else DEFAULT_GRACE_S


def check_settings() -> None:
    """Raise UsageError (exit 2) for a PAPERBRIEF_DEADLINE that is no number of seconds."""
    deadline.deadline_seconds()


def _abort_later() -> None:
    """Abort the exchanges still open once the grace has passed (once per stop)."""
    global _timer
    if _timer is not None:
        return
    _timer = threading.Timer(grace_seconds(), deadline.abort_all, args=("the run was stopped",))
    _timer.daemon = True
    _timer.start()


_held = 0  # depth of `saving()` blocks open in the main thread
_pending: int | None = None  # a signal that came during one, raised at its end


@contextmanager
def saving() -> Iterator[None]:
    """Hold SIGTERM / Ctrl-C until the block ends (main thread): an answer already paid for is
    saved whole before the stop unwinds the run. (A signal raised in the middle of such a save,
    after the answer had left the list of calls in flight and before the store had it, lost it:
    a cause of the Ctrl-C test's flakiness.) Elsewhere a no-op."""
    global _held, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        signum, _pending = (_pending, None) if _held == 0 else (None, _pending)
        if signum is not None:
            _raise(signum)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _pending
    _abort_later()
    if _held:
        _pending = _pending or signum
        return
    _raise(signum)


def _raise(signum: int) -> None:
    if signum == signal.SIGTERM:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM kills at once
        raise Terminated("terminated by SIGTERM")
    raise KeyboardInterrupt


def install() -> Callable[[], None]:
    """Handle SIGTERM and SIGINT as above (main thread only); returns what restores the
    handlers found. Exchanges may run again (an earlier command in this process was stopped)."""
    _calm()
    if threading.current_thread() is not threading.main_thread():
        return _calm
    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, _on_signal)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        _calm()  # the command is over: a stop's pending abort must not hit later work

    return restore


def _calm() -> None:
    global _timer, _pending
    if _timer is not None:
        _timer.cancel()
        _timer = None
    _pending = None
    deadline.reset()


def leave(code: int) -> None:
    """End this process now with `code` if worker threads still run after a short wait (they
    would hold the interpreter's exit); else return, and the caller exits as usual."""
    end = time.monotonic() + LINGER_S
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.daemon:
            continue
        thread.join(max(0.0, end - time.monotonic()))
    if any(t.is_alive() and not t.daemon and t is not threading.current_thread()
           for t in threading.enumerate()):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        os._exit(code)
