"""The LLM engine: OpenAI-compatible Chat Completions with strict JSON output (imports openai).

Every answer is parsed, validated and number-grounded; a failing answer is re-asked with the exact
error, and after the re-asks the paper falls back to the offline engine. Transient HTTP failures
are retried by tenacity (the SDK's own retries are off); a rejected key stops the run.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

from paperbrief.engines import Engine, Outcome
from paperbrief.engines.llm_reply import Reply, judge, read_completion, redact
from paperbrief.engines.llm_retry import (
    OPTIONAL_PARAMS,
    Downgrade,
    PermanentCallError,
    TransientCallError,
    api_message,
    is_retryable_status,
    looks_like_schema_rejection,
)
from paperbrief.engines.pricing import Price, find_price, price_table
from paperbrief.errors import FatalLLMError
from paperbrief.models import (
    CallRecord,
    Comparison,
    ComparisonDraft,
    Paper,
    Takeaway,
    TakeawayDraft,
)
from paperbrief.prompts import (
    Message,
    comparison_messages,
    prompt_version,
    reask_message,
    schema_for,
    takeaway_messages,
)
from paperbrief.retrying import retry_after_seconds, wait_server_or_backoff

log = logging.getLogger("paperbrief.llm")

DEFAULT_MODEL = "gpt-4o-mini"
PLACEHOLDER_KEY = "not-needed"  # local OpenAI-compatible servers (Ollama, vLLM) ignore the key
MAX_TOKENS = 1200


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
        timeout: float = 60.0,
        max_attempts: int = 4,
        deadline: float = 180.0,
        reasks: int = 2,
        price_table: Mapping[str, Price] | None = None,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = model
        self.model = model
        self.takeaway_version = prompt_version("takeaway")
        self.comparison_version = prompt_version("comparison")
        self.fallback = fallback
        if client is None:
            client = openai.OpenAI(
                api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
            )
        self.client = client.with_options(max_retries=0)
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.deadline = deadline
        self.reasks = max(0, reasks)
        self.prices = dict(price_table) if price_table is not None else _default_prices()
        self.wait = wait if wait is not None else wait_server_or_backoff()
        self.sleep = sleep
        self._lock = threading.Lock()
        self._json_schema = True  # False once the server rejected json_schema
        self._dropped: set[str] = set()  # OPTIONAL_PARAMS the server rejected
        self._disabled: str | None = None  # why no more calls are made (quota exhausted)

    @property
    def response_mode(self) -> str:
        """'json_schema' (strict structured output) or 'json_object' (schema in the prompt)."""
        return "json_schema" if self._json_schema else "json_object"

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        """One takeaway by the model, or by the fallback engine when the model cannot give one."""
        job = _Job(
            "takeaway",
            paper.id,
            self.takeaway_version,
            lambda schema_in_prompt: takeaway_messages(paper, schema_in_prompt=schema_in_prompt),
            TakeawayDraft,
            f"{paper.title}\n{paper.abstract}",
            [],
        )
        draft, reason = self._run(job)
        if draft is not None:
            value = Takeaway(
                **draft.model_dump(),
                paper_id=paper.id,
                engine=self.model,
                prompt_version=self.takeaway_version,
            )
            return Outcome(value, job.calls)
        fb = self.fallback.takeaway(paper)
        value = fb.value.model_copy(update={"fallback_reason": reason})
        return Outcome(value, job.calls + fb.calls)

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        """One comparison by the model, or by the fallback engine when the model cannot give one."""
        job = _Job(
            "comparison",
            f"{a.id}|{b.id}",
            self.comparison_version,
            lambda schema_in_prompt: comparison_messages(a, b, schema_in_prompt=schema_in_prompt),
            ComparisonDraft,
            f"{a.title}\n{a.abstract}\n{b.title}\n{b.abstract}",
            [],
        )
        draft, reason = self._run(job)
        if draft is not None:
            value = Comparison(
                **draft.model_dump(),
                paper_a=a.id,
                paper_b=b.id,
                engine=self.model,
                prompt_version=self.comparison_version,
            )
            return Outcome(value, job.calls)
        fb = self.fallback.compare(a, b)
        value = fb.value.model_copy(update={"fallback_reason": reason})
        return Outcome(value, job.calls + fb.calls)

    # -- the re-ask loop -------------------------------------------------------------------

    def _run(self, job: _Job) -> tuple[BaseModel | None, str]:
        history: list[Message] = []
        problem = ""
        for _ in range(1 + self.reasks):
            if self._disabled:
                return None, f"{self.model}: {self._disabled}"
            try:
                reply, duration = self._exchange(job, history)
            except (TransientCallError, PermanentCallError) as exc:
                return None, f"{self.model}: {exc}"
            verdict = judge(reply, job.output, job.source)
            job.calls.append(self._record(job, reply, duration, verdict.status, verdict.error))
            if verdict.draft is not None:
                return verdict.draft, ""
            problem = verdict.error or verdict.status
            log.info("%s: %s %s rejected: %s", self.model, job.kind, job.subject, problem)
            if reply.content:
                history = [*history, {"role": "assistant", "content": reply.content}]
            history = [*history, reask_message(problem)]
        return None, redact(f"{self.model}: gave up after {1 + self.reasks} answers: {problem}")

    def _exchange(self, job: _Job, history: list[Message]) -> tuple[Reply, float]:
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
                    else:
                        self._dropped.add(exc.feature)
                log.info("%s: server rejected %s; going on without it", self.model, exc.feature)

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
        optional = {"temperature": 0, "max_tokens": MAX_TOKENS}
        args.update({k: v for k, v in optional.items() if k not in self._dropped})
        return args

    def _post(self, job: _Job, messages: list[Message], json_schema: bool) -> tuple[Reply, float]:
        start = time.monotonic()
        try:
            completion = self.client.chat.completions.create(
                **self._request_args(job, messages, json_schema)
            )
        except openai.APIStatusError as exc:
            self._fail(job, start, exc, json_schema)
        except openai.APITimeoutError:
            self._error(job, start, f"timed out after {self.timeout:g}s")
            raise TransientCallError(f"timed out after {self.timeout:g}s") from None
        except openai.APIConnectionError as exc:
            message = redact(f"connection error: {exc}")
            self._error(job, start, message)
            raise TransientCallError(message) from None
        return read_completion(completion.to_dict()), time.monotonic() - start

    def _fail(self, job: _Job, start: float, exc: openai.APIStatusError, json_schema: bool):
        status = exc.status_code
        message = redact(f"HTTP {status}: {api_message(exc)}")
        self._error(job, start, message)
        fatal = {
            401: "the API key was rejected ({}): check OPENAI_API_KEY",
            403: "permission denied ({}): check OPENAI_API_KEY and its project's model access",
            404: "not found ({}): check the model name (--model, PAPERBRIEF_MODEL) and the "
            "base URL (OPENAI_BASE_URL)",
        }
        if status in fatal:
            error = FatalLLMError(f"{self.model}: " + fatal[status].format(message))
            error.calls = list(job.calls)  # type: ignore[attr-defined]
            raise error from None
        if json_schema and looks_like_schema_rejection(
            exc.status_code, exc.param, api_message(exc)
        ):
            raise Downgrade("json_schema")
        if status == 400 and exc.param in OPTIONAL_PARAMS and exc.param not in self._dropped:
            raise Downgrade(exc.param)
        if status == 429 and exc.code == "insufficient_quota":
            with self._lock:
                self._disabled = f"quota exhausted ({message})"
            raise PermanentCallError(message)
        if is_retryable_status(status):
            wait = retry_after_seconds(exc.response.headers, api_message(exc))
            raise TransientCallError(message, retry_after=wait)
        raise PermanentCallError(message)

    def _error(self, job: _Job, start: float, message: str) -> None:
        job.calls.append(
            CallRecord(
                kind=job.kind,
                subject=job.subject,
                model=self.model,
                prompt_version=job.version,
                attempt=len(job.calls) + 1,
                status="error",
                error=message,
                duration_s=round(time.monotonic() - start, 3),
            )
        )

    def _record(
        self, job: _Job, reply: Reply, duration: float, status: str, error: str | None
    ) -> CallRecord:
        price = find_price(self.prices, reply.model, self.model)
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
        )


def _default_prices() -> dict[str, Price]:
    return price_table()


def llm_engine_from_env(
    model: str | None = None,
    base_url: str | None = None,
    *,
    fallback: Engine,
    timeout: float = 60.0,
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
        chosen, api_key=key or PLACEHOLDER_KEY, base_url=url, fallback=fallback, timeout=timeout
    )
