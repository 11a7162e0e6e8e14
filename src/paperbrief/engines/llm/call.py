"""One HTTP attempt of the LLM engine (imports openai): the request's arguments, the call through
the shared RateLimiter and CircuitBreaker, and what a failed call means next (a retry, a
downgrade of json_schema or of an optional parameter, a permanent failure, or a fatal one that
stops the run). `HTTPCalls` is a base of `engine.LLMEngine`, which sets these attributes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import openai

from paperbrief.breaker import CircuitBreaker
from paperbrief.deadline_httpx import timeout_reason
from paperbrief.engines.llm.body import unreadable_body
from paperbrief.engines.llm.errors import (
    ProviderError,
    classify,
    error_in_ok_body,
    error_text,
    provider_error,
    response_body,
)
from paperbrief.engines.llm.prompts import Message, schema_for
from paperbrief.engines.llm.records import CallRecords, Job
from paperbrief.engines.llm.reply import Reply, read_completion, redact
from paperbrief.engines.llm.retry import (
    OPTIONAL_PARAMS,
    Downgrade,
    PermanentCallError,
    TransientCallError,
)
from paperbrief.errors import FatalLLMError
from paperbrief.ratelimit import RateLimiter
from paperbrief.retrying import retry_after_seconds

log = logging.getLogger("paperbrief.llm")


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


class HTTPCalls(CallRecords):
    """One chat completion call, its failure classified (a base of LLMEngine)."""

    client: openai.OpenAI
    timeout: float
    limiter: RateLimiter
    breaker: CircuitBreaker
    max_tokens: int
    reasoning_effort: str | None
    _token_param: str
    _dropped: set[str]
    _disabled: str | None

    @property
    def stopped(self) -> str | None:
        """Why this engine makes no more calls this run (breaker open, quota), or None."""
        return self.breaker.reason or self._disabled

    def _request_args(self, job: Job, messages: list[Message], json_schema: bool) -> dict:
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
        self, job: Job, messages: list[Message], json_schema: bool
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

    def _odd_ok(self, job: Job, start: float, started: datetime, raw: Any, body: Any,
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
        job: Job,
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
        job: Job,
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
