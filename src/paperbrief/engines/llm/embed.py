"""OpenAI-compatible embeddings, batched (imports openai).

`Embedder.batches` sends about `batch_size` inputs per request (100: the API takes up to 2,048,
but 100 keeps a request far below its 300,000-token limit whatever the abstracts' length, and a
failed request cheap to repeat): N texts go in round(N / 100) requests of equal size, so a few
extra texts (an interests profile's) never cost a request of their own (1,000 papers and a
profile: 10 requests of at most 101; a request never holds 1.5 x 100). It yields each batch's
vectors as it arrives (up to `parallel` requests in flight), so a caller keeps what was paid
for even when another batch fails.
Transient failures (connection, timeout, 408/409/429, 5xx) are retried by tenacity (the SDK's
own retries are off); every HTTP attempt is handed to `call_log` with its tokens and cost.
Attempts share the chat engine's RateLimiter and CircuitBreaker when built with `for_engine`.
Any failure that retrying does not fix, a budget reached (`may_call`) or an open breaker raises
EmbeddingError: the caller falls back to TF-IDF.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

import numpy as np
import openai
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, stop_before_delay
from tenacity.wait import wait_base

from paperbrief.breaker import CircuitBreaker
from paperbrief.deadline_httpx import timeout_reason
from paperbrief.engines.llm.body import unreadable_body
from paperbrief.engines.llm.endpoint import DEFAULT_TIMEOUT, Endpoint
from paperbrief.engines.llm.engine import PLACEHOLDER_KEY, LLMEngine
from paperbrief.engines.llm.reply import redact
from paperbrief.engines.llm.retry import (
    PermanentCallError,
    TransientCallError,
    api_message,
    is_retryable_status,
)
from paperbrief.errors import PaperbriefError
from paperbrief.models import CallRecord
from paperbrief.pricing import Price, find_price
from paperbrief.ratelimit import RateLimiter
from paperbrief.retrying import retry_after_seconds

log = logging.getLogger("paperbrief.llm")

DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
EMBEDDING_MODEL_ENV = "PAPERBRIEF_EMBEDDING_MODEL"
NO_EMBEDDINGS = "none"  # --embedding-model none: never embed (TF-IDF even with a key)
BATCH_SIZE = 100
PARALLEL = 4  # requests in flight at once (the shared RateLimiter may allow fewer)
EMBEDDING_VERSION = "embedding"  # the call log's prompt_version (no prompt is involved)


class EmbeddingError(PaperbriefError):
    """The embeddings could not be had (the caller falls back to TF-IDF)."""


def embedding_model(option: str | None = None) -> str | None:
    """The embedding model: the option, else $PAPERBRIEF_EMBEDDING_MODEL, else the default;
    None when it is 'none' (embeddings switched off)."""
    chosen = (option or os.environ.get(EMBEDDING_MODEL_ENV, "")).strip() or DEFAULT_EMBEDDING_MODEL
    return None if chosen.lower() == NO_EMBEDDINGS else chosen


class Embedder(Endpoint):
    """Vectors of texts from an embeddings endpoint, about `batch_size` texts per request."""

    def __init__(
        self,
        model: str,
        *,
        client: openai.OpenAI | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = 4,
        deadline: float = 180.0,
        batch_size: int = BATCH_SIZE,
        parallel: int = PARALLEL,
        prices: Mapping[str, Price] | None = None,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.model = model
        self._connect(client, api_key=api_key, base_url=base_url, timeout=timeout,
                      max_attempts=max_attempts, deadline=deadline, prices=prices,
                      wait=wait, sleep=sleep, limiter=limiter, breaker=breaker)
        self.batch_size = max(1, batch_size)
        self.parallel = max(1, parallel)
        # asked before each request with the number in flight: a reason to pay no more (the
        # run's budget), or None
        self.may_call: Callable[[int], str | None] | None = None

    @classmethod
    def for_engine(cls, engine: LLMEngine, model: str) -> Embedder:
        """An embedder on the chat engine's endpoint: its client, limiter, breaker, prices,
        timeout, retry schedule and call log."""
        embedder = cls(
            model,
            client=engine.client,
            timeout=engine.timeout,
            max_attempts=engine.max_attempts,
            deadline=engine.deadline,
            prices=engine.prices,
            wait=engine.wait,
            sleep=engine.sleep,
            limiter=engine.limiter,
            breaker=engine.breaker,
        )
        embedder.call_log = engine.call_log
        return embedder

    def embed(self, texts: Sequence[str], subjects: Sequence[str] | None = None) -> np.ndarray:
        """One float32 row per text, in order (EmbeddingError when any batch fails)."""
        rows = [batch for _, batch in sorted(self.batches(texts, subjects), key=lambda b: b[0])]
        return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def batches(
        self, texts: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[tuple[int, np.ndarray]]:
        """(start index, float32 rows) of each batch of `texts`, as each request returns
        (not necessarily in order: up to `parallel` requests are in flight at once).

        `subjects` (one per text, e.g. paper ids) name the batches in the call log. When a
        request fails, the requests in flight are finished and yielded first (they are paid
        for), then EmbeddingError is raised; no further request is sent.
        """
        names = list(subjects) if subjects is not None else [f"text {i}" for i in range(len(texts))]
        pending = deque(batch_bounds(len(texts), self.batch_size))
        workers = max(1, min(self.parallel, len(pending)))
        error: Exception | None = None
        # the caller's urgency (a digest's plan: RateLimiter.urgent) goes with its requests
        send = self._urgent_batch if self.limiter.is_urgent else self._batch
        with ThreadPoolExecutor(max_workers=workers) as pool:
            running: dict[Future[np.ndarray], int] = {}
            while running or (pending and error is None):
                while error is None and pending and len(running) < workers:
                    reason = self.may_call(len(running)) if self.may_call is not None else None
                    if reason:
                        error = EmbeddingError(reason)
                        break
                    start, stop = pending.popleft()
                    chunk = [t if t.strip() else "(empty)" for t in texts[start:stop]]
                    label = names[start] if len(chunk) == 1 else f"{names[start]} +{len(chunk) - 1}"
                    running[pool.submit(send, chunk, label)] = start
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    start = running.pop(future)
                    try:
                        rows = future.result()
                    except Exception as exc:  # noqa: BLE001 (raised once the others are in)
                        error = error or exc
                        continue
                    yield start, rows
        if error is not None:
            raise error

    # -- one batch, retried ------------------------------------------------------------------

    def _urgent_batch(self, chunk: list[str], label: str) -> np.ndarray:
        with self.limiter.urgent():
            return self._batch(chunk, label)

    def _batch(self, chunk: list[str], label: str) -> np.ndarray:
        attempts: list[int] = []
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts) | stop_before_delay(self.deadline),
            wait=self.wait,
            retry=retry_if_exception_type(TransientCallError),
            sleep=self.sleep,
            before_sleep=lambda state: log.info(
                "%s: embeddings of %s: %s; retrying in %.1fs", self.model, label,
                state.outcome.exception() if state.outcome else None,
                state.next_action.sleep if state.next_action else 0.0,
            ),
            reraise=True,
        )
        try:
            return retrying(self._post, chunk, label, attempts)
        except (TransientCallError, PermanentCallError) as exc:
            raise EmbeddingError(f"{self.model}: {exc}") from None

    def _post(self, chunk: list[str], label: str, attempts: list[int]) -> np.ndarray:
        attempts.append(len(attempts) + 1)
        if self.breaker.reason:
            raise PermanentCallError(self.breaker.reason)
        with self.limiter.slot():
            started = datetime.now(UTC)
            start = time.monotonic()
            try:
                raw = self.client.embeddings.with_raw_response.create(
                    model=self.model, input=chunk
                )
                self.limiter.observe(raw.headers)
                problem = unreadable_body(raw.content, raw.headers.get("content-type", ""))
                if problem:  # empty, HTML, not a JSON object: an outage (issue 28, item 23)
                    self._outage(problem, label, len(attempts), started, start)
                parsed = raw.parse()
            except openai.APIStatusError as exc:
                self.limiter.observe(exc.response.headers)
                self._fail(exc, label, len(attempts), started, start)
            except openai.APITimeoutError as exc:
                reason = timeout_reason(exc, f"timed out after {self.timeout:g}s")
                self._outage(reason, label, len(attempts), started, start)
            except openai.APIConnectionError as exc:
                self._outage(redact(f"connection error: {exc}"), label, len(attempts),
                             started, start)
        self.limiter.success()
        self.breaker.success()
        try:
            rows = _rows(parsed, len(chunk))
        except ValueError as exc:
            self._log(label, len(attempts), started, start, error=f"bad answer: {exc}")
            raise PermanentCallError(f"bad answer: {exc}") from None
        usage = getattr(parsed, "usage", None)
        tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        self._log(label, len(attempts), started, start, tokens=tokens)
        return rows

    def _fail(self, exc: openai.APIStatusError, label: str, attempt: int, started: datetime,
              start: float) -> None:
        status = exc.status_code
        message = redact(f"HTTP {status}: {api_message(exc)}")
        if status == 501 or "not supported" in message.lower():
            # the server has no embeddings (a chat-only server): not an outage, no retry
            self._log(label, attempt, started, start, error=message)
            self.breaker.success()
            raise PermanentCallError(message)
        if status >= 500:
            self._outage(message, label, attempt, started, start,
                         retry_after_seconds(exc.response.headers, api_message(exc)))
        self._log(label, attempt, started, start, error=message)
        self.breaker.success()  # the server is there and answering
        if status == 404:
            message += " (check --embedding-model or $PAPERBRIEF_EMBEDDING_MODEL)"
        if is_retryable_status(status) and exc.code != "insufficient_quota":
            if status == 429:
                self.limiter.throttled()
            wait = retry_after_seconds(exc.response.headers, api_message(exc))
            raise TransientCallError(message, retry_after=wait)
        raise PermanentCallError(message)

    def _outage(self, message: str, label: str, attempt: int, started: datetime, start: float,
                retry_after: float | None = None) -> None:
        self._log(label, attempt, started, start, error=message)
        if self.breaker.failure(message):
            log.info("%s: %s; no more calls this run", self.model, self.breaker.reason)
        raise TransientCallError(message, retry_after=retry_after)

    def _log(self, label: str, attempt: int, started: datetime, start: float, *,
             tokens: int = 0, error: str | None = None) -> None:
        price = find_price(self.prices, self.model)
        record = CallRecord(
            kind="embedding",
            subject=label,
            model=self.model,
            prompt_version=EMBEDDING_VERSION,
            attempt=attempt,
            status="error" if error else "ok",
            error=error,
            prompt_tokens=tokens,
            cost_usd=price.cost(tokens, 0) if price else 0.0,
            duration_s=round(time.monotonic() - start, 3),
            started=started,
        )
        if self.call_log is not None:
            self.call_log(record)


def batch_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of each request for `n` texts: round(n / size) requests (at least one) of
    sizes differing by at most one, so each holds fewer than 1.5 x `size` texts."""
    if n <= 0:
        return []
    requests = max(1, (2 * n + size) // (2 * size))  # n / size rounded half up
    base, extra = divmod(n, requests)
    bounds, start = [], 0
    for i in range(requests):
        stop = start + base + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def _rows(parsed: Any, expected: int) -> np.ndarray:
    """The answer's vectors in input order, as float32 rows (ValueError when they are not
    one finite vector per input, all of one dimension)."""
    data = list(getattr(parsed, "data", None) or [])
    if len(data) != expected:
        raise ValueError(f"{len(data)} vectors for {expected} inputs")
    ordered = sorted(data, key=lambda item: item.index)
    if [item.index for item in ordered] != list(range(expected)):
        raise ValueError("the vectors' indexes do not match the inputs")
    lengths = {len(item.embedding) for item in ordered}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"vectors of dimensions {sorted(lengths)}")
    rows = np.asarray([item.embedding for item in ordered], dtype=np.float32)
    if not np.isfinite(rows).all():
        raise ValueError("a vector holds a value that is not a number")
    return rows


def embedder_from_env(
    model: str, base_url: str | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> Embedder | None:
    """An Embedder for OPENAI_API_KEY / OPENAI_BASE_URL (or `base_url`), or None when neither
    a key nor a base URL is configured."""
    key = os.environ.get("OPENAI_API_KEY") or None
    url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    if not key and not url:
        return None
    return Embedder(model, api_key=key or PLACEHOLDER_KEY, base_url=url, timeout=timeout)
