"""The offline engine over many items: in worker processes when there are enough to pay.

The offline engine is pure Python, so threads would share one core; a long list of takeaways and
comparisons is split among forked processes instead (one per core), in order, in chunks. A short
list, a single core, a process with other threads running or an engine that cannot be sent to
another process runs here, one item at a time.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperbrief.engines import Engine, Outcome
from paperbrief.models import Paper
from paperbrief.run.orphans import die_with_parent

MIN_PARALLEL_ITEMS = 200  # below this, starting the workers costs more than it saves
CHUNK = 16  # items sent to a worker at a time
MAX_WORKERS = 8

Work = tuple[str, tuple[Paper, ...]]  # ("takeaway", (paper,)) or ("comparison", (a, b))

_engine: Engine | None = None  # the engine of this worker process
log = logging.getLogger("paperbrief")


def cores() -> int:
    """The cores this process may use (at most MAX_WORKERS)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_WORKERS))


def workers() -> int:
    """Worker processes worth starting: the cores other work does not keep busy right now.

    On a machine other work keeps busy, extra processes only queue behind it (measured with
    bench/scale.py: 600 takeaways took 10.5 s on one process and 16.1 s on two at load 12 on
    two cores).
    """
    return max(1, min(cores(), round(cores() - busy_elsewhere())))


LOADAVG = Path("/proc/loadavg")
SAMPLES = 5  # readings of the runnable tasks, SAMPLE_GAP seconds apart; their median counts
SAMPLE_GAP = 0.01


def busy_elsewhere() -> float:
    """Cores kept busy by other work now: the tasks runnable at this moment (the fourth field
    of /proc/loadavg, "2/301", counting threads), less the runnable threads of this process and
    of its children (counted just before and just after, the larger count), the fewest of a few
    readings: other work keeps a core busy when it is runnable at every reading, and a thread
    runnable for a moment (the relatedness child's, starting; anyone's) does not.

    Where that file is missing, the 1-minute load average less this process stands in; it lags
    by a minute, so a digest started right after another big one (which raised it) would use
    too few workers when reading it alone.
    """
    readings: list[int] = []
    mine = [PROC / str(os.getpid()), *child_processes()]
    for i in range(SAMPLES):
        try:
            before = _running(mine)
            running = LOADAVG.read_text().split()[3].split("/")[0]
            own = max(1, before, _running(mine))  # this thread runs, reading
            readings.append(max(0, int(running) - own))
        except (OSError, IndexError, ValueError):
            break
        if i + 1 < SAMPLES:
            time.sleep(SAMPLE_GAP)
    if readings:
        return float(min(readings))
    try:
        return max(0.0, os.getloadavg()[0] - 1)
    except OSError:  # no load average on this system
        return 0.0


PROC = Path("/proc")


def child_processes(pid: int | None = None) -> list[Path]:
    """The /proc entries of the child processes of `pid` (this process by default: a digest's
    relatedness child is this run's own work, not other work), [] where /proc cannot be read."""
    me, found = os.getpid() if pid is None else pid, []
    try:
        entries = list(PROC.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.isdigit():
            state = _stat(entry)
            if state is not None and state[1] == str(me):
                found.append(entry)
    return found


def _stat(entry: Path) -> list[str] | None:
    """A process's /proc stat fields after its name: state, parent pid, ...; None if gone."""
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _running(processes: list[Path]) -> int:
    """How many threads of `processes` are runnable now. (Threads, as /proc/loadavg counts
    them: the relatedness child's numpy import starts BLAS threads that run for a moment, and
    counting that child as one task made a digest see other work and use one worker.)"""
    count = 0
    for process in processes:
        try:
            tasks = list((process / "task").iterdir())
        except OSError:  # gone, or no per-thread entries: the process alone
            tasks = [process]
        count += sum(1 for t in tasks if (fields := _stat(t)) is not None and fields[0] == "R")
    return count


@contextmanager
def outcomes(engine: Engine, work: Sequence[Work]) -> Iterator[Iterator[Outcome[Any]]]:
    """The engine's outcome for each item of `work`, in order, as they are ready.

    Workers are started on entering, so the caller may open a transaction afterwards.
    """
    with pool(engine, len(work)) as run:
        yield run(work)


@dataclass
class Runner:
    """`runner(work)`: the outcomes of `work`, in order. `parallel`: computed by worker
    processes, all sent at once (this process is free meanwhile), else here, as they are read."""

    run: Callable[[Sequence[Work]], Iterator[Outcome[Any]]]
    parallel: bool

    def __call__(self, work: Sequence[Work]) -> Iterator[Outcome[Any]]:
        return self.run(work)


@contextmanager
def pool(engine: Engine, expected: int) -> Iterator[Runner]:
    """A runner for about `expected` items of work: `run(work)` sends them to worker processes
    at once (when that pays) and iterates over their outcomes in order; it may be called again
    for more work on the same workers. While the workers compute, this process is free for
    other work (a digest makes its plan meanwhile).

    Leaving on an exception cancels the work not yet started instead of waiting for it.
    """
    # the worker count reads /proc for about 40 ms: only for a list long enough to share out
    n = workers() if expected >= MIN_PARALLEL_ITEMS else 1
    if n < 2 or not _can_fork() or not _portable(engine):
        if expected >= MIN_PARALLEL_ITEMS:
            log.info("offline engine: %d items in this process (other work keeps the cores busy)",
                     expected)  # fmt: skip
        yield Runner(lambda work: (_run(engine, item) for item in work), parallel=False)
        return
    log.info("offline engine: %d items on %d worker processes", expected, n)
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(
        n, mp_context=context, initializer=_start, initargs=(engine, os.getpid())
    )
    try:

        def run(work: Sequence[Work]) -> Iterator[Outcome[Any]]:
            # chunks of CHUNK items, smaller for a short list (a digest's 25 comparisons), so
            # that the workers end together: four chunks a worker at least
            chunk = max(1, min(CHUNK, math.ceil(len(work) / (4 * n))))
            return executor.map(_work, work, chunksize=chunk)

        yield Runner(run, parallel=True)
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


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


def _start(engine: Engine, parent: int) -> None:
    global _engine
    # forked by the only thread of the parent (see _can_fork): the kernel's parent-death
    # signal is safe, and a worker never outlives a parent killed with SIGKILL
    die_with_parent(parent)
    _engine = engine


def _work(item: Work) -> Outcome[Any]:
    assert _engine is not None
    return _run(_engine, item)


def _run(engine: Engine, item: Work) -> Outcome[Any]:
    kind, papers = item
    if kind == "takeaway":
        return engine.takeaway(*papers)
    return engine.compare(*papers)
