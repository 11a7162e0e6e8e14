"""The LLM engine: OpenAI-compatible Chat Completions with strict JSON output (imports openai).

Every answer is parsed, validated and number-grounded; a failing answer is re-asked with the exact
error, and after the re-asks the paper falls back to the offline engine. Transient HTTP failures
are retried by tenacity (the SDK's own retries are off); a rejected key stops the run.

Every HTTP attempt is handed to `call_log` (when set) as soon as it returns, with its own start
time and duration, so a run killed mid-paper has logged what it paid. Attempts pass through a
shared RateLimiter (AIMD concurrency, --rpm, x-ratelimit headers) and a CircuitBreaker (after N
connection failures / timeouts / 5xx in a row no more calls are made).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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
from paperbrief.deadline_httpx import timeout_reason
from paperbrief.engines import Engine, Outcome
from paperbrief.engines.llm.body import unreadable_body
from paperbrief.engines.llm.errors import (
    ProviderError,
    classify,
    error_in_ok_body,
    error_text,
    provider_error,
    response_body,
)
from paperbrief.engines.llm.prompts import (
    Message,
    comparison_messages,
    prompt_version,
    reask_message,
    schema_for,
    takeaway_messages,
)
from paperbrief.engines.llm.reply import (
    CONTENT_FILTERED,
    LENGTH_NO_ANSWER,
    Reply,
    judge,
    read_completion,
    redact,
)
from paperbrief.engines.llm.retry import (
    OPTIONAL_PARAMS,
    Downgrade,
    PermanentCallError,
    TransientCallError,
)
from paperbrief.engines.llm.room import (
    completion_room,
    max_tokens_setting,
    reasoning_effort_setting,
)
from paperbrief.errors import FatalLLMError
from paperbrief.models import (
    CallRecord,
    Comparison,
    ComparisonDraft,
    Paper,
    Takeaway,
    TakeawayDraft,
)
from paperbrief.pricing import Price, find_price, price_table, unpriced_message
from paperbrief.ratelimit import RateLimiter
from paperbrief.retrying import retry_after_seconds, wait_server_or_backoff

log = logging.getLogger("paperbrief.llm")

DEFAULT_MODEL = "gpt-4o-mini"
PLACEHOLDER_KEY = "not-needed"  # local OpenAI-compatible servers (Ollama, vLLM) ignore the key
MAX_TOKENS = 1200  # the output budget of a non-reasoning model (engines/llm_room.py)
DEFAULT_TIMEOUT = 30.0  # seconds per HTTP attempt (--timeout)


@dataclass
class _Job:
    """One takeaway or comparison request in progress."""

    kind: str
    subject: str
    version: str
    build: Callable[[bool], list[Message]]
    output: type[BaseModel]
    source: str
    calls: list[CallRecord]



def sdk_client(
    client: openai.OpenAI | None, *, api_key: str | None, base_url: str | None, timeout: float
) -> openai.OpenAI:
    """The SDK client calls go through, given or made, with the SDK's own retries off (tenacity
    owns the retries)."""
    if client is None:
        from paperbrief.deadline_httpx import transport  # every request: an overall deadline

        http_client = openai.DefaultHttpxClient(transport=transport())
        client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=0,
            http_client=http_client,
        )
    return client.with_options(max_retries=0)


class LLMEngine:
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
        self.client = sdk_client(client, api_key=api_key, base_url=base_url, timeout=timeout)
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.deadline = deadline
        self.reasks = max(0, reasks)
        self.prices = dict(price_table) if price_table is not None else _default_prices()
        # the SDK's own schedule: 0.5 s, 1 s, 2 s ... (+ up to 0.5 s jitter), at most 8 s
        self.wait = wait if wait is not None else wait_server_or_backoff(0.5, 8.0, 0.5)
        self.sleep = sleep
        self._lock = threading.Lock()
        self._json_schema = True  # False once the server rejected json_schema
        self._dropped: set[str] = set()  # OPTIONAL_PARAMS the server rejected
        self._disabled: str | None = None  # why no more calls are made (key, quota)
        self.max_tokens = max_tokens or completion_room(model)
        self.reasoning_effort = reasoning_effort
        self._token_param = "max_tokens"  # max_completion_tokens when the server asks for it
        self.cost_limited = False  # set when the run has --max-cost: an unpriced call is loud
        self._unpriced: set[str] = set()  # models already warned about
        self.limiter = limiter if limiter is not None else RateLimiter(8)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        # called with each CallRecord as soon as its attempt returns (the pipeline logs it)
        self.call_log: Callable[[CallRecord], None] | None = None

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
        self, paper: Paper, job: _Job, draft: BaseModel | None, reason: str, remember: bool
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
        self, a: Paper, b: Paper, job: _Job, draft: BaseModel | None, reason: str, remember: bool
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
        self, value: Any, job: _Job, extra: list[CallRecord] | None = None, remember: bool = False
    ) -> Outcome[Any]:
        return Outcome(
            value,
            job.calls + (extra or []),
            logged=self.call_log is not None,
            remember_failure=remember,
        )

    @property
    def stopped(self) -> str | None:
        """Why this engine makes no more calls this run (breaker open, quota), or None."""
        return self.breaker.reason or self._disabled

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

    def _takeaway_job(self, paper: Paper) -> _Job:
        return _Job(
            "takeaway",
            paper.id,
            self.takeaway_version,
            lambda schema_in_prompt: takeaway_messages(paper, schema_in_prompt=schema_in_prompt),
            TakeawayDraft,
            f"{paper.title}\n{paper.abstract}",
            [],
        )

    def _comparison_job(self, a: Paper, b: Paper) -> _Job:
        return _Job(
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
        job: _Job,
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

    def _emit(self, job: _Job, record: CallRecord) -> None:
        job.calls.append(record)
        if self.call_log is not None:
            self.call_log(record)

    def _exchange(self, job: _Job, history: list[Message]) -> tuple[Reply, float, datetime]:
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

    def _log_retry(self, job: _Job) -> Callable[[RetryCallState], None]:
        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            # info, not warning: a retry that succeeds needs no person (cron stays quiet)
            log.info(
                "%s: %s %s: %s; retrying in %.1fs", self.model, job.kind, job.subject, exc, wait
            )

        return before_sleep

    # -- one HTTP call ---------------------------------------------------------------------

    def _request_args(self, job: _Job, messages: list[Message], json_schema: bool) -> dict:
        if json_schema:
            response_format: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {"name": job.kind, "strict": True, "schema": schema_for(job.kind)},
            }
        else:
            response_format = {"type": "json_object"}
        args = {"model": self.model, "messages": messages, "response_format": response_format}
        optional: dict[str, Any] = {"temperature": 0, self._token_param: self.max_tokens}
        if self.reasoning_effort:
            optional["reasoning_effort"] = self.reasoning_effort
        args.update({k: v for k, v in optional.items() if k not in self._dropped})
        return args

    def _post(
        self, job: _Job, messages: list[Message], json_schema: bool
    ) -> tuple[Reply, float, datetime]:
        if self.stopped:
            raise PermanentCallError(self.stopped)
        with self.limiter.slot():
            if self.stopped:  # opened while this attempt waited for its slot
                raise PermanentCallError(self.stopped)
            started = datetime.now(UTC)
            start = time.monotonic()
            try:
                raw = self.client.chat.completions.with_raw_response.create(
                    **self._request_args(job, messages, json_schema)
                )
            except openai.APIStatusError as exc:
                self.limiter.observe(exc.response.headers)
                error = provider_error(error_text(exc))
                self._fail(job, start, started, exc.status_code, error, exc.response.headers,
                           json_schema)
            except openai.APITimeoutError as exc:
                reason = timeout_reason(exc, f"timed out after {self.timeout:g}s")
                self._outage(job, start, started, reason)
            except openai.APIConnectionError as exc:
                self._outage(job, start, started, redact(f"connection error: {exc}"))
            self.limiter.observe(raw.headers)
            body = response_body(raw)
            if not isinstance(body, Mapping) or error_in_ok_body(body):
                self._odd_ok(job, start, started, raw, body, json_schema)
        self.limiter.success()
        self.breaker.success()
        return read_completion(body), time.monotonic() - start, started

    def _odd_ok(self, job: _Job, start: float, started: datetime, raw: Any, body: Any,
                json_schema: bool) -> None:
        """A 200 that is no chat completion: an error object (OpenRouter reports upstream
        failures so: treated as the status it names, else as a 502) or not JSON at all."""
        error = error_in_ok_body(body)
        if error is None:  # empty, HTML, not a JSON object: an outage, retried (issue 28, 23)
            kind = raw.headers.get("content-type", "?").split(";")[0]
            problem = unreadable_body(raw.content, kind) or (
                f"the server answered 200 with a {kind} body, not a chat completion")
            self._outage(job, start, started, f"{problem} (OPENAI_BASE_URL)")
        status = error.status if error.status and error.status >= 400 else 502
        self._fail(job, start, started, status, error, raw.headers, json_schema, ok=True)

    def _outage(
        self,
        job: _Job,
        start: float,
        started: datetime,
        message: str,
        retry_after: float | None = None,
    ) -> None:
        """A connection failure, timeout or 5xx: logged, counted by the breaker, retried."""
        self._error(job, start, started, message)
        if self.breaker.failure(message):
            log.info("%s: %s; no more calls this run", self.model, self.breaker.reason)
        raise TransientCallError(message, retry_after=retry_after) from None

    def _fail(
        self,
        job: _Job,
        start: float,
        started: datetime,
        status: int,
        error: ProviderError,
        headers: Mapping[str, str],
        json_schema: bool,
        ok: bool = False,
    ):
        """Classify a failed call (engines/llm_errors.py) and raise what the engine does next."""
        shown = f"HTTP 200 carrying error {status}" if ok else f"HTTP {status}"
        message = redact(f"{shown}: {error.message or error.code or 'no message'}")
        wait = retry_after_seconds(headers, error.message)
        kind = classify(status, error, wait)
        if status >= 500 and kind == "transient":
            self._outage(job, start, started, message, wait)
        self._error(job, start, started, message)
        self.breaker.success()  # the server is there and answering
        fatal = {
            401: "the API key was rejected ({}): check OPENAI_API_KEY",
            403: "permission denied ({}): check OPENAI_API_KEY and its project's model access",
            404: "not found ({}): check the model name (--model, PAPERBRIEF_MODEL) and the "
            "base URL (OPENAI_BASE_URL)",
        }
        reason = fatal.get(status) if not ok else None
        if kind == "quota":
            # billing or a per-day limit: waiting will not help, every further call would fail
            reason = "quota exhausted ({}): no more calls this run; check the plan, balance " \
                "and billing"
        if reason is not None:
            with self._lock:
                self._disabled = reason.format(message)
            fatal_error = FatalLLMError(f"{self.model}: " + reason.format(message))
            fatal_error.calls = list(job.calls)  # type: ignore[attr-defined]
            fatal_error.logged = self.call_log is not None  # type: ignore[attr-defined]
            raise fatal_error from None
        if kind == "schema" and json_schema:
            raise Downgrade("json_schema")
        param = error.param
        if status == 400 and param in OPTIONAL_PARAMS and param not in self._dropped:
            if param == "max_tokens" and "max_completion_tokens" in error.message:
                self._token_param = "max_completion_tokens"  # OpenAI reasoning models
                raise Downgrade("max_tokens->max_completion_tokens")
            raise Downgrade(param)
        if kind == "transient":
            if status == 429:
                self.limiter.throttled()
            raise TransientCallError(message, retry_after=wait)
        raise PermanentCallError(message)

    def _warn_unpriced(self, model: str) -> None:
        """Once per model: loud (stderr, even from cron) when --max-cost relies on it."""
        with self._lock:
            if model in self._unpriced:
                return
            self._unpriced.add(model)
        level = logging.WARNING if self.cost_limited else logging.INFO
        log.log(level, "%s; counted as $0 this run", unpriced_message(model))

    def _error(self, job: _Job, start: float, started: datetime, message: str) -> None:
        self._emit(
            job,
            CallRecord(
                kind=job.kind,
                subject=job.subject,
                model=self.model,
                prompt_version=job.version,
                attempt=len(job.calls) + 1,
                status="error",
                error=message,
                duration_s=round(time.monotonic() - start, 3),
                started=started,
            ),
        )

    def _record(
        self,
        job: _Job,
        reply: Reply,
        duration: float,
        status: str,
        error: str | None,
        started: datetime | None = None,
        *,
        batch: bool = False,
    ) -> CallRecord:
        price = find_price(self.prices, reply.model, self.model)
        if price is None:
            self._warn_unpriced(reply.model or self.model)
        if price is not None and batch:
            price = price.batch()
        cost = (
            price.cost(reply.prompt_tokens, reply.completion_tokens, reply.cached_tokens)
            if price
            else 0.0
        )
        return CallRecord(
            kind=job.kind,
            subject=job.subject,
            model=self.model,
            prompt_version=job.version,
            attempt=len(job.calls) + 1,
            status=status,
            error=redact(error) if error else None,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            cached_tokens=reply.cached_tokens,
            cost_usd=cost,
            duration_s=round(duration, 3),
            started=started,
        )


def _default_prices() -> dict[str, Price]:
    return price_table()


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
