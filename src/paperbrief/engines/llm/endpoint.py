"""What every caller of one OpenAI-compatible endpoint holds (imports openai): the SDK client
(its own retries off), the timeout and retry schedule tenacity follows, the price table, the
shared RateLimiter and CircuitBreaker, and the call log. `engine.LLMEngine` (chat) and
`embed.Embedder` (embeddings) are both an `Endpoint`; an embedder made `for_engine` shares the
chat engine's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import openai
from tenacity.wait import wait_base

from paperbrief.breaker import CircuitBreaker
from paperbrief.engines.llm.call import sdk_client
from paperbrief.models import CallRecord
from paperbrief.pricing import Price, price_table
from paperbrief.ratelimit import RateLimiter
from paperbrief.retrying import wait_server_or_backoff

DEFAULT_TIMEOUT = 30.0  # seconds per HTTP attempt (--timeout)


class Endpoint:
    """The connection to one endpoint and how calls through it are paced, retried and logged."""

    client: openai.OpenAI
    timeout: float
    max_attempts: int
    deadline: float
    prices: dict[str, Price]
    wait: wait_base
    sleep: Callable[[float], None]
    limiter: RateLimiter
    breaker: CircuitBreaker
    # called with each CallRecord as soon as its attempt returns (the pipeline logs it)
    call_log: Callable[[CallRecord], None] | None

    def _connect(
        self,
        client: openai.OpenAI | None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = 4,
        deadline: float = 180.0,
        prices: Mapping[str, Price] | None = None,
        wait: wait_base | None = None,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        """Set the endpoint's parts; what is not given is made (the client from `api_key` and
        `base_url`, the price table from the defaults and $PAPERBRIEF_PRICES)."""
        self.client = sdk_client(client, api_key=api_key, base_url=base_url, timeout=timeout)
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.deadline = deadline
        self.prices = dict(prices) if prices is not None else price_table()
        # the SDK's own schedule: 0.5 s, 1 s, 2 s ... (+ up to 0.5 s jitter), at most 8 s
        self.wait = wait if wait is not None else wait_server_or_backoff(0.5, 8.0, 0.5)
        self.sleep = sleep
        self.limiter = limiter if limiter is not None else RateLimiter(8)
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self.call_log = None
