"""Engines write takeaways and comparisons: `offline` (extractive, the default) and `llm`.

It may import only the shared top-level modules (models, errors, text,
numbers, ...); `engines/offline/` and `engines/llm/` import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from paperbrief.models import CallRecord, Comparison, Paper, Takeaway

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """An engine's result with the model calls it took (none for the offline engine).

    `logged`: the calls were already handed to the engine's `call_log` as they happened (the
    pipeline must not log them again). `remember_failure`: the value is a fallback because the
    model's answers failed (not an outage or a budget), so the item waits out the failure
    cooldown before it is paid for again.
    """

    value: T
    calls: list[CallRecord] = field(default_factory=list)
    logged: bool = False
    remember_failure: bool = False


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str  # "offline" or the model's name: part of every cache key
    takeaway_version: str  # prompt/algorithm version of takeaways: part of the cache key
    comparison_version: str

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]: ...

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]: ...
