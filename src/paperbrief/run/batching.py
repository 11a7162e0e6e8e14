"""Batch mode (`digest --batch`): what goes into an OpenAI Batch, and when it is collected.

One run of `digest --batch`:
1. collects every open batch of the model that the server reports finished: each answered line
   is judged and grounded by the LLM engine exactly like a live answer; one that passes is stored
   in the normal takeaway/comparison cache (and its call logged at the batch price); one that
   fails is re-asked live by the pipeline with the exact error; a line the server failed (HTTP
   error) is asked live by the pipeline. The batch is then closed in the store.
2. submits every takeaway and comparison the digest needs that is neither cached, nor in an open
   batch, nor waiting for a live re-ask, as ONE batch (at most one submission per run).
3. with `wait`, polls the open batches this digest needs until they end, collecting each.
Then the pipeline runs with `BatchedEngine`, which makes no call for anything still in a batch:
the digest is written with offline stand-ins and marked provisional in its footer, and one
stderr line says the batch is pending. The next run collects and writes the full digest; a run
after that finds everything cached and pays nothing.

A batch that ends expired, cancelled or failed is reported in one line; the answers it has are
kept, and what it did not answer is submitted again (by the same run, or by the next one when the
batch ended during `wait`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from paperbrief.engines import Engine, Outcome
from paperbrief.engines.llm.batch import (
    KNOWN_STATES,
    BatchAPIError,
    BatchClient,
    BatchNotFound,
    BatchState,
    LineResult,
    request_line,
)
from paperbrief.engines.llm.engine import MAX_TOKENS as DEFAULT_MAX_TOKENS
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.models import CallRecord, Comparison, DigestStats, Paper, Takeaway, Usage
from paperbrief.pricing import find_price
from paperbrief.run.pipeline import Budget
from paperbrief.store.batches import BatchLine, BatchRecord
from paperbrief.store.core import Store

log = logging.getLogger("paperbrief.batch")

DEFAULT_POLL_S = 60.0
MIN_POLL_S = 5.0  # `--batch-poll 0` must not ask the server for the batch's state in a tight loop
Key = tuple[str, str, str]  # (kind, cache key, prompt version)


def cache_key(kind: str, papers: Sequence[Paper]) -> str:
    """The content part of an item's cache key: the paper's hash, or both hashes in order."""
    return "|".join(p.content_hash for p in papers)


def plan_lines(engine: LLMEngine, papers: Sequence[Paper], pairs: Sequence[tuple[Paper, Paper]]):
    """One line per distinct takeaway and comparison a digest of `papers` needs."""
    lines: dict[Key, BatchLine] = {}
    for paper in papers:
        key = ("takeaway", cache_key("takeaway", [paper]), engine.takeaway_version)
        lines.setdefault(key, BatchLine(f"takeaway:{paper.id}", *key, (paper,)))
    for a, b in pairs:
        key = ("comparison", cache_key("comparison", [a, b]), engine.comparison_version)
        lines.setdefault(key, BatchLine(f"comparison:{a.id}|{b.id}", *key, (a, b)))
    return lines


def _key(line: BatchLine) -> Key:
    return (line.kind, line.cache_key, line.prompt_version)


@dataclass
class BatchReport:
    """What batch mode did in this run."""

    submitted: str | None = None  # id of the batch this run submitted
    submitted_lines: int = 0
    collected: list[str] = field(default_factory=list)
    stored: int = 0  # batch answers that passed and went to the cache
    pending: dict[str, int] = field(default_factory=dict)  # open batch id -> lines this run needs
    usage: Usage = field(default_factory=Usage)


class BatchMode:
    """Submits, polls and collects the batches of one `digest --batch` run."""

    def __init__(
        self,
        engine: LLMEngine,
        store: Store,
        run_id: int | None,
        *,
        client: BatchClient | None = None,
        refresh: bool = False,
        poll: float = DEFAULT_POLL_S,
        sleep: Callable[[float], None] = time.sleep,
        cooldown: timedelta = timedelta(hours=24),
        budget: Budget | None = None,
    ) -> None:
        self.llm = engine
        self.store = store
        self.run_id = run_id
        self.client = client or BatchClient(engine.client, sleep=engine.sleep)
        self.refresh = refresh
        self.poll = max(MIN_POLL_S, poll)
        if poll < MIN_POLL_S:
            log.info("--batch-poll %g: polling every %g s (the least)", poll, MIN_POLL_S)
        self.sleep = sleep
        self.report = BatchReport()
        self.answers: dict[Key, dict[str, Any]] = {}  # failed the judge: re-ask live
        self.live: dict[Key, str] = {}  # failed at the server: ask live (value: why)
        self.unanswered: dict[Key, str] = {}  # ended without an answer this run (value: why)
        self.open_keys: dict[Key, str] = {}
        self.stand_ins: dict[str, int] = {}  # offline stand-ins served (no call made), by kind
        self.cooldown = cooldown
        self.budget = budget

    # -- the run -----------------------------------------------------------------------------

    def prepare(
        self, papers: Sequence[Paper], pairs: Sequence[tuple[Paper, Paper]], *, wait: bool
    ) -> BatchReport:
        """Collect finished batches, submit what is missing, and with `wait` see it through."""
        lines = plan_lines(self.llm, papers, pairs)
        self.collect_finished()
        open_keys = self._open_keys()
        self._submit([line for key, line in lines.items() if self._missing(key, line, open_keys)])
        needed = self._pending(lines)
        while wait and needed:
            self.sleep(self.poll)
            self.collect_finished(only=set(needed))
            needed = self._pending(lines)
        self.report.pending = needed
        if needed:
            total = sum(needed.values())
            ids = ", ".join(needed)
            log.warning(
                "batch %s pending (%d request(s) of this digest); the digest is provisional "
                "(offline stand-ins) until a later run collects it",
                ids,
                total,
            )
        return self.report

    @property
    def asks_live(self) -> bool:
        """Whether the pipeline will make live calls (re-asks, lines the server failed)."""
        return bool(self.answers or self.live)

    def engine(self, offline: Engine) -> BatchedEngine:
        """The engine the pipeline runs with in batch mode (see BatchedEngine)."""
        return BatchedEngine(self, offline)

    def finish(self, stats: DigestStats, report: Any = None) -> DigestStats:
        """The digest's stats with the batch usage added and pending stand-ins told once (in
        the footer's provisional line, not per item nor in the pipeline `report`'s fallback
        line: they are no failure)."""
        stats.usage.add(self.report.usage)
        if report is not None:
            for kind, n in self.stand_ins.items():
                items = getattr(report, "fallback_items", {})
                items[kind] = max(0, items.get(kind, 0) - n)
        if self.report.pending:
            marker = _pending_reason("")
            stats.problems = [p for p in stats.problems if marker not in p]
            n = sum(self.report.pending.values())
            stats.provisional = (
                f"OpenAI batch {', '.join(self.report.pending)} is pending; {n} result(s) are "
                "offline stand-ins until a later run collects it and rewrites this digest."
            )
        return stats

    # -- collecting --------------------------------------------------------------------------

    def collect_finished(self, only: set[str] | None = None) -> None:
        """Check every open batch of the model (or those in `only`); collect the finished ones."""
        for record in self.store.open_batches(self.llm.model):
            if only is not None and record.id not in only:
                continue
            try:
                state = self.client.status(record.id)
            except BatchNotFound as exc:  # asking again next run would be as vain: drop it
                self._drop(record, "unknown to the server", str(exc))
                continue
            except BatchAPIError as exc:
                log.warning("batch %s: %s; trying again on the next run", record.id, exc)
                continue
            if state.status not in KNOWN_STATES:
                self._drop(record, f"in a status this client does not know ({state.status!r})")
                continue
            if not state.final:
                self.store.set_batch_status(record.id, state.status)
                log.info("batch %s: %s (%d/%d done)", record.id, state.status,
                         state.completed + state.failed, state.total)
                continue
            try:
                results = self.client.results(state) if state.status != "failed" else {}
            except BatchNotFound as exc:
                self._drop(record, "finished, but its results are unknown to the server", str(exc))
                continue
            except BatchAPIError as exc:
                log.warning("batch %s: %s; trying again on the next run", record.id, exc)
                continue
            self._collect(record, state.status, results, state.errors)
            if state.status == "completed":
                self._unusable(record, state, results)

    def _drop(self, record: BatchRecord, why: str, detail: str = "") -> None:
        """Close a batch this client cannot use, and ask its requests live in this run: the
        digest is then complete (and mailed), and nothing is batched and paid again blindly."""
        for line in self.store.batch_lines(record.id):
            self.live[_key(line)] = f"batch {record.id} {why}"
        self.store.set_batch_status(record.id, "dropped", collected=True)
        log.warning(
            "batch %s is %s%s; dropped: its %d request(s) are asked live",
            record.id,
            why,
            f" ({detail})" if detail else "",
            record.requests,
        )

    def _unusable(
        self, record: BatchRecord, state: BatchState, results: dict[str, LineResult]
    ) -> None:
        """A completed batch answers every request; those its output does not answer (no
        output file, unknown custom_ids) are asked live, not batched and paid again."""
        lines = self.store.batch_lines(record.id)
        missing = [line for line in lines if line.custom_id not in results]
        if not missing:
            return
        if not (state.output_file_id or state.error_file_id):
            why = "completed without an output file"
        elif unknown := len(set(results) - {line.custom_id for line in lines}):
            why = f"completed, but its output answers {unknown} request(s) it was not sent"
        else:
            why = "completed with an empty output"
        for line in missing:
            key = _key(line)
            self.unanswered.pop(key, None)
            self.live[key] = f"batch {record.id} {why}"
        log.warning(
            "batch %s %s: %d of %d request(s) unanswered; asking them live instead of batching "
            "them again",
            record.id,
            why,
            len(missing),
            len(lines),
        )

    def _collect(
        self,
        record: BatchRecord,
        status: str,
        results: dict[str, LineResult],
        errors: Sequence[str],
    ) -> None:
        missing = 0
        for line in self.store.batch_lines(record.id):
            result = results.get(line.custom_id)
            key = _key(line)
            if result is None or (result.error or "").startswith(("batch_expired", "batch_cancel")):
                missing += 1
                self.unanswered[key] = f"batch {record.id} {status} before answering"
                continue
            if result.body is None:
                self.live[key] = result.error or "no answer"
                log.info("batch %s: %s failed (%s): asking live", record.id, line.custom_id,
                         result.error)
                continue
            outcome = self.llm.accept(line.kind, line.papers, result.body)
            if outcome is None:
                self.answers[key] = result.body  # the pipeline re-asks it live, with the error
                continue
            self._store(line, outcome)
        self.store.set_batch_status(record.id, status, collected=True)
        self.report.collected.append(record.id)
        if status != "completed":
            why = f" ({'; '.join(errors)})" if errors else ""
            log.warning(
                "batch %s %s%s: %d of %d request(s) unanswered; they go into the next batch",
                record.id,
                status,
                why,
                missing,
                record.requests,
            )
        else:
            log.info("batch %s collected: %d request(s)", record.id, record.requests)

    def _store(self, line: BatchLine, outcome: Outcome[Any]) -> None:
        value = outcome.value
        if line.kind == "takeaway":
            self.store.put_takeaway(line.papers[0], value, self.llm.name)
        else:
            self.store.put_comparison(line.papers[0], line.papers[1], value, self.llm.name)
        self.report.stored += 1
        if not outcome.logged:
            for call in outcome.calls:
                self._log_call(call)

    def _log_call(self, call: CallRecord) -> None:
        self.report.usage.add(call.usage)
        if self.run_id is not None:
            self.store.log_call(self.run_id, call)

    # -- submitting --------------------------------------------------------------------------

    def _missing(self, key: Key, line: BatchLine, open_keys: dict[Key, str]) -> bool:
        """Neither cached, nor in an open batch, nor waiting for a live (re-)ask in this run,
        nor failed within the failure cooldown (the pipeline says so)."""
        if key in self.answers or key in self.live or key in open_keys:
            return False
        if self.refresh:
            return True
        return not self._cached(line) and not self._cooling(key)

    def _cooling(self, key: Key) -> bool:
        kind, content, version = key
        failure = self.store.get_failure(kind, content, self.llm.name, version)
        return failure is not None and datetime.now(UTC) < failure[0] + self.cooldown

    def _open_keys(self) -> dict[Key, str]:
        return self.store.open_batch_keys(self.llm.model)

    def _cached(self, line: BatchLine) -> bool:
        if line.kind == "takeaway":
            hit = self.store.get_takeaway(line.papers[0], self.llm.name, line.prompt_version)
        else:
            a, b = line.papers
            hit = self.store.get_comparison(a, b, self.llm.name, line.prompt_version)
        return hit is not None

    def _submit(self, lines: list[BatchLine]) -> None:
        if not lines or self.report.submitted:
            return
        body = [
            request_line(line.custom_id, self.llm.request_body(line.kind, line.papers))
            for line in lines
        ]
        kept = self._within_budget(body)
        if kept < len(lines):
            reason = self._budget_reason()
            log.warning(
                "%s: %d of %d request(s) batched; the rest wait for a later run's batch",
                reason,
                kept,
                len(lines),
            )
            for line in lines[kept:]:
                self.unanswered[_key(line)] = reason
            lines, body = lines[:kept], body[:kept]
            if not lines:
                return
        state = self.client.submit(body)
        self.store.add_batch(
            state.id, self.llm.model, state.input_file_id or "", state.status, lines, self.run_id
        )
        self.report.submitted = state.id
        self.report.submitted_lines = len(lines)
        for line in lines:
            self.unanswered.pop(_key(line), None)
        log.info("submitted batch %s: %d request(s)", state.id, len(lines))

    def _within_budget(self, body: list[dict[str, Any]]) -> int:
        """How many of the request lines fit --max-calls and, at their worst-case cost (the
        whole prompt and max_tokens of answer, at the batch price), --max-cost."""
        limit = len(body)
        if self.budget is None:
            return limit
        if self.budget.max_calls is not None:
            limit = min(limit, self.budget.max_calls)
        if self.budget.max_cost is None:
            return limit
        price = find_price(self.llm.prices, self.llm.model)
        if price is None:
            return limit
        total = 0.0
        for n, line in enumerate(body[:limit]):
            request = line["body"]
            # No tokenizer ships without downloading its vocabulary: a prompt is counted as one
            # token per 3 characters of its JSON, more than English text takes (conservative).
            prompt = len(json.dumps(request["messages"], ensure_ascii=False)) // 3 + 1
            room = request.get("max_tokens") or request.get("max_completion_tokens")
            answer = int(room or DEFAULT_MAX_TOKENS)
            total += price.batch().cost(prompt, answer)
            if total > self.budget.max_cost:
                return n
        return limit

    def _budget_reason(self) -> str:
        assert self.budget is not None
        if self.budget.max_calls is not None:
            return f"budget reached: --max-calls {self.budget.max_calls}"
        return f"budget reached: --max-cost {self.budget.max_cost:g} USD"

    def _pending(self, lines: dict[Key, BatchLine]) -> dict[str, int]:
        """Open batches holding lines of this digest: {batch id: how many}."""
        open_keys = self.open_keys = self._open_keys()
        counts: dict[str, int] = {}
        for key in lines:
            batch_id = open_keys.get(key)
            if batch_id is not None:
                counts[batch_id] = counts.get(batch_id, 0) + 1
        return counts

    def pending_batch(self, key: Key) -> str | None:
        """The open batch that will answer `key`, as of the end of `prepare`."""
        return self.open_keys.get(key)


def _pending_reason(batch_id: str) -> str:
    return f"waiting for OpenAI batch {batch_id}".rstrip()


class BatchedEngine:
    """The pipeline's engine in batch mode: no live call for anything a batch answers.

    Cache hits never reach it. For the rest: an answer that failed the judge is re-asked live
    (with the exact error), a line the server failed is asked live, and anything still in an
    open batch, or left unanswered by one, gets an offline stand-in marked with the reason.
    """

    def __init__(self, mode: BatchMode, offline: Engine) -> None:
        self.mode = mode
        self.offline = offline
        self.name = mode.llm.name
        self.takeaway_version = mode.llm.takeaway_version
        self.comparison_version = mode.llm.comparison_version
        self._lock = threading.Lock()  # the pipeline calls from its worker threads

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        key = ("takeaway", cache_key("takeaway", [paper]), self.takeaway_version)
        if key in self.mode.answers:
            return self.mode.llm.takeaway(paper, answer=self.mode.answers[key])
        if key in self.mode.live:
            return self.mode.llm.takeaway(paper)
        stand_in = self.offline.takeaway(paper)
        return Outcome(stand_in.value.model_copy(update={"fallback_reason": self._why(key)}))

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        key = ("comparison", cache_key("comparison", [a, b]), self.comparison_version)
        if key in self.mode.answers:
            return self.mode.llm.compare(a, b, answer=self.mode.answers[key])
        if key in self.mode.live:
            return self.mode.llm.compare(a, b)
        stand_in = self.offline.compare(a, b)
        return Outcome(stand_in.value.model_copy(update={"fallback_reason": self._why(key)}))

    def _why(self, key: Key) -> str:
        with self._lock:  # no model failed: kept out of the fallback line (each cause has its own)
            self.mode.stand_ins[key[0]] = self.mode.stand_ins.get(key[0], 0) + 1
        batch_id = self.mode.pending_batch(key)
        if batch_id is not None:
            return _pending_reason(batch_id)
        return self.mode.unanswered.get(key, "no batch answer yet") + "; the next run asks again"
