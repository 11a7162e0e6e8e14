"""The LLM engine's call records: a takeaway or comparison request in progress (`Job`) and the
`CallRecord` of each of its attempts, priced by the model's price (the Batch API's half price for
a paid batch answer). `CallRecords` is a base of `engine.LLMEngine`; each record goes to the
engine's `call_log` as soon as its attempt returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from paperbrief.engines.llm.prompts import Message
from paperbrief.engines.llm.reply import Reply, redact
from paperbrief.models import CallRecord
from paperbrief.pricing import Price, find_price, unpriced_message

log = logging.getLogger("paperbrief.llm")


@dataclass
class Job:
    """One takeaway or comparison request in progress."""

    kind: str
    subject: str
    version: str
    build: Callable[[bool], list[Message]]
    output: type[BaseModel]
    source: str
    calls: list[CallRecord]


class CallRecords:
    """Records the attempts of each Job, priced, and hands them to `call_log` (a base of
    LLMEngine, which sets these attributes)."""

    model: str
    prices: dict[str, Price]
    cost_limited: bool
    call_log: Callable[[CallRecord], None] | None
    _lock: threading.Lock
    _unpriced: set[str]

    def _emit(self, job: Job, record: CallRecord) -> None:
        job.calls.append(record)
        if self.call_log is not None:
            self.call_log(record)

    def _warn_unpriced(self, model: str) -> None:
        """Once per model: loud (stderr, even from cron) when --max-cost relies on it."""
        with self._lock:
            if model in self._unpriced:
                return
            self._unpriced.add(model)
        level = logging.WARNING if self.cost_limited else logging.INFO
        log.log(level, "%s; counted as $0 this run", unpriced_message(model))

    def _error(self, job: Job, start: float, started: datetime, message: str) -> None:
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
        job: Job,
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

