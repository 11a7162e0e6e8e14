"""Setting a run up: which engine writes (the LLM when one is configured, else the offline
engine), the failure cooldown, and the pipeline over them. Used by the CLI and the Python API
(paperbrief.api) alike; nothing here reads a command line."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from paperbrief.bounds import cooldown_hours
from paperbrief.errors import UsageError

log = logging.getLogger("paperbrief")
COOLDOWN_ENV = "PAPERBRIEF_FAILURE_COOLDOWN"


def offline_only(offline: bool, base_url: str | None = None) -> bool:
    """The offline engine does the work: `offline` asked for, or no API key or base URL to reach
    an LLM."""
    configured = os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")
    return bool(offline or not (configured or base_url))


def choose_engine(
    *,
    offline: bool = False,
    model: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    concurrency: int = 8,
    rpm: float | None = None,
    max_tokens: int | None = None,
) -> tuple[Any, Any]:
    """(engine, offline engine): the LLM when a key or base URL is configured (and `offline` is
    not asked for), else the offline engine twice."""
    if offline_only(offline, base_url):
        from paperbrief.engines.offline.engine import OfflineEngine

        if offline:
            log.info("using the offline engine (--offline)")
        else:
            log.info("no OPENAI_API_KEY or OPENAI_BASE_URL: using the offline engine")
        engine = OfflineEngine()
        return engine, engine
    from paperbrief.engines.llm.engine import DEFAULT_TIMEOUT, llm_engine_from_env
    from paperbrief.engines.offline.lazy import LazyOfflineEngine
    from paperbrief.ratelimit import RateLimiter

    fallback = LazyOfflineEngine()  # imported if and when needed, not before
    engine = llm_engine_from_env(
        model=model,
        base_url=base_url,
        fallback=fallback,
        timeout=timeout or DEFAULT_TIMEOUT,
        limiter=RateLimiter(concurrency, rpm=rpm),
        max_tokens=max_tokens,
    )
    if engine is None:
        return fallback.engine, fallback.engine
    log.info("using model %s", engine.name)
    return engine, fallback


def check_priced(engine: Any) -> None:
    """A cost limit needs the model's price: refused (exit 2) when it is unknown."""
    from paperbrief.pricing import find_price, unpriced_message

    prices = getattr(engine, "prices", None)
    if prices is None:  # the offline engine costs nothing
        return
    if find_price(prices, engine.model) is None:
        raise UsageError(f"--max-cost: {unpriced_message(engine.model)}")
    engine.cost_limited = True


def failure_cooldown(hours: float | None = None) -> float:
    """Hours of the failure cooldown: `hours`, else $PAPERBRIEF_FAILURE_COOLDOWN, else 24."""
    if hours is not None:
        return float(hours)
    raw = os.environ.get(COOLDOWN_ENV, "").strip()
    if not raw:
        return 24.0
    try:
        return cooldown_hours(raw)
    except ValueError as exc:
        raise UsageError(f"${COOLDOWN_ENV}: {exc}") from None


def make_pipeline(
    engines: tuple[Any, Any],
    store: Any,
    run_id: int,
    *,
    concurrency: int = 8,
    refresh: bool = False,
    max_calls: int | None = None,
    max_cost: float | None = None,
    progress: Callable[[str], None] | None = None,
    cooldown_hours: float | None = None,
) -> Any:
    """The pipeline of one run over `engines` (from choose_engine), writing to `store`."""
    from paperbrief.run.pipeline import Budget, Pipeline

    cooldown = timedelta(hours=failure_cooldown(cooldown_hours))
    engine, offline = engines
    if max_cost is not None:
        check_priced(engine)
    return Pipeline(
        engine,
        offline,
        store=store,
        run_id=run_id,
        concurrency=concurrency,
        refresh=refresh,
        budget=Budget(max_calls=max_calls, max_cost=max_cost),
        progress=progress,
        failure_cooldown=cooldown,
    )
