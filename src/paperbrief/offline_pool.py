"""The offline engine over many items: in worker processes when there are enough to pay.

The offline engine is pure Python, so threads would share one core; a long list of takeaways and
comparisons is split among forked processes instead (one per core), in order, in chunks. A short
list, a single core, a process with other threads running or an engine that cannot be sent to
another process runs here, one item at a time.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from paperbrief.engines import Engine, Outcome
from paperbrief.models import Paper

MIN_PARALLEL_ITEMS = 200  # below this, starting the workers costs more than it saves
CHUNK = 16  # items sent to a worker at a time
MAX_WORKERS = 8

Work = tuple[str, tuple[Paper, ...]]  # ("takeaway", (paper,)) or ("comparison", (a, b))

_engine: Engine | None = None  # the engine of this worker process


def cores() -> int:
    """The cores this process may use (at most MAX_WORKERS)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_WORKERS))


def workers() -> int:
    """Worker processes worth starting: the idle cores, plus the one this process runs on.

    On a machine other work keeps busy, extra processes only queue behind it (measured with
    bench/scale.py: 600 takeaways took 10.5 s on one process and 16.1 s on two at load 12 on
    two cores), so the load average decides.
    """
    try:
        busy = os.getloadavg()[0]
    except OSError:  # no load average on this system
        busy = 0.0
    return max(1, min(cores(), round(cores() - busy + 1)))


@contextmanager
def outcomes(engine: Engine, work: Sequence[Work]) -> Iterator[Iterator[Outcome[Any]]]:
    """The engine's outcome for each item of `work`, in order, as they are ready.

    Workers are started on entering, so the caller may open a transaction afterwards.
    """
    n = workers()
    if len(work) < MIN_PARALLEL_ITEMS or n < 2 or not _can_fork() or not _portable(engine):
        yield (_run(engine, item) for item in work)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(n, mp_context=context, initializer=_start, initargs=(engine,)) as pool:
        yield pool.map(_work, work, chunksize=CHUNK)


def _can_fork() -> bool:
    """Workers are forked (no re-import of the caller's main module, no start-up cost), which
    is safe only where fork exists and this process runs no other thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _portable(engine: Engine) -> bool:
    try:
        pickle.dumps(engine)
    except Exception:  # any failure means: keep it in this process
        return False
    return True


def _start(engine: Engine) -> None:
    global _engine
    _engine = engine


def _work(item: Work) -> Outcome[Any]:
    assert _engine is not None
    return _run(_engine, item)


def _run(engine: Engine, item: Work) -> Outcome[Any]:
    kind, papers = item
    if kind == "takeaway":
        return engine.takeaway(*papers)
    return engine.compare(*papers)
