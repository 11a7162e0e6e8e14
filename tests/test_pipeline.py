"""Pipeline with a real store and a counting fake engine: cache, changes, budgets, resume."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from paperbrief.digest.build import build_digest
from paperbrief.digest.render import md, render_digest
from paperbrief.engines import Outcome
from paperbrief.errors import FatalLLMError
from paperbrief.models import CallRecord, Comparison, Difference, Paper, Period, Takeaway
from paperbrief.relate.plan import RelatednessPlan
from paperbrief.relate.relatedness import relate
from paperbrief.run.pipeline import Budget, Pipeline
from paperbrief.sources import read_file
from paperbrief.store.core import Store

PERIOD = Period(label="test week")
COST = 0.01


class FakeOffline:
    """Stands in for the offline engine: instant, free, marked 'offline'."""

    name = "offline"
    takeaway_version = "o1"
    comparison_version = "o1"

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        return Outcome(make_takeaway(paper, "offline", "o1", "first sentence"))

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        return Outcome(make_comparison(a, b, "offline", "o1"))


class CountingEngine:
    """A paying engine that records every call it makes (one CallRecord per answer)."""

    def __init__(
        self,
        name: str = "fake-model",
        takeaway_version: str = "t1",
        comparison_version: str = "c1",
        *,
        bad: tuple[str, ...] = (),
        broken: tuple[str, ...] = (),
        stop_after: int | None = None,
        fatal: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.takeaway_version = takeaway_version
        self.comparison_version = comparison_version
        self.bad = bad  # subjects answered badly: fallback after one paid call
        self.broken = broken  # subjects whose call raises an ordinary exception
        self.stop_after = stop_after  # simulate a kill: the call after this many raises
        self.fatal = fatal  # subjects whose call raises FatalLLMError (e.g. a 401)
        self.subjects: list[str] = []
        self._lock = threading.Lock()

    def _enter(self, subject: str) -> None:
        with self._lock:
            if self.stop_after is not None and len(self.subjects) >= self.stop_after:
                raise KeyboardInterrupt("killed")
            self.subjects.append(subject)
        if subject in self.broken:
            raise RuntimeError("engine bug")
        if subject in self.fatal:
            error = FatalLLMError("the API key was rejected")
            error.calls = [self._record("takeaway", subject, "t1", status="error")]  # type: ignore[attr-defined]
            raise error

    def _record(self, kind, subject, version, status="ok") -> CallRecord:
        return CallRecord(
            kind=kind,
            subject=subject,
            model=self.name,
            prompt_version=version,
            status=status,
            prompt_tokens=100,
            completion_tokens=20,
            cost_usd=COST,
        )

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        self._enter(paper.id)
        call = self._record("takeaway", paper.id, self.takeaway_version)
        if paper.id in self.bad:
            value = make_takeaway(paper, "offline", "o1", "stand-in")
            value = value.model_copy(update={"fallback_reason": "fake-model: invalid answer"})
            return Outcome(value, [call.model_copy(update={"status": "invalid"})])
        return Outcome(make_takeaway(paper, self.name, self.takeaway_version, "llm"), [call])

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        subject = f"{a.id}|{b.id}"
        self._enter(subject)
        call = self._record("comparison", subject, self.comparison_version)
        return Outcome(make_comparison(a, b, self.name, self.comparison_version), [call])


def make_takeaway(paper: Paper, engine: str, version: str, how: str) -> Takeaway:
    return Takeaway(
        takeaway=f"{how}: {paper.id} contributes something.",
        problem="A problem.",
        method="A method.",
        result="A result.",
        key_numbers=[],
        contribution_type="method",
        tags=["test"],
        paper_id=paper.id,
        engine=engine,
        prompt_version=version,
    )


def make_comparison(a: Paper, b: Paper, engine: str, version: str) -> Comparison:
    return Comparison(
        summary=f"{a.id} and {b.id} by {engine}.",
        shared_ground="Both are papers.",
        differences=[Difference(aspect="approach", a="one way", b="another way")],
        prefer_a_when="you like A",
        prefer_b_when="you like B",
        paper_a=a.id,
        paper_b=b.id,
        engine=engine,
        prompt_version=version,
    )


@pytest.fixture(scope="module")
def all_papers() -> list[Paper]:
    # 2024-10-25: since issue 22's round 5 the first papers of 2026-03-16 make no surely related
    # pair, and comparisons are part of what these tests check
    path = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2024-10-25.json"
    return read_file(path).papers


@pytest.fixture
def papers(all_papers: list[Paper]) -> list[Paper]:
    return all_papers[:8]


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "pb.db") as s:
        yield s


def run(store: Store, papers: list[Paper], engine, **options):
    """One digest run as the CLI does it: a recorded run, the pipeline, then the run finished."""
    run_id = store.start_run("digest", ["test"])
    pipeline = Pipeline(engine, FakeOffline(), store=store, run_id=run_id, **options)
    digest = build_digest(papers, PERIOD, pipeline)
    store.finish_run(run_id, "ok", digest.stats)
    return digest, pipeline, run_id


def pair_subjects(papers: list[Paper]) -> set[str]:
    """The comparison subjects a digest of `papers` asks for (pairs in the digest's order)."""
    from paperbrief.digest.build import plan_digest

    # the digest's pairs: nearest neighbours that share a subject (issue 22)
    plan = plan_digest(papers, relatedness=RelatednessPlan(papers, relate(papers)))
    return {f"{a.id}|{b.id}" for a, b in plan.pairs}


def all_subjects(papers: list[Paper]) -> set[str]:
    return {p.id for p in papers} | pair_subjects(papers)


# -- cache ------------------------------------------------------------------------------------


def test_first_run_pays_once_per_item_and_a_rerun_pays_nothing(store, papers):
    assert pair_subjects(papers), "the fixture papers must yield at least one pair"
    first = CountingEngine()
    digest1, p1, run1 = run(store, papers, first)
    assert sorted(first.subjects) == sorted(all_subjects(papers))
    assert p1.report.usage.calls == len(first.subjects)
    assert len(store.run_calls(run1)) == len(first.subjects)

    second = CountingEngine()
    digest2, p2, run2 = run(store, papers, second)
    assert second.subjects == []
    assert p2.report.usage.calls == 0
    assert p2.report.cache_hits == len(all_subjects(papers))
    assert store.run_calls(run2) == []
    assert digest2.takeaways == digest1.takeaways
    assert digest2.comparisons == digest1.comparisons


def test_cache_survives_reopening_the_database(tmp_path, papers):
    with Store(tmp_path / "pb.db") as s:
        run(s, papers, CountingEngine())
    with Store(tmp_path / "pb.db") as s:
        again = CountingEngine()
        run(s, papers, again)
    assert again.subjects == []


def test_reordered_listing_still_hits_the_cache(store, papers):
    run(store, papers, CountingEngine())
    again = CountingEngine()
    run(store, list(reversed(papers)), again)
    assert again.subjects == []


def test_one_changed_abstract_pays_for_its_takeaway_and_its_comparisons_only(store, papers):
    run(store, papers, CountingEngine())
    # change a number in the abstract: a new content hash, the same words for pairing
    target = next(p for p in papers if any(ch.isdigit() for ch in p.abstract))
    digit = next(ch for ch in target.abstract if ch.isdigit())
    changed = target.model_copy(
        update={"abstract": target.abstract.replace(digit, "7" if digit != "7" else "8", 1)}
    )
    assert changed.content_hash != target.content_hash
    edited = [changed if p.id == target.id else p for p in papers]
    assert pair_subjects(edited) == pair_subjects(papers), "precondition: same pairs"

    again = CountingEngine()
    run(store, edited, again)
    mine = {s for s in pair_subjects(edited) if target.id in s.split("|")}
    assert sorted(again.subjects) == sorted({target.id} | mine)


def test_a_paper_that_joins_the_listing_pays_only_for_what_is_new(store, papers, all_papers):
    run(store, papers, CountingEngine())
    bigger = [*papers, all_papers[8]]
    again = CountingEngine()
    run(store, bigger, again)
    old = all_subjects(papers)
    assert sorted(again.subjects) == sorted(all_subjects(bigger) - old)
    assert all_papers[8].id in again.subjects


def test_a_new_takeaway_prompt_version_repays_takeaways_only(store, papers):
    run(store, papers, CountingEngine())
    again = CountingEngine(takeaway_version="t2")
    run(store, papers, again)
    assert sorted(again.subjects) == sorted(p.id for p in papers)


def test_a_new_comparison_prompt_version_repays_comparisons_only(store, papers):
    run(store, papers, CountingEngine())
    again = CountingEngine(comparison_version="c2")
    run(store, papers, again)
    assert sorted(again.subjects) == sorted(pair_subjects(papers))


def test_another_model_repays_everything(store, papers):
    run(store, papers, CountingEngine())
    again = CountingEngine(name="other-model")
    run(store, papers, again)
    assert sorted(again.subjects) == sorted(all_subjects(papers))


def test_refresh_repays_everything(store, papers):
    run(store, papers, CountingEngine())
    again = CountingEngine()
    run(store, papers, again, refresh=True)
    assert sorted(again.subjects) == sorted(all_subjects(papers))


def test_fallbacks_are_not_cached_so_the_next_run_asks_again(store, papers):
    bad = papers[0].id
    digest, pipeline, _ = run(store, papers, CountingEngine(bad=(bad,)))
    assert digest.takeaways[bad].fallback_reason == "fake-model: invalid answer"
    assert pipeline.report.fallbacks == 1
    again = CountingEngine()
    digest2, _, _ = run(store, papers, again)
    assert again.subjects == [bad]
    assert digest2.takeaways[bad].fallback_reason is None


def test_an_engine_exception_costs_one_paper_not_the_run(store, papers):
    broken = papers[1].id
    digest, pipeline, _ = run(store, papers, CountingEngine(broken=(broken,)))
    assert set(digest.takeaways) == {p.id for p in papers}
    reason = digest.takeaways[broken].fallback_reason
    assert reason is not None and "engine error" in reason and "engine bug" in reason
    assert digest.takeaways[broken].engine == "offline"
    assert any(broken in p for p in pipeline.report.problems)


# -- a run stopped part-way -------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 3])
def test_results_are_saved_as_they_arrive_so_a_stopped_run_resumes(tmp_path, papers, concurrency):
    db = tmp_path / "pb.db"
    dying = CountingEngine(stop_after=3)
    with Store(db) as s, pytest.raises(KeyboardInterrupt):
        run(s, papers, dying, concurrency=concurrency)
    # the first three answers were committed before the stop (a new connection sees them)
    assert len(dying.subjects) == 3
    with Store(db) as s:
        assert s.integrity_check() == "ok"
        by_id = {p.id: p for p in papers}
        saved = {sid for sid in dying.subjects if s.get_takeaway(by_id[sid], "fake-model", "t1")}
        assert saved == set(dying.subjects)
        logged = [c.subject for r in s.recent_runs() for c in s.run_calls(r.id)]
        assert sorted(logged) == sorted(dying.subjects)
        again = CountingEngine()
        run(s, papers, again)
    assert sorted(again.subjects) == sorted(all_subjects(papers) - set(dying.subjects))


def test_fatal_error_stops_the_run_and_logs_its_call(store, papers):
    fatal = papers[2].id
    with pytest.raises(FatalLLMError):
        run(store, papers, CountingEngine(fatal=(fatal,)), concurrency=1)
    (latest,) = store.recent_runs(1)
    calls = store.run_calls(latest.id)
    assert [c.subject for c in calls] == [papers[0].id, papers[1].id, fatal]
    assert calls[-1].status == "error"
    # what finished before the fatal error is kept
    again = CountingEngine()
    run(store, papers, again)
    assert papers[0].id not in again.subjects and papers[1].id not in again.subjects


class SlowThenFatal(CountingEngine):
    """The first paper's answer arrives just after the second paper's call hits a fatal error."""

    def __init__(self, slow: str, fatal: str) -> None:
        super().__init__(fatal=(fatal,))
        self.slow = slow
        self.fatal_raised = threading.Event()

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        if paper.id == self.slow:
            self.fatal_raised.wait(5)
            time.sleep(0.05)  # let the main thread see the fatal error first
            return super().takeaway(paper)
        try:
            return super().takeaway(paper)
        finally:
            self.fatal_raised.set()


def test_fatal_error_still_saves_the_answer_already_in_flight(store, papers):
    engine = SlowThenFatal(slow=papers[0].id, fatal=papers[1].id)
    with pytest.raises(FatalLLMError):
        run(store, papers, engine, concurrency=2)
    assert store.get_takeaway(papers[0], "fake-model", "t1") is not None
    (latest,) = store.recent_runs(1)
    assert sorted(c.subject for c in store.run_calls(latest.id)) == sorted(engine.subjects)


# -- budgets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
def test_max_calls_stops_paying_and_the_rest_get_marked_offline_results(store, papers, concurrency):
    engine = CountingEngine()
    digest, pipeline, _ = run(
        store, papers, engine, concurrency=concurrency, budget=Budget(max_calls=3)
    )
    assert len(engine.subjects) == 3
    assert pipeline.report.usage.calls == 3
    assert pipeline.report.budget_stop == "budget reached: --max-calls 3"
    # never a silent truncation: every paper and every pair is still there
    assert set(digest.takeaways) == {p.id for p in papers}
    assert len(digest.comparisons) == len(pair_subjects(papers))
    paid = set(engine.subjects)
    for pid, t in digest.takeaways.items():
        if pid in paid:
            assert (t.engine, t.fallback_reason) == ("fake-model", None)
        else:
            assert (t.engine, t.fallback_reason) == ("offline", "budget reached: --max-calls 3")
    for c in digest.comparisons:
        assert c.fallback_reason == "budget reached: --max-calls 3"
    unpaid = len(all_subjects(papers)) - 3
    assert pipeline.report.budget_fallbacks == unpaid
    assert digest.stats.fallbacks == unpaid

    text = render_digest(digest)
    footer = text.split("\n---\n", 1)[1]
    assert "budget reached: --max-calls 3" in footer
    assert f"{unpaid} result(s) written by the offline engine" in footer
    for p in papers:
        assert md(p.display_title) in text
    assert text.count("_(offline)_") == unpaid  # takeaways and comparisons alike


def test_budget_fallbacks_are_not_cached_so_the_next_run_pays_the_rest(store, papers):
    first = CountingEngine()
    run(store, papers, first, concurrency=1, budget=Budget(max_calls=5))
    again = CountingEngine()
    run(store, papers, again)
    assert sorted(first.subjects + again.subjects) == sorted(all_subjects(papers))


@pytest.mark.parametrize("concurrency", [1, 4])
def test_max_cost_stops_paying_before_it_would_be_overshot(store, papers, concurrency):
    engine = CountingEngine()
    digest, pipeline, _ = run(
        store, papers, engine, concurrency=concurrency, budget=Budget(max_cost=2.5 * COST)
    )
    # 0.01 and 0.02 fit; a third item would reach 0.03 > 0.025, even with 4 allowed in flight
    assert len(engine.subjects) == 2
    assert pipeline.report.usage.cost_usd == pytest.approx(2 * COST)
    assert pipeline.report.budget_stop == "budget reached: --max-cost 0.025 USD"
    assert set(digest.takeaways) == {p.id for p in papers}


def test_zero_budget_pays_nothing_but_still_writes_every_paper(store, papers):
    engine = CountingEngine()
    digest, pipeline, _ = run(store, papers, engine, budget=Budget(max_cost=0))
    assert engine.subjects == []
    assert set(digest.takeaways) == {p.id for p in papers}
    assert all(t.engine == "offline" for t in digest.takeaways.values())


def test_cache_hits_do_not_count_against_the_budget(store, papers):
    run(store, papers[:4], CountingEngine())
    engine = CountingEngine()
    digest, pipeline, _ = run(store, papers, engine, concurrency=1, budget=Budget(max_calls=4))
    assert len(engine.subjects) == 4
    cached = {p.id for p in papers[:4]}
    assert all(digest.takeaways[pid].fallback_reason is None for pid in cached)
    assert pipeline.report.cache_hits >= 4


def test_budget_is_reported_once_on_the_log(store, papers, caplog):
    with caplog.at_level("INFO", logger="paperbrief"):
        run(store, papers, CountingEngine(), budget=Budget(max_calls=1))
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == []  # the CLI says it once, on stderr; the pipeline only informs
    assert any("budget reached" in r.getMessage() for r in caplog.records)


def test_a_misspelt_digest_option_is_an_error_not_ignored(store, papers):
    """build_digest and plan_digest take their plan options by name (PlanOptions): one that is
    misspelt fails at once, as a misspelt keyword argument would, before anything is paid."""
    from paperbrief.digest.build import plan_digest

    with pytest.raises(TypeError, match="unexpected digest option.*tpo"):
        plan_digest(papers, tpo=3)
    engine = CountingEngine()
    pipeline = Pipeline(engine, FakeOffline(), store=store, run_id=store.start_run("digest", []))
    with pytest.raises(TypeError, match="llm_al"):
        build_digest(papers, PERIOD, pipeline, llm_al=True)
    assert engine.subjects == []
    assert len(plan_digest(papers, top=2).detailed) == 2
