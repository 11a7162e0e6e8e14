"""Engines write takeaways and comparisons: `offline` (extractive, the default) and `llm`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from paperbrief.models import CallRecord, Comparison, Paper, Takeaway

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """An engine's result with the model calls it took (none for the offline engine)."""

    value: T
    calls: list[CallRecord] = field(default_factory=list)


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str  # "offline" or the model's name: part of every cache key
    takeaway_version: str  # prompt/algorithm version of takeaways: part of the cache key
    comparison_version: str

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]: ...

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]: ...
