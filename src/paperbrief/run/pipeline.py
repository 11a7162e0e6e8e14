"""Run an engine over papers and pairs: cache first, calls in parallel, budgets, fallbacks.

Takeaways and comparisons go into one bounded work queue with one concurrency limit (`run`): a
comparison needs only the two abstracts, so it never waits for takeaways. Work known only later
(the comparisons, while relatedness chooses the pairs) joins the running queue when it is known
(`run(..., later=...)`), so the first answers are paid for while the rest is still planned.
Every finished result is handed to the store as soon as it arrives (in the calling thread), and
every HTTP attempt is logged as soon as it returns (the engine's `call_log`, from the worker
thread), so a run killed at any point has logged what it paid and loses at most the answers in
flight.

An item whose answers failed (the engine gave up after its re-asks) is remembered in the store;
the same content, prompt version and model is not paid for again before `failure_cooldown` has
passed (or `refresh`): the offline result stands in meanwhile and the footer says so.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from paperbrief.engines import Engine, Outcome
from paperbrief.errors import FatalLLMError
from paperbrief.models import CallRecord, Comparison, DigestStats, Paper, Takeaway, Usage
from paperbrief.run import offline_pool, stopping

Pairs = Sequence[tuple[Paper, Paper]]
# more papers and pairs for a run, known later: a future, or a function the run calls
Later = Future[tuple[Sequence[Paper], Pairs]] | Callable[[], tuple[Sequence[Paper], Pairs]]

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8
OFFLINE_COMMIT_EVERY = 500  # offline results saved per transaction (free to recompute)
DEFAULT_FAILURE_COOLDOWN = timedelta(hours=24)


class ResultStore(Protocol):
    """The part of paperbrief.store.core.Store the pipeline uses."""

    def get_takeaway(self, paper: Paper, engine: str, prompt_version: str) -> Takeaway | None: ...
    def put_takeaway(self, paper: Paper, takeaway: Takeaway, engine: str | None = None) -> bool: ...
    def get_comparison(
        self, a: Paper, b: Paper, engine: str, prompt_version: str
    ) -> Comparison | None: ...
    def put_comparison(
        self, a: Paper, b: Paper, comparison: Comparison, engine: str | None = None
    ) -> bool: ...
    def log_call(self, run_id: int, call: CallRecord) -> None: ...
    def record_failure(
        self, kind: str, content_key: str, engine: str, prompt_version: str, reason: str
    ) -> None: ...
    def get_failure(
        self, kind: str, content_key: str, engine: str, prompt_version: str
    ) -> tuple[datetime, str] | None: ...
    def clear_failure(
        self, kind: str, content_key: str, engine: str, prompt_version: str
    ) -> None: ...


@dataclass
class Budget:
    """Spending limits for one run; None means no limit.

    Checked before each paper or pair is sent. Items in flight are reserved: each counts as one
    call, and for `max_cost` as much as the dearest item paid so far (until one has been paid,
    only one item is in flight), so a run does not overshoot `max_cost` unless one item costs
    more than any before it.
    """

    max_calls: int | None = None
    max_cost: float | None = None

    def exhausted(
        self, usage: Usage, in_flight: int = 0, estimate: float | None = None
    ) -> str | None:
        """Why no further item may be paid for, or None while there is (or may be) room."""
        if self.max_calls is not None and usage.calls + in_flight >= self.max_calls:
            return f"budget reached: --max-calls {self.max_calls}"
        if self.max_cost is not None:
            next_cost = usage.cost_usd + (estimate or 0.0) if in_flight == 0 else usage.cost_usd
            if usage.cost_usd >= self.max_cost or next_cost > self.max_cost:
                return f"budget reached: --max-cost {self.max_cost:g} USD"
        return None

    def room(self, usage: Usage, in_flight: int, estimate: float | None) -> bool:
        """Whether one more item may start now with `in_flight` items reserved."""
        if self.max_cost is None:
            return True
        if estimate is None:
            return in_flight == 0
        return usage.cost_usd + (in_flight + 1) * estimate <= self.max_cost


@dataclass
class Report:
    """What a pipeline did: usage, cache hits, fallbacks and problems, for the digest footer."""

    usage: Usage = field(default_factory=Usage)
    cache_hits: int = 0
    fallbacks: int = 0
    budget_stop: str | None = None
    budget_fallbacks: int = 0  # items left to the offline engine because of the budget
    cooled: int = 0  # items not asked again because they failed recently (the cooldown)
    stopped: str | None = None  # why the engine stopped calling (circuit breaker, quota)
    items: dict[str, int] = field(default_factory=dict)  # "takeaway"/"comparison" -> how many
    # of those, offline stand-ins for a failed LLM (budget fallbacks are counted apart)
    fallback_items: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def fallback_line(self) -> str | None:
        """'3 of 54 papers fell back to the offline engine...', or None when none fell back.

        Budget fallbacks are left out: the budget stop has its own line.
        """
        if not any(self.fallback_items.values()):
            return None
        nouns = {"takeaway": "papers", "comparison": "comparisons"}
        parts = [
            f"{self.fallback_items.get(kind, 0)} of {self.items[kind]} {noun}"
            for kind, noun in nouns.items()
            if self.fallback_items.get(kind)
        ]
        line = " and ".join(parts) + " fell back to the offline engine"
        if self.stopped:
            line += f" ({self.stopped}; no more calls were made)"
        return line


@dataclass
class _Job:
    key: str
    label: str
    cached: Callable[[], Any]
    call: Callable[[], Outcome[Any]]
    offline: Callable[[str], Any]
    save: Callable[[Any], None]
    kind: str = "takeaway"
    content_key: str = ""  # content hash(es): the failure memory's key
    version: str = ""
    failed_before: bool = False  # a failure of this item is remembered (to clear on success)
    papers: tuple[Paper, ...] = ()  # what `call` reads, for the offline engine's worker processes


class Pipeline:
    """Writes takeaways and comparisons with `engine`, falling back to `offline` per item."""

    def __init__(
        self,
        engine: Engine,
        offline: Engine,
        *,
        store: ResultStore | None = None,
        run_id: int | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        refresh: bool = False,
        budget: Budget | None = None,
        progress: Callable[[str], None] | None = None,
        failure_cooldown: timedelta = DEFAULT_FAILURE_COOLDOWN,
    ) -> None:
        self.engine = engine
        self.offline = offline
        self.store = store
        self.run_id = run_id
        self.concurrency = max(1, concurrency)
        self.refresh = refresh
        self.budget = budget or Budget()
        self.progress = progress
        self.failure_cooldown = failure_cooldown
        self.report = Report()
        self._usage_lock = threading.Lock()
        self._dearest_item: float | None = None  # the most one paid item has cost so far
        if hasattr(engine, "call_log"):  # the engine reports each attempt as it returns
            engine.call_log = self._on_call

    @property
    def uses_llm(self) -> bool:
        return self.engine is not self.offline

    def stats(
        self, papers: int, takeaways: int = 0, comparisons: int = 0, warnings: Sequence[str] = ()
    ) -> DigestStats:
        """The run's counts, engine, usage and problems, for a digest footer or the run log."""
        return DigestStats(
            papers=papers,
            takeaways=takeaways,
            comparisons=comparisons,
            engine=self.engine.name,
            fallbacks=self.report.fallbacks,
            usage=self.report.usage,
            problems=[*warnings, *self.report.problems],
        )

    def run(
        self,
        papers: Sequence[Paper],
        pairs: Pairs,
        later: Later | None = None,
    ) -> tuple[dict[str, Takeaway], list[Comparison]]:
        """Takeaways of `papers` and comparisons of `pairs` (in order), all in one work queue.

        `later`: more papers and pairs, known once it resolves (a digest's comparisons, while
        relatedness is computed): they join the queue then, behind the items already in it; the
        takeaways and comparisons returned are those of both. Its exception is the run's. A
        future resolves in its own thread (the LLM engine's calls go out meanwhile); a function
        is called here once the first items are under way (the offline engine's worker
        processes compute them meanwhile).
        """
        takeaway_jobs = self._takeaway_jobs(papers)
        comparison_jobs = self._comparison_jobs(pairs)
        arrive = None
        if later is not None:

            def arrive() -> list[_Job]:
                more_papers, more_pairs = later() if callable(later) else later.result()
                known = {j.key for j in takeaway_jobs}
                new_t = self._takeaway_jobs([p for p in more_papers if f"t:{p.id}" not in known])
                new_c = self._comparison_jobs(more_pairs)
                takeaway_jobs.extend(new_t)
                comparison_jobs.extend(new_c)
                return [*new_t, *new_c]

        results = self._run([*takeaway_jobs, *comparison_jobs], later, arrive)
        takeaways = {j.papers[0].id: results[j.key] for j in takeaway_jobs}
        return takeaways, [results[j.key] for j in comparison_jobs]

    def takeaways(self, papers: Sequence[Paper]) -> dict[str, Takeaway]:
        """A takeaway for every paper, keyed by paper id."""
        return self.run(papers, [])[0]

    def comparisons(self, pairs: Sequence[tuple[Paper, Paper]]) -> list[Comparison]:
        """A comparison for every pair, in the order given."""
        return self.run([], pairs)[1]

    def _takeaway_jobs(self, papers: Sequence[Paper]) -> list[_Job]:
        eng, store = self.engine, self.store
        return [
            _Job(
                key=f"t:{p.id}",
                label=p.id,
                cached=lambda p=p: (
                    store.get_takeaway(p, eng.name, eng.takeaway_version) if store else None
                ),
                call=lambda p=p: eng.takeaway(p),
                offline=lambda reason, p=p: self.offline.takeaway(p).value.model_copy(
                    update={"fallback_reason": reason}
                ),
                save=lambda t, p=p: store.put_takeaway(p, t, eng.name) if store else None,
                kind="takeaway",
                content_key=p.content_hash,
                version=eng.takeaway_version,
                papers=(p,),
            )
            for p in papers
        ]

    def _comparison_jobs(self, pairs: Sequence[tuple[Paper, Paper]]) -> list[_Job]:
        eng, store = self.engine, self.store
        return [
            _Job(
                key=f"c:{a.id}|{b.id}",
                label=f"{a.id} vs {b.id}",
                cached=lambda a=a, b=b: (
                    store.get_comparison(a, b, eng.name, eng.comparison_version) if store else None
                ),
                call=lambda a=a, b=b: eng.compare(a, b),
                offline=lambda reason, a=a, b=b: self.offline.compare(a, b).value.model_copy(
                    update={"fallback_reason": reason}
                ),
                save=lambda c, a=a, b=b: store.put_comparison(a, b, c, eng.name) if store else None,
                kind="comparison",
                content_key=f"{a.content_hash}|{b.content_hash}",
                version=eng.comparison_version,
                papers=(a, b),
            )
            for a, b in pairs
        ]

    # -- the loop ---------------------------------------------------------------------------

    def _run(
        self,
        jobs: list[_Job],
        later: Later | None = None,
        arrive: Callable[[], list[_Job]] | None = None,
    ) -> dict[str, Any]:
        results: dict[str, Any] = {}
        if callable(later) and self.uses_llm and arrive is not None:
            later = None  # a function would hold up the calls: known before they start
            jobs = [*jobs, *arrive()]
        todo = self._admit(jobs, results)
        if not self.uses_llm:
            self._run_offline(todo, results, arrive if later is not None else None)
            return results
        # An engine with its own limiter holds HTTP attempts to `concurrency` itself: a few more
        # workers let one write its call log and judge its answer while another's call is out.
        paced = getattr(self.engine, "limiter", None) is not None
        workers = self.concurrency + (max(2, self.concurrency // 4) if paced else 0)
        with _threads(workers) as pool:
            running: dict[Future[Outcome[Any]], _Job] = {}
            queue = list(reversed(todo))
            try:
                while queue or running or later is not None:
                    while queue and len(running) < workers:
                        usage, estimate = self._spent()
                        stop = self.budget.exhausted(usage, len(running), estimate)
                        if stop:
                            self._budget_fallback(queue, results, stop)
                            break
                        if not self.budget.room(usage, len(running), estimate):
                            break  # the calls in flight may use up the rest: wait for them
                        with stopping.saving():  # a call sent is a call followed
                            job = queue.pop()
                            running[pool.submit(job.call)] = job
                    waiting: set[Future[Any]] = set(running)
                    if later is not None:
                        waiting.add(later)
                    if not waiting:
                        continue
                    done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                    if later in done and arrive is not None:
                        later = None  # behind the items queued already
                        queue[:0] = reversed(self._admit(arrive(), results))
                    error: BaseException | None = None
                    for future in done & running.keys():  # save every result before raising
                        try:
                            with stopping.saving():  # a stop waits for the answer to be saved
                                job = running.pop(future)
                                results[job.key] = self._collect(job, future)
                        except BaseException as exc:
                            error = error or exc
                    if error is not None:
                        raise error
            except BaseException:
                self._salvage(running)
                raise
        self.report.stopped = getattr(self.engine, "stopped", None)
        return results

    def _admit(self, jobs: list[_Job], results: dict[str, Any]) -> list[_Job]:
        """The jobs to run: cache hits and items in their failure cooldown are settled here."""
        todo: list[_Job] = []
        for job in jobs:
            self.report.items[job.kind] = self.report.items.get(job.kind, 0) + 1
            hit = None if self.refresh else job.cached()
            if hit is not None:
                self.report.cache_hits += 1
                results[job.key] = hit
                self._tick(job)
                continue
            cooling = self._cooling(job) if self.uses_llm else None
            if cooling is not None:
                self.report.cooled += 1
                results[job.key] = self._finish(job, Outcome(job.offline(cooling)))
            else:
                todo.append(job)
        return todo

    def _run_offline(
        self,
        todo: list[_Job],
        results: dict[str, Any],
        arrive: Callable[[], list[_Job]] | None = None,
    ) -> None:
        """The offline engine: on all cores for a long list, and its results (free to recompute)
        saved OFFLINE_COMMIT_EVERY at a time instead of one durable commit each. The jobs that
        `arrive` brings are found here while the workers compute the first ones, and follow
        them on the same workers; without workers, after the first ones (a plan made in a
        child process is ready by then)."""
        with offline_pool.pool(self.engine, len(todo)) as run:

            def follow() -> tuple[list[_Job], Iterator[Outcome[Any]]]:
                more = self._admit(arrive(), results) if arrive is not None else []
                return more, run([(job.kind, job.papers) for job in more])

            done = run([(job.kind, job.papers) for job in todo])
            if run.parallel:  # found while the workers compute, and sent at once behind the
                # first items: the workers compute them while the first results are saved here
                more, more_done = follow()
                self._save_offline(todo, done, results)
            else:  # computed here: the first items first
                self._save_offline(todo, done, results)
                more, more_done = follow()
            self._save_offline(more, more_done, results)

    def _save_offline(
        self, todo: list[_Job], done: Iterator[Outcome[Any]], results: dict[str, Any]
    ) -> None:
        deferred = getattr(self.store, "deferred_commits", None)
        for start in range(0, len(todo), OFFLINE_COMMIT_EVERY):
            jobs = todo[start : start + OFFLINE_COMMIT_EVERY]
            ready = [next(done) for _ in jobs]  # computed outside the transaction
            with deferred() if deferred is not None else nullcontext():
                for job, outcome in zip(jobs, ready, strict=True):
                    results[job.key] = self._finish(job, outcome)

    def _cooling(self, job: _Job) -> str | None:
        """The fallback reason when this item failed within the cooldown, else None."""
        if self.store is None:
            return None
        failure = self.store.get_failure(job.kind, job.content_key, self.engine.name, job.version)
        if failure is None:
            return None
        job.failed_before = True
        failed, reason = failure
        until = failed + self.failure_cooldown
        if self.refresh or datetime.now(UTC) >= until:
            return None
        return (
            f"{reason} (at {failed:%Y-%m-%d %H:%M} UTC; not asked again before "
            f"{until:%Y-%m-%d %H:%M} UTC unless --refresh)"
        )

    def _spent(self) -> tuple[Usage, float | None]:
        """A snapshot of the usage so far, and the most one paid item has cost."""
        with self._usage_lock:
            return self.report.usage.model_copy(), self._dearest_item

    def _salvage(self, running: dict[Future[Outcome[Any]], _Job]) -> None:
        """On the way out of a failed run: cancel queued calls, save those already paid for."""
        for future in running:
            future.cancel()
        for future, job in running.items():
            if future.cancelled():
                continue
            try:
                outcome = future.result()
            except BaseException:  # noqa: S112 (the run is failing already; keep what we can)
                continue
            with stopping.saving():
                self._finish(job, outcome)

    def _collect(self, job: _Job, future: Future[Outcome[Any]]) -> Any:
        try:
            outcome = future.result()
        except FatalLLMError as exc:
            if not getattr(exc, "logged", False):
                self._log_calls(getattr(exc, "calls", []))  # paid or not, they were made
            raise
        except Exception as exc:  # an engine bug must not cost the other papers
            log.warning("%s: engine error, offline fallback: %s", job.label, exc)
            outcome = Outcome(job.offline(f"engine error: {type(exc).__name__}: {exc}"))
        return self._finish(job, outcome)

    def _finish(self, job: _Job, outcome: Outcome[Any]) -> Any:
        value = outcome.value
        if not outcome.logged:
            self._log_calls(outcome.calls)
        if outcome.calls:
            cost = sum(c.cost_usd for c in outcome.calls)
            with self._usage_lock:
                self._dearest_item = max(self._dearest_item or 0.0, cost)
        reason = getattr(value, "fallback_reason", None)
        if reason:
            self.report.fallbacks += 1
            self.report.fallback_items[job.kind] = self.report.fallback_items.get(job.kind, 0) + 1
            self.report.problems.append(f"{job.label}: offline fallback ({reason})")
        if self.store is not None and job.content_key:
            if reason and outcome.remember_failure:
                self.store.record_failure(
                    job.kind, job.content_key, self.engine.name, job.version, reason
                )
            elif not reason and job.failed_before:
                self.store.clear_failure(job.kind, job.content_key, self.engine.name, job.version)
        job.save(value)
        self._tick(job)
        return value

    def _on_call(self, call: CallRecord) -> None:
        """The engine's call_log: one attempt, logged the moment it returned (worker thread)."""
        self._log_calls([call])

    def _log_calls(self, calls: Sequence[CallRecord]) -> None:
        for call in calls:
            with self._usage_lock:
                self.report.usage.add(call.usage)
            if self.store is not None and self.run_id is not None:
                self.store.log_call(self.run_id, call)

    def _budget_fallback(self, queue: list[_Job], results: dict[str, Any], reason: str) -> None:
        if self.report.budget_stop is None:
            self.report.budget_stop = reason
        # info only: the caller reports the budget stop once, whatever the number of phases
        log.info("%s: %d item(s) left to the offline engine", reason, len(queue))
        line = f"{reason}: {{}} item(s) written by the offline engine"
        earlier = self.report.budget_fallbacks  # items that joined the queue after the stop
        if earlier and line.format(earlier) in self.report.problems:
            self.report.problems.remove(line.format(earlier))
        self.report.problems.append(line.format(earlier + len(queue)))
        while queue:
            job = queue.pop()
            value = job.offline(reason)
            self.report.fallbacks += 1
            self.report.budget_fallbacks += 1
            results[job.key] = value
            self._tick(job)

    def _tick(self, job: _Job) -> None:
        if self.progress is not None:
            self.progress(job.label)


@contextmanager
def _threads(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A pool of threads for the calls, left without waiting when the run fails or is stopped:
    a call that hangs must not hold the way out (a stop aborts it; see paperbrief.run.stopping)."""
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
