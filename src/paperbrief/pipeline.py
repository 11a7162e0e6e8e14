"""Run an engine over papers and pairs: cache first, calls in parallel, budgets, fallbacks.

Every finished result is handed to the store as soon as it arrives (in the calling thread), so a
run killed at any point loses at most the calls in flight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol

from paperbrief.engines import Engine, Outcome
from paperbrief.errors import FatalLLMError
from paperbrief.models import CallRecord, Comparison, DigestStats, Paper, Takeaway, Usage

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8


class ResultStore(Protocol):
    """The part of paperbrief.store.Store the pipeline uses."""

    def get_takeaway(self, paper: Paper, engine: str, prompt_version: str) -> Takeaway | None: ...
    def put_takeaway(self, paper: Paper, takeaway: Takeaway, engine: str | None = None) -> bool: ...
    def get_comparison(
        self, a: Paper, b: Paper, engine: str, prompt_version: str
    ) -> Comparison | None: ...
    def put_comparison(
        self, a: Paper, b: Paper, comparison: Comparison, engine: str | None = None
    ) -> bool: ...
    def log_call(self, run_id: int, call: CallRecord) -> None: ...


@dataclass
class Budget:
    """Spending limits for one run; None means no limit.

    Checked before each paper or pair is sent: work already in flight finishes, so a run may
    exceed `max_cost` by at most the cost of the calls in flight.
    """

    max_calls: int | None = None
    max_cost: float | None = None

    def exhausted(self, usage: Usage, in_flight: int = 0) -> str | None:
        """Why no further call may be paid for, or None while there is room."""
        if self.max_calls is not None and usage.calls + in_flight >= self.max_calls:
            return f"budget reached: --max-calls {self.max_calls}"
        if self.max_cost is not None and usage.cost_usd >= self.max_cost:
            return f"budget reached: --max-cost {self.max_cost:g} USD"
        return None


@dataclass
class Report:
    """What a pipeline did: usage, cache hits, fallbacks and problems, for the digest footer."""

    usage: Usage = field(default_factory=Usage)
    cache_hits: int = 0
    fallbacks: int = 0
    budget_stop: str | None = None
    budget_fallbacks: int = 0  # items left to the offline engine because of the budget
    problems: list[str] = field(default_factory=list)


@dataclass
class _Job:
    key: str
    label: str
    cached: Callable[[], Any]
    call: Callable[[], Outcome[Any]]
    offline: Callable[[str], Any]
    save: Callable[[Any], None]


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
    ) -> None:
        self.engine = engine
        self.offline = offline
        self.store = store
        self.run_id = run_id
        self.concurrency = max(1, concurrency)
        self.refresh = refresh
        self.budget = budget or Budget()
        self.progress = progress
        self.report = Report()

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

    def takeaways(self, papers: Sequence[Paper]) -> dict[str, Takeaway]:
        """A takeaway for every paper, keyed by paper id."""
        eng, store = self.engine, self.store
        jobs = [
            _Job(
                key=p.id,
                label=p.id,
                cached=lambda p=p: (
                    store.get_takeaway(p, eng.name, eng.takeaway_version) if store else None
                ),
                call=lambda p=p: eng.takeaway(p),
                offline=lambda reason, p=p: self.offline.takeaway(p).value.model_copy(
                    update={"fallback_reason": reason}
                ),
                save=lambda t, p=p: store.put_takeaway(p, t, eng.name) if store else None,
            )
            for p in papers
        ]
        return self._run(jobs)

    def comparisons(self, pairs: Sequence[tuple[Paper, Paper]]) -> list[Comparison]:
        """A comparison for every pair, in the order given."""
        eng, store = self.engine, self.store
        jobs = [
            _Job(
                key=f"{a.id}|{b.id}",
                label=f"{a.id} vs {b.id}",
                cached=lambda a=a, b=b: (
                    store.get_comparison(a, b, eng.name, eng.comparison_version) if store else None
                ),
                call=lambda a=a, b=b: eng.compare(a, b),
                offline=lambda reason, a=a, b=b: self.offline.compare(a, b).value.model_copy(
                    update={"fallback_reason": reason}
                ),
                save=lambda c, a=a, b=b: store.put_comparison(a, b, c, eng.name) if store else None,
            )
            for a, b in pairs
        ]
        results = self._run(jobs)
        return [results[j.key] for j in jobs]

    # -- the loop ---------------------------------------------------------------------------

    def _run(self, jobs: list[_Job]) -> dict[str, Any]:
        results: dict[str, Any] = {}
        todo: list[_Job] = []
        for job in jobs:
            hit = None if self.refresh else job.cached()
            if hit is not None:
                self.report.cache_hits += 1
                results[job.key] = hit
                self._tick(job)
            else:
                todo.append(job)
        if not self.uses_llm:
            for job in todo:
                results[job.key] = self._finish(job, job.call())
            return results
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            running: dict[Future[Outcome[Any]], _Job] = {}
            queue = list(reversed(todo))
            try:
                while queue or running:
                    while queue and len(running) < self.concurrency:
                        stop = self.budget.exhausted(self.report.usage, len(running))
                        if stop:
                            self._budget_fallback(queue, results, stop)
                            break
                        job = queue.pop()
                        running[pool.submit(job.call)] = job
                    if not running:
                        continue
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    error: BaseException | None = None
                    for future in done:  # save every finished result before raising
                        job = running.pop(future)
                        try:
                            results[job.key] = self._collect(job, future)
                        except BaseException as exc:
                            error = error or exc
                    if error is not None:
                        raise error
            except BaseException:
                self._salvage(running)
                raise
        return results

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
            self._finish(job, outcome)

    def _collect(self, job: _Job, future: Future[Outcome[Any]]) -> Any:
        try:
            outcome = future.result()
        except FatalLLMError as exc:
            self._log_calls(getattr(exc, "calls", []))  # paid or not, they were made
            raise
        except Exception as exc:  # an engine bug must not cost the other papers
            log.warning("%s: engine error, offline fallback: %s", job.label, exc)
            outcome = Outcome(job.offline(f"engine error: {type(exc).__name__}: {exc}"))
        return self._finish(job, outcome)

    def _finish(self, job: _Job, outcome: Outcome[Any]) -> Any:
        value = outcome.value
        self._log_calls(outcome.calls)
        if getattr(value, "fallback_reason", None):
            self.report.fallbacks += 1
            self.report.problems.append(f"{job.label}: offline fallback ({value.fallback_reason})")
        job.save(value)
        self._tick(job)
        return value

    def _log_calls(self, calls: Sequence[CallRecord]) -> None:
        for call in calls:
            self.report.usage.add(
                Usage(
                    calls=1,
                    prompt_tokens=call.prompt_tokens,
                    completion_tokens=call.completion_tokens,
                    cached_tokens=call.cached_tokens,
                    cost_usd=call.cost_usd,
                )
            )
            if self.store is not None and self.run_id is not None:
                self.store.log_call(self.run_id, call)

    def _budget_fallback(self, queue: list[_Job], results: dict[str, Any], reason: str) -> None:
        if self.report.budget_stop is None:
            self.report.budget_stop = reason
        # info only: the caller reports the budget stop once, whatever the number of phases
        log.info("%s: %d item(s) left to the offline engine", reason, len(queue))
        self.report.problems.append(f"{reason}: {len(queue)} item(s) written by the offline engine")
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
