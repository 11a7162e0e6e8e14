"""Issue 11, clean-run wall time: the work queue starts before the digest's plan is made, the
comparisons join it as soon as relatedness has chosen them, and nothing heavy is imported before
the first request (real reference server, real store, the CLI in a fresh process)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from paperbrief import cli
from paperbrief.digest import build as digest
from paperbrief.digest.build import build_digest, early_paid, plan_digest
from paperbrief.engines import Outcome
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Comparison, Paper, Period, Takeaway
from paperbrief.ratelimit import RateLimiter
from paperbrief.relate.interests import Profile
from paperbrief.run.pipeline import Pipeline
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY

FIXTURES = Path(__file__).parent / "fixtures"
# 2024-10-25: since issue 22's round 5 the first papers of 2026-03-16 make no surely related
# pair, and comparisons are part of what these tests check
HF_JSON = FIXTURES / "hf-api" / "hf_daily_papers_2024-10-25.json"
SEED = Path(__file__).parents[1] / "examples" / "daily-papers-2026-03-05.txt"
WAIT = 30  # seconds: a ceiling for events that happen in milliseconds, never a measured time


class RecordingEngine:
    """Answers with the offline engine's results and records what it was asked, in order."""

    name = "recording-model"
    takeaway_version = "t1"
    comparison_version = "c1"

    def __init__(self, offline: OfflineEngine) -> None:
        self.offline = offline
        self.asked: list[str] = []
        self.first_answer = threading.Event()
        self._lock = threading.Lock()

    def _asked(self, subject: str) -> None:
        with self._lock:
            self.asked.append(subject)
        self.first_answer.set()

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        self._asked(paper.id)
        value = self.offline.takeaway(paper).value
        return Outcome(value.model_copy(update={"engine": self.name, "prompt_version": "t1"}))

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        self._asked(f"{a.id}|{b.id}")
        value = self.offline.compare(a, b).value
        return Outcome(value.model_copy(update={"engine": self.name, "prompt_version": "c1"}))


def test_work_known_later_joins_the_running_queue(tmp_path):
    papers = read_file(HF_JSON).papers[:6]
    offline = OfflineEngine()
    engine = RecordingEngine(offline)
    later: Future[tuple[list[Paper], list[tuple[Paper, Paper]]]] = Future()
    asked_before: list[int] = []

    def resolve() -> None:  # the plan is ready only once the first takeaway was asked for
        engine.first_answer.wait(WAIT)
        with engine._lock:
            asked_before.append(len(engine.asked))
        later.set_result((papers[4:], [(papers[0], papers[1]), (papers[2], papers[5])]))

    planner = threading.Thread(target=resolve)
    planner.start()
    with Store(tmp_path / "pb.db") as store:
        pipeline = Pipeline(engine, offline, store=store, run_id=None, concurrency=2)
        takeaways, comparisons = pipeline.run(papers[:4], [], later=later)
        cached = store.get_comparison(papers[2], papers[5], engine.name, "c1")
    planner.join()
    assert asked_before and asked_before[0] >= 1  # takeaways were paid before the plan existed
    assert set(takeaways) == {p.id for p in papers}  # the later papers' takeaways too
    assert [(c.paper_a, c.paper_b) for c in comparisons] == [
        (papers[0].id, papers[1].id), (papers[2].id, papers[5].id)]
    assert sorted(engine.asked) == sorted(
        [*(p.id for p in papers), f"{papers[0].id}|{papers[1].id}",
         f"{papers[2].id}|{papers[5].id}"])
    assert cached is not None and all(t.fallback_reason is None for t in takeaways.values())


def test_a_failing_plan_fails_the_run_and_keeps_what_was_paid(tmp_path):
    papers = read_file(HF_JSON).papers[:4]
    offline = OfflineEngine()
    engine = RecordingEngine(offline)
    later: Future[tuple[list[Paper], list[tuple[Paper, Paper]]]] = Future()

    def fail() -> None:
        engine.first_answer.wait(WAIT)
        later.set_exception(ValueError("no plan"))

    threading.Thread(target=fail).start()
    with Store(tmp_path / "pb.db") as store:
        pipeline = Pipeline(engine, offline, store=store, run_id=None, concurrency=1)
        with pytest.raises(ValueError, match="no plan"):
            pipeline.run(papers, [], later=later)
        saved = [p for p in papers if store.get_takeaway(p, engine.name, "t1") is not None]
    assert saved and all(p.id in engine.asked for p in saved)


@pytest.mark.parametrize(
    ("n", "top", "llm_all", "upvotes"),
    [(12, 25, False, False), (12, 5, True, False), (12, 5, False, True), (12, 25, False, True)],
)
def test_the_papers_paid_early_are_those_the_plan_pays_for(n, top, llm_all, upvotes):
    papers = read_file(HF_JSON).papers[:n]
    if not upvotes:
        papers = [p.model_copy(update={"upvotes": None}) for p in papers]
    early = early_paid(papers, profile=None, top=top, llm_all=llm_all)
    plan = plan_digest(papers, top=top, llm_all=llm_all)
    assert early is not None
    assert [p.id for p in early] == [p.id for p in plan.paid_papers(True)]


def test_nothing_is_paid_early_when_the_ranking_needs_relatedness():
    papers = read_file(HF_JSON).papers[:12]
    unvoted = [p.model_copy(update={"upvotes": None}) for p in papers]
    # listing order is topic by topic: the top N needs the topics
    assert early_paid(unvoted, profile=None, top=5, llm_all=False) is None
    profile = Profile(path=Path("interests.md"), keywords=["language models"])
    assert early_paid(papers, profile=profile, top=5, llm_all=False) is None


def test_a_digest_pays_takeaways_while_its_plan_is_made(tmp_path, monkeypatch):
    papers = read_file(HF_JSON).papers[:8]
    made = digest.plan_digest
    requests_when_planned: list[int] = []
    switch_while_planning: list[float] = []
    interval = sys.getswitchinterval()
    with RefServer() as server, Store(tmp_path / "pb.db") as store:

        def plan_after_the_first_request(*args, **kwargs):
            # made sequentially, the plan comes first and no request could ever arrive here
            for _ in range(WAIT * 100):
                if server.requests:
                    break
                threading.Event().wait(0.01)
            requests_when_planned.append(len(server.requests))
            switch_while_planning.append(sys.getswitchinterval())
            return made(*args, **kwargs)

        monkeypatch.setattr(digest, "plan_digest", plan_after_the_first_request)
        engine = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=server.base_url,
                           fallback=OfflineEngine(), limiter=RateLimiter(4))
        pipeline = Pipeline(engine, OfflineEngine(), store=store, run_id=store.start_run("t", []),
                            concurrency=4)
        result = build_digest(papers, Period(label="w"), pipeline, llm_all=True)
        answered = len(server.requests)
    assert requests_when_planned and requests_when_planned[0] >= 1
    # answers are taken up quickly while the plan runs beside them; the process is left as it was
    assert switch_while_planning[0] < interval and sys.getswitchinterval() == interval
    assert set(result.takeaways) == {p.id for p in papers} and result.comparisons
    assert all(t.fallback_reason is None for t in result.takeaways.values())
    assert all(c.fallback_reason is None for c in result.comparisons)
    assert answered == len(papers) + len(result.comparisons)  # each item paid once


def test_a_digest_run_imports_no_numpy_or_scikit_learn_before_its_first_request(tmp_path):
    # what the CLI imports before `build_digest` starts the queue (cmd_digest's own imports)
    code = (
        "import sys\n"
        "from paperbrief import cli, sources; from paperbrief.relate import ranking\n"
        "from paperbrief.digest.build import build_digest\n"
        "from paperbrief.engines.llm.engine import LLMEngine\n"
        "from paperbrief.engines.offline.engine import OfflineEngine\n"
        "from paperbrief.digest.render import render_digest\n"
        "from paperbrief.store.core import Store\n"
        f"Store({str(tmp_path / 'new.db')!r}).close()\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert json.loads(out.replace("'", '"')) == []


def test_an_offline_digest_leaves_numpy_and_scikit_learn_to_its_child(tmp_path):
    """The offline digest's own process needs neither (its plan is made by the relatedness
    child): their imports would be CPU taken from the worker processes."""
    out = tmp_path / "digest.md"
    code = (
        "import sys\n"
        "from paperbrief import cli\n"
        f"code = cli.main(['digest', {str(SEED)!r}, '--offline', '--db', "
        f"{str(tmp_path / 'db.sqlite')!r}, '--out', {str(out)!r}])\n"
        "print(code, sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.split() == ["0", "[]"], result.stderr
    assert "54 papers" in out.read_text(encoding="utf-8")


def test_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from paperbrief.stopwords import ENGLISH_STOP_WORDS as ours

    assert ours == ENGLISH_STOP_WORDS and len(ours) > 300


def test_the_console_command_skips_the_collector_at_exit_and_in_process_calls_do_not(tmp_path):
    import gc

    assert cli.main(["runs", "--db", str(tmp_path / "none.db")]) != 0  # no database: an error
    assert gc.get_freeze_count() == 0  # a test process (argv given) is left alone
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, flush=True))\n"
        "from paperbrief.cli import main\n"
        f"sys.argv = ['paperbrief', 'runs', '--db', {str(tmp_path / 'none.db')!r}]\n"
        "sys.exit(main())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ))
    assert run.returncode != 0 and "no database yet" in run.stderr
    assert run.stdout.strip() == "frozen True"


def test_stemming_from_many_threads_at_once_gives_each_word_its_stem():
    # the plan's relatedness, the offline fallbacks and the reference server stem concurrently
    from concurrent.futures import ThreadPoolExecutor

    from paperbrief import text

    def letters(i: int) -> str:
        return "".join(chr(97 + (i // 26**k) % 26) for k in range(3))

    words = [f"{root}{letters(i)}{suffix}" for i in range(4000)
             for root, suffix in (("generaliz", "ations"), ("model", "ings"), ("patch", "es"))]
    expected = [text.stem(w) for w in words]  # one thread
    text.stem.cache_clear()  # both caches: the threads must reach the stemmers themselves
    text._stem_lower.cache_clear()

    def stem_all(offset: int) -> list[str]:
        order = words[offset:] + words[:offset]
        got = [text.stem(w) for w in order]
        return got[len(words) - offset:] + got[: len(words) - offset]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns inside a word, as on a busy machine
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(stem_all, range(0, 8 * 997, 997)))
    finally:
        sys.setswitchinterval(interval)
    assert all(r == expected for r in results)


def test_an_urgent_attempt_takes_the_next_free_slot_before_those_waiting_already():
    limiter = RateLimiter(1)
    order: list[str] = []
    limiter.acquire()  # the only slot is taken

    def attempt(name: str, urgent: bool) -> None:
        with limiter.urgent() if urgent else contextlib.nullcontext(), limiter.slot():
            order.append(name)

    def until(condition) -> None:
        for _ in range(WAIT * 100):
            with limiter._cond:
                if condition():
                    return
            threading.Event().wait(0.01)
        raise AssertionError("never got there")

    waiting = [threading.Thread(target=attempt, args=(f"takeaway {i}", False)) for i in range(3)]
    for thread in waiting:
        thread.start()
    threading.Event().wait(0.05)  # the takeaways are waiting first
    plan = threading.Thread(target=attempt, args=("embeddings", True))
    plan.start()
    until(lambda: limiter._urgent_waiting == 1)
    limiter.release()
    for thread in [*waiting, plan]:
        thread.join(WAIT)
    assert order[0] == "embeddings" and sorted(order[1:]) == [f"takeaway {i}" for i in range(3)]
    assert limiter.in_flight == 0 and limiter._urgent_waiting == 0
