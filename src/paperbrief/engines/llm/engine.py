"""The LLM engine: OpenAI-compatible Chat Completions with strict JSON output (imports openai).

Every answer is parsed, validated and number-grounded; a failing answer is re-asked with the exact
error, and after the re-asks the paper falls back to the offline engine. Transient HTTP failures
are retried by tenacity (the SDK's own retries are off); a rejected key stops the run.

Every HTTP attempt is handed to `call_log` (when set) as soon as it returns, with its own start
time and duration, so a run killed mid-paper has logged what it paid. Attempts pass through a
shared RateLimiter (AIMD concurrency, --rpm, x-ratelimit headers) and a CircuitBreaker (after N
connection failures / timeouts / 5xx in a row no more calls are made).

This module holds the engine's face (takeaway, compare, the Batch API's request bodies and paid
answers) and the re-ask loop; one HTTP attempt and its failures are `call.HTTPCalls`, the priced
record of each attempt `records.CallRecords` (both bases of LLMEngine).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import openai
from pydantic import BaseModel
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
)
from tenacity.wait import wait_base

from paperbrief.breaker import CircuitBreaker
from paperbrief.engines import Engine, Outcome
from paperbrief.engines.llm.call import HTTPCalls
from paperbrief.engines.llm.endpoint import DEFAULT_TIMEOUT, Endpoint
from paperbrief.engines.llm.prompts import (
    Message,
    comparison_messages,
    prompt_version,
    reask_message,
    takeaway_messages,
)
from paperbrief.engines.llm.records import Job
from paperbrief.engines.llm.reply import (
    CONTENT_FILTERED,
    LENGTH_NO_ANSWER,
    Reply,
    judge,
    read_completion,
    redact,
)
from paperbrief.engines.llm.retry import (
    Downgrade,
    PermanentCallError,
    TransientCallError,
)
from paperbrief.engines.llm.room import (
    completion_room,
    max_tokens_setting,
    reasoning_effort_setting,
)
from paperbrief.models import (
    CallRecord,
    Comparison,
    ComparisonDraft,
    Paper,
    Takeaway,
    TakeawayDraft,
)
from paperbrief.pricing import Price
from paperbrief.ratelimit import RateLimiter

log = logging.getLogger("paperbrief.llm")

DEFAULT_MODEL = "gpt-4o-mini"
PLACEHOLDER_KEY = "not-needed"  # local OpenAI-compatible servers (Ollama, vLLM) ignore the key
MAX_TOKENS = 1200  # the output budget of a non-reasoning model (engines/llm_room.py)


class LLMEngine(HTTPCalls, Endpoint):
    """Takeaways and comparisons from a chat model; satisfies paperbrief.engines.Engine."""

    def __init__(
        self,
        model: str,
        *,
        fallback: Engine,
        client: openai.OpenAI | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = 4,
        deadline: float = 180.0,
        reasks: int = 2,
        price_table: Mapping[str, Price] | None = None,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
        max_tokens: int | None = None,
        reasoning_effort: str | None = None,
    ) -> None:
        self.name = model
        self.model = model
        self.takeaway_version = prompt_version("takeaway")
        self.comparison_version = prompt_version("comparison")
        self.fallback = fallback
        self._connect(client, api_key=api_key, base_url=base_url, timeout=timeout,
                      max_attempts=max_attempts, deadline=deadline, prices=price_table,
                      wait=wait, sleep=sleep, limiter=limiter, breaker=breaker)
        self.reasks = max(0, reasks)
        self._lock = threading.Lock()
        self._json_schema = True  # False once the server rejected json_schema
        self._dropped: set[str] = set()  # OPTIONAL_PARAMS the server rejected
        self._disabled: str | None = None  # why no more calls are made (key, quota)
        self.max_tokens = max_tokens or completion_room(model)
        self.reasoning_effort = reasoning_effort
        self._token_param = "max_tokens"  # max_completion_tokens when the server asks for it
        self.cost_limited = False  # set when the run has --max-cost: an unpriced call is loud
        self._unpriced: set[str] = set()  # models already warned about

    @property
    def response_mode(self) -> str:
        """'json_schema' (strict structured output) or 'json_object' (schema in the prompt)."""
        return "json_schema" if self._json_schema else "json_object"

    def takeaway(
        self, paper: Paper, answer: Mapping[str, Any] | None = None
    ) -> Outcome[Takeaway]:
        """One takeaway by the model, or by the fallback engine when the model cannot give one.

        `answer`, a chat.completion body already paid for (a Batch API output line), is judged
        as the first answer; only re-asks are then sent live.
        """
        job = self._takeaway_job(paper)
        return self._takeaway_outcome(paper, job, *self._run(job, answer))

    def _takeaway_outcome(
        self, paper: Paper, job: Job, draft: BaseModel | None, reason: str, remember: bool
    ) -> Outcome[Takeaway]:
        if draft is not None:
            value = Takeaway(
                **draft.model_dump(),
                paper_id=paper.id,
                engine=self.model,
                prompt_version=self.takeaway_version,
            )
            return self._outcome(value, job)
        fb = self.fallback.takeaway(paper)
        value = fb.value.model_copy(update={"fallback_reason": reason})
        return self._outcome(value, job, fb.calls, remember)

    def compare(
        self, a: Paper, b: Paper, answer: Mapping[str, Any] | None = None
    ) -> Outcome[Comparison]:
        """One comparison by the model, or by the fallback engine when the model cannot give one.

        `answer`: as for `takeaway`.
        """
        job = self._comparison_job(a, b)
        return self._comparison_outcome(a, b, job, *self._run(job, answer))

    def _comparison_outcome(
        self, a: Paper, b: Paper, job: Job, draft: BaseModel | None, reason: str, remember: bool
    ) -> Outcome[Comparison]:
        if draft is not None:
            value = Comparison(
                **draft.model_dump(),
                paper_a=a.id,
                paper_b=b.id,
                engine=self.model,
                prompt_version=self.comparison_version,
            )
            return self._outcome(value, job)
        fb = self.fallback.compare(a, b)
        value = fb.value.model_copy(update={"fallback_reason": reason})
        return self._outcome(value, job, fb.calls, remember)

    def _outcome(
        self, value: Any, job: Job, extra: list[CallRecord] | None = None, remember: bool = False
    ) -> Outcome[Any]:
        return Outcome(
            value,
            job.calls + (extra or []),
            logged=self.call_log is not None,
            remember_failure=remember,
        )

    # -- the Batch API (engines/llm_batch.py sends the lines; batching.py decides) -------

    def request_body(self, kind: str, papers: Sequence[Paper]) -> dict[str, Any]:
        """The Chat Completions body of the first live call for a takeaway (one paper) or a
        comparison (two): the body of a Batch API request line."""
        job = self._takeaway_job(*papers) if kind == "takeaway" else self._comparison_job(*papers)
        json_schema = self._json_schema
        return self._request_args(job, job.build(not json_schema), json_schema)

    def accept(
        self, kind: str, papers: Sequence[Paper], answer: Mapping[str, Any]
    ) -> Outcome[Any] | None:
        """A paid answer (a Batch API line) judged and grounded exactly like a live one: the
        result with its call at the batch price when it passes, else None (then re-ask it with
        `takeaway`/`compare(..., answer=...)`). Makes no HTTP call and logs nothing."""
        if kind == "takeaway":
            job = self._takeaway_job(*papers)
            draft, _, _ = self._run(job, answer, reasks=0, emit=False)
            if draft is None:
                return None
            outcome = self._takeaway_outcome(papers[0], job, draft, "", False)
        else:
            job = self._comparison_job(*papers)
            draft, _, _ = self._run(job, answer, reasks=0, emit=False)
            if draft is None:
                return None
            outcome = self._comparison_outcome(papers[0], papers[1], job, draft, "", False)
        outcome.logged = False  # the caller logs the call with the result it stores
        return outcome

    def _takeaway_job(self, paper: Paper) -> Job:
        return Job(
            "takeaway",
            paper.id,
            self.takeaway_version,
            lambda schema_in_prompt: takeaway_messages(paper, schema_in_prompt=schema_in_prompt),
            TakeawayDraft,
            f"{paper.title}\n{paper.abstract}",
            [],
        )

    def _comparison_job(self, a: Paper, b: Paper) -> Job:
        return Job(
            "comparison",
            f"{a.id}|{b.id}",
            self.comparison_version,
            lambda schema_in_prompt: comparison_messages(a, b, schema_in_prompt=schema_in_prompt),
            ComparisonDraft,
            f"{a.title}\n{a.abstract}\n{b.title}\n{b.abstract}",
            [],
        )

    # -- the re-ask loop -------------------------------------------------------------------

    def _run(
        self,
        job: Job,
        answer: Mapping[str, Any] | None = None,
        reasks: int | None = None,
        emit: bool = True,
    ) -> tuple[BaseModel | None, str, bool]:
        """(draft, "", False) or (None, why, whether the failure is the answer's, to remember).

        `answer`: a paid chat.completion body judged first (at the batch price, no HTTP)."""
        history: list[Message] = []
        problem = ""
        batched = read_completion(answer) if answer is not None else None
        reasks = self.reasks if reasks is None else reasks
        for _ in range(1 + reasks):
            if self.stopped and batched is None:
                return None, f"{self.model}: {self.stopped}", False
            if batched is not None:
                reply, duration, started, batch = batched, 0.0, None, True
                batched = None
            else:
                try:
                    reply, duration, started = self._exchange(job, history)
                except TransientCallError as exc:
                    return None, f"{self.model}: {exc}", False
                except PermanentCallError as exc:
                    return None, f"{self.model}: {exc}", not self.stopped
                batch = False
            verdict = judge(reply, job.output, job.source)
            record = self._record(
                job, reply, duration, verdict.status, verdict.error, started, batch=batch
            )
            if emit:
                self._emit(job, record)
            else:
                job.calls.append(record)
            if verdict.draft is not None:
                return verdict.draft, "", False
            problem = verdict.error or verdict.status
            if problem in (CONTENT_FILTERED, LENGTH_NO_ANSWER):
                # the same input is filtered again; a re-ask gets no more room: not worth paying
                log.info("%s: %s %s: %s; no re-ask", self.model, job.kind, job.subject, problem)
                return None, redact(f"{self.model}: {problem}"), problem == CONTENT_FILTERED
            log.info("%s: %s %s rejected: %s", self.model, job.kind, job.subject, problem)
            if reply.content:
                history = [*history, {"role": "assistant", "content": reply.content}]
            history = [*history, reask_message(problem)]
        return (
            None,
            redact(f"{self.model}: gave up after {1 + reasks} answers: {problem}"),
            True,
        )

    def _exchange(self, job: Job, history: list[Message]) -> tuple[Reply, float, datetime]:
        """One answer from the server, retried on transient failures; json_object if needed."""
        while True:
            json_schema = self._json_schema
            messages = [*job.build(not json_schema), *history]  # a copy: job.build is pure
            try:
                retrying = Retrying(
                    stop=stop_after_attempt(self.max_attempts) | stop_before_delay(self.deadline),
                    wait=self.wait,
                    retry=retry_if_exception_type(TransientCallError),
                    sleep=self.sleep,
                    before_sleep=self._log_retry(job),
                    reraise=True,
                )
                return retrying(self._post, job, messages, json_schema)
            except Downgrade as exc:
                with self._lock:
                    if exc.feature == "json_schema":
                        self._json_schema = False
                    elif "->" not in exc.feature:  # a renamed parameter is kept
                        self._dropped.add(exc.feature)
                old, _, new = exc.feature.partition("->")
                log.info("%s: server rejected %s; going on %s", self.model, old,
                         f"with {new}" if new else "without it")

    def _log_retry(self, job: Job) -> Callable[[RetryCallState], None]:
        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            # info, not warning: a retry that succeeds needs no person (cron stays quiet)
            log.info(
                "%s: %s %s: %s; retrying in %.1fs", self.model, job.kind, job.subject, exc, wait
            )

        return before_sleep


def llm_engine_from_env(
    model: str | None = None,
    base_url: str | None = None,
    *,
    fallback: Engine,
    timeout: float = DEFAULT_TIMEOUT,
    limiter: RateLimiter | None = None,
    max_tokens: int | None = None,
) -> LLMEngine | None:
    """An LLMEngine configured from OPENAI_API_KEY / OPENAI_BASE_URL / PAPERBRIEF_MODEL, or None.

    None when neither a key nor a base URL is configured (the offline engine is then used).
    """
    key = os.environ.get("OPENAI_API_KEY") or None
    url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    if not key and not url:
        return None
    chosen = model or os.environ.get("PAPERBRIEF_MODEL") or DEFAULT_MODEL
    return LLMEngine(
        chosen,
        api_key=key or PLACEHOLDER_KEY,
        base_url=url,
        fallback=fallback,
        timeout=timeout,
        limiter=limiter,
        max_tokens=max_tokens_setting(max_tokens),
        reasoning_effort=reasoning_effort_setting(),
    )
