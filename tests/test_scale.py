"""The offline engine at scale: worker processes and one commit per many results (real store)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from paperbrief.digest.build import build_digest
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.errors import PaperbriefError
from paperbrief.models import Period, Takeaway
from paperbrief.relate.plan import RelatednessPlan
from paperbrief.relate.relatedness import relate
from paperbrief.run import offline_pool
from paperbrief.run.pipeline import Pipeline
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES

PERIOD = Period(label="test week")


@pytest.fixture(scope="module")
def papers():
    return read_file(FIXTURES / "hf-daily-papers-page.txt").papers


class PidEngine(OfflineEngine):
    """The offline engine, noting in a file the process that wrote each takeaway."""

    def __init__(self, log: Path) -> None:
        super().__init__()
        self.log = log

    def takeaway(self, paper):
        with self.log.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return super().takeaway(paper)


def digest_with(store: Store, papers, engine: OfflineEngine | None = None):
    engine = engine or OfflineEngine()
    pipeline = Pipeline(engine, engine, store=store, run_id=store.start_run("digest", ["t"]))
    return build_digest(papers, PERIOD, pipeline,
                        relatedness=RelatednessPlan(papers, relate(papers)))


def commits_during(store: Store, action) -> int:
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store._conn.set_trace_callback(None)
    return sum(1 for sql in seen if sql.strip().upper() == "COMMIT")


def test_worker_processes_write_the_same_digest(papers, tmp_path, monkeypatch):
    with Store(tmp_path / "one.db") as store:
        alone = digest_with(store, papers)
    monkeypatch.setattr(offline_pool, "MIN_PARALLEL_ITEMS", 1)
    monkeypatch.setattr(offline_pool, "workers", lambda: 2)
    # other tests may leave threads behind in this process; a digest run has none
    monkeypatch.setattr(offline_pool, "_can_fork", lambda: True)
    log = tmp_path / "pids"
    with Store(tmp_path / "two.db") as store:
        shared = digest_with(store, papers, PidEngine(log))
        assert store._read("SELECT count(*) FROM takeaways")[0][0] == len(papers)
    pids = log.read_text().split()
    assert len(pids) == len(papers) and str(os.getpid()) not in pids  # written by the workers
    assert shared.takeaways == alone.takeaways
    # 14 pairs on the page shared a distinctive subject (issue 22); 6 of its detailed papers'
    # since round 5 leaves loosely linked pairs out, 2 shown since offline comparisons that do
    # not compare are left out (round 6)
    assert shared.comparisons == alone.comparisons and len(shared.comparisons) >= 2


def test_the_plan_is_made_while_the_workers_write_takeaways(papers, tmp_path, monkeypatch):
    import multiprocessing

    from paperbrief.digest import build as digest_module

    monkeypatch.setattr(offline_pool, "MIN_PARALLEL_ITEMS", 1)
    monkeypatch.setattr(offline_pool, "workers", lambda: 2)
    monkeypatch.setattr(offline_pool, "_can_fork", lambda: True)
    planned = digest_module.plan_digest
    seen: list[int] = []

    def plan_digest(*args, **kwargs):
        seen.append(len(multiprocessing.active_children()))  # the workers are up already
        return planned(*args, **kwargs)

    monkeypatch.setattr(digest_module, "plan_digest", plan_digest)
    with Store(tmp_path / "pb.db") as store:
        overlapped = digest_with(store, papers, PidEngine(tmp_path / "pids"))
    assert seen == [2]
    with Store(tmp_path / "alone.db") as store:
        alone = digest_with(store, papers)
    assert overlapped.takeaways == alone.takeaways
    assert overlapped.comparisons == alone.comparisons
    assert overlapped.topics == alone.topics


class SlowEngine(PidEngine):
    def takeaway(self, paper):
        import time

        time.sleep(0.05)
        return super().takeaway(paper)


def test_a_failing_plan_cancels_the_takeaways_not_yet_started(papers, tmp_path, monkeypatch):
    from paperbrief.digest import build as digest_module

    monkeypatch.setattr(offline_pool, "MIN_PARALLEL_ITEMS", 1)
    monkeypatch.setattr(offline_pool, "workers", lambda: 2)
    monkeypatch.setattr(offline_pool, "_can_fork", lambda: True)

    def plan_digest(*args, **kwargs):
        raise PaperbriefError("the plan failed")

    monkeypatch.setattr(digest_module, "plan_digest", plan_digest)
    log = tmp_path / "pids"
    with Store(tmp_path / "pb.db") as store, pytest.raises(PaperbriefError, match="plan failed"):
        digest_with(store, papers, SlowEngine(log))
    # chunks already handed to the workers finish; the rest were cancelled, not waited for
    assert len(log.read_text().split()) < len(papers)


def test_no_workers_while_another_thread_runs(papers, monkeypatch):
    monkeypatch.setattr(offline_pool, "MIN_PARALLEL_ITEMS", 1)
    monkeypatch.setattr(offline_pool, "workers", lambda: 2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not offline_pool._can_fork()
        work = [("takeaway", (p,)) for p in papers[:3]]
        with offline_pool.outcomes(OfflineEngine(), work) as done:
            outcomes = list(done)
    finally:
        stop.set()
        other.join()
    assert [o.value.paper_id for o in outcomes] == [p.id for p in papers[:3]]


def test_offline_results_share_a_commit(papers, tmp_path, monkeypatch):
    with Store(tmp_path / "pb.db") as store:
        commits = commits_during(store, lambda: digest_with(store, papers))
        stored = store._read("SELECT count(*) FROM takeaways")[0][0]
        compared = store._read("SELECT count(*) FROM comparisons")[0][0]
    # the pairs sharing a subject (issue 22): 6 since round 5 leaves loosely linked ones out
    assert stored == len(papers) and compared >= 5
    # the run's start plus one transaction for all ~80 results (not one commit each)
    assert commits <= 3
    # a smaller batch size: one commit per batch
    monkeypatch.setattr("paperbrief.run.pipeline.OFFLINE_COMMIT_EVERY", 10)
    with Store(tmp_path / "pb2.db") as store:
        commits = commits_during(store, lambda: digest_with(store, papers))
    assert (stored + compared) // 10 <= commits <= (stored + compared) // 10 + 3


def test_a_failed_write_inside_deferred_commits_keeps_the_others(papers, tmp_path):
    engine = OfflineEngine()
    first, second = (engine.takeaway(p).value for p in papers[:2])
    with Store(tmp_path / "pb.db") as store:
        with store.deferred_commits():
            assert store.put_takeaway(papers[0], first)
            with pytest.raises(PaperbriefError), store._write() as conn:
                conn.execute("INSERT INTO no_such_table VALUES (1)")
            assert store.put_takeaway(papers[1], second)
        assert not store._conn.in_transaction
    with Store(tmp_path / "pb.db") as store:  # committed: seen by a new connection
        got = [store.get_takeaway(p, engine.name, engine.takeaway_version) for p in papers[:2]]
    assert all(isinstance(t, Takeaway) for t in got)


def test_paid_results_are_still_committed_one_by_one(tmp_path: Path):
    """Outside deferred_commits every write is its own durable transaction, as before."""
    paper = read_file(FIXTURES / "hf-daily-papers-page.txt").papers[0]
    takeaway = OfflineEngine().takeaway(paper).value.model_copy(update={"engine": "gpt-x"})
    with Store(tmp_path / "pb.db") as store:
        assert commits_during(store, lambda: store.put_takeaway(paper, takeaway, "gpt-x")) == 1


def test_workers_follow_the_idle_cores(monkeypatch, tmp_path: Path):
    """Workers follow the tasks runnable now (this process not counted), not the lagging
    1-minute load average: just after another big run the load is high but the cores are idle."""
    monkeypatch.setattr(offline_pool, "cores", lambda: 2)
    monkeypatch.setattr(offline_pool, "SAMPLE_GAP", 0.0)
    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(offline_pool, "LOADAVG", loadavg)
    loadavg.write_text("1.90 1.20 0.70 1/301 4242\n")  # only this process runs
    assert offline_pool.workers() == 2
    loadavg.write_text("0.10 0.20 0.30 2/301 4242\n")  # one other task
    assert offline_pool.workers() == 1
    loadavg.write_text("12.00 9.00 4.00 13/301 4242\n")
    assert offline_pool.workers() == 1
    # without /proc/loadavg: the 1-minute load average, less this process
    monkeypatch.setattr(offline_pool, "LOADAVG", tmp_path / "missing")
    monkeypatch.setattr(offline_pool.os, "getloadavg", lambda: (1.3, 0.0, 0.0))
    assert offline_pool.workers() == 2
    monkeypatch.setattr(offline_pool.os, "getloadavg", lambda: (2.8, 0.0, 0.0))
    assert offline_pool.workers() == 1


def test_other_work_counts_only_when_it_runs_at_every_reading(monkeypatch):
    """A task runnable for a moment (a thread starting anywhere) is not a busy core: the fewest
    runnable tasks over the readings count, so a burst in some of them does not cost a worker,
    while work running throughout does."""

    class Readings:  # /proc/loadavg as it reads from one moment to the next
        def __init__(self, runnable: list[int]) -> None:
            self.runnable = iter(runnable)

        def read_text(self) -> str:
            return f"1.00 0.50 0.20 {next(self.runnable)}/300 12345\n"

    monkeypatch.setattr(offline_pool, "cores", lambda: 2)
    monkeypatch.setattr(offline_pool, "SAMPLE_GAP", 0.0)
    monkeypatch.setattr(offline_pool, "child_processes", lambda: [])
    monkeypatch.setattr(offline_pool, "LOADAVG", Readings([3, 3, 1, 3, 3]))  # this one alone, once
    assert offline_pool.busy_elsewhere() == 0 and offline_pool.SAMPLES == 5
    monkeypatch.setattr(offline_pool, "LOADAVG", Readings([3, 2, 2, 3, 2]))  # one more throughout
    assert offline_pool.busy_elsewhere() == 1


def test_every_running_thread_of_an_own_child_is_its_own_work(tmp_path, monkeypatch):
    """/proc/loadavg counts threads: a child running two threads at once (the relatedness
    child's BLAS threads while numpy loads) is two tasks of this run's own work, not other work
    that would cost the digest a worker."""
    import subprocess
    import sys
    import time

    # two threads hashing at once: hashlib lets go of the interpreter lock on long input
    spin = ("import hashlib, threading\n"
            "data = bytes(1 << 24)\n"
            "def spin():\n"
            "    while True: hashlib.sha256(data).digest()\n"
            "threading.Thread(target=spin, daemon=True).start()\n"
            "spin()\n")  # fmt: skip
    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(offline_pool, "cores", lambda: 2)
    monkeypatch.setattr(offline_pool, "SAMPLE_GAP", 0.0)
    monkeypatch.setattr(offline_pool, "LOADAVG", loadavg)
    busy = subprocess.Popen([sys.executable, "-c", spin])
    try:
        deadline = time.monotonic() + 20
        while offline_pool._running(offline_pool.child_processes()) < 2:  # until both threads run
            assert time.monotonic() < deadline, "the child's two threads never ran at once"
            time.sleep(0.01)
        loadavg.write_text("2.00 0.50 0.20 3/300 12345\n")  # this process, the child's two
        # (readings taken while both threads run: retried when one was waiting)
        for _ in range(50):
            if offline_pool.busy_elsewhere() == 0:
                break
        else:
            raise AssertionError("two running threads of an own child were taken for other work")
        loadavg.write_text("2.00 0.50 0.20 4/300 12345\n")  # and one task of someone else
        assert offline_pool.busy_elsewhere() <= 1
    finally:
        busy.kill()
        busy.wait()


def test_own_child_processes_are_not_other_work(tmp_path, monkeypatch):
    """A digest's own child (the relatedness child, busy importing scikit-learn) must not make
    it give up its worker processes: only other work counts."""
    import subprocess
    import sys
    import time

    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(offline_pool, "cores", lambda: 2)
    monkeypatch.setattr(offline_pool, "SAMPLE_GAP", 0.0)
    monkeypatch.setattr(offline_pool, "LOADAVG", loadavg)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        deadline = time.monotonic() + 10
        while offline_pool._running(offline_pool.child_processes()) < 1:  # until it runs
            assert time.monotonic() < deadline, "the busy child never showed as running"
            time.sleep(0.05)
        loadavg.write_text("1.00 0.50 0.20 2/300 12345\n")  # this process and its child
        assert offline_pool.busy_elsewhere() == 0
        assert offline_pool.workers() == 2
        loadavg.write_text("2.00 0.50 0.20 3/300 12345\n")  # and one task of someone else
        assert offline_pool.busy_elsewhere() == 1
    finally:
        busy.kill()
        busy.wait()
