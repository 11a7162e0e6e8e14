"""Pydantic schemas: the contract between sources, engines, store and renderers.

Length and count limits live here and nowhere else, so that the strict JSON schema sent to an
LLM and the validation of its answer come from one source of truth.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paperbrief.safe_text import clean_tree, web_url

TAKEAWAY_MAX_WORDS = 30
LINE_MAX_CHARS = 300
FIELD_MAX_CHARS = 400
MAX_KEY_NUMBERS = 5
MAX_TAGS = 6
MAX_DIFFERENCES = 5
# The offline engine reads at most this much of a paper (arXiv caps abstracts at 1,920
# characters): the rest of a hostile 1 MB abstract is never scanned.
ABSTRACT_MAX_CHARS = 10_000
TITLE_MAX_CHARS = 1_000
# a prefer line no fact supports (the offline engine writes it rather than guess): not shown
NO_PREFERENCE = "No fact in the abstracts favours this paper."

ARXIV_ID_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})$", re.ASCII)

ContributionType = Literal[
    "method", "benchmark", "dataset", "system", "analysis", "survey", "position", "other"
]

OneLine = Annotated[str, Field(min_length=1, max_length=LINE_MAX_CHARS)]
Short = Annotated[str, Field(min_length=1, max_length=FIELD_MAX_CHARS)]


def _single_line(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


def count_words(text: str) -> int:
    """Number of whitespace-separated words in `text`."""
    return len(text.split())


class Paper(BaseModel):
    """One paper as read from a source, before any engine has seen it."""

    id: str = Field(description="arXiv id without version where known, else a stable slug")
    title: str = ""
    abstract: str
    authors: list[str] = Field(default_factory=list)
    author_count: int | None = Field(
        default=None, description="number of authors when the source gives only a count"
    )
    organization: str | None = None
    published: date | None = None
    url: str | None = None
    upvotes: int | None = None
    source: str = Field(description="where the paper was read from, e.g. a path or 'hf:2026-03-16'")
    version: int | None = Field(
        default=None,
        exclude=True,
        description="the arXiv version the source named (2 for v2): the newest one's title and "
        "abstract win when records of one paper merge; not stored or printed",
    )

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data: object) -> object:
        """No control or bidi characters in any text; a link only if it is http(s)."""
        if isinstance(data, dict):
            data = clean_tree(data)
            if "url" in data:
                data["url"] = web_url(data["url"]) if isinstance(data["url"], str) else None
        return data

    @property
    def arxiv_id(self) -> str | None:
        return self.id if ARXIV_ID_RE.match(self.id) else None

    @property
    def n_authors(self) -> int | None:
        if self.authors:
            return len(self.authors)
        return self.author_count

    @property
    def display_title(self) -> str:
        return self.title or f"Untitled ({self.id})"

    @property
    def content_hash(self) -> str:
        """Hash of what an engine reads (title and abstract), used as a cache key."""
        text = " ".join(self.title.split()) + "\n" + " ".join(self.abstract.split())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class KeyNumber(BaseModel):
    """A number from the abstract with the words that say what it measures."""

    model_config = ConfigDict(extra="forbid")
    value: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="the number exactly as written in the abstract, with its unit, e.g. '71.9%'"
    )
    context: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="the abstract's words around the number saying what it measures"
    )


class TakeawayDraft(BaseModel):
    """What an engine writes about one paper (the LLM's answer schema)."""

    model_config = ConfigDict(extra="forbid")
    takeaway: OneLine = Field(
        description=f"one line, at most {TAKEAWAY_MAX_WORDS} words: what the paper contributes "
        "and its headline result"
    )
    problem: Short = Field(description="the problem the paper addresses, one sentence")
    method: Short = Field(description="how the paper approaches it, one sentence")
    result: Short = Field(description="the main result, one sentence")
    key_numbers: list[KeyNumber] = Field(
        max_length=MAX_KEY_NUMBERS,
        description="headline numbers quoted from the abstract (empty if it gives none)",
    )
    contribution_type: ContributionType
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        max_length=MAX_TAGS, description="short lowercase topic tags"
    )

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data: object) -> object:
        return clean_tree(data) if isinstance(data, dict) else data

    @field_validator("takeaway", "problem", "method", "result")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return _single_line(value)

    @field_validator("takeaway")
    @classmethod
    def _word_limit(cls, value: str) -> str:
        n = count_words(value)
        if n > TAKEAWAY_MAX_WORDS:
            raise ValueError(f"takeaway has {n} words; at most {TAKEAWAY_MAX_WORDS} allowed")
        return value


class Takeaway(TakeawayDraft):
    """A takeaway with the provenance stored beside it."""

    model_config = ConfigDict(extra="forbid")
    paper_id: str
    engine: str = Field(description="'offline' or the model's name")
    prompt_version: str
    fallback_reason: str | None = Field(
        default=None, description="why the offline engine stood in for the LLM, if it did"
    )


class Difference(BaseModel):
    """One aspect on which two papers differ."""

    model_config = ConfigDict(extra="forbid")
    aspect: Annotated[str, Field(min_length=1, max_length=60)]
    a: Short = Field(description="paper A on this aspect")
    b: Short = Field(description="paper B on this aspect")


class ComparisonDraft(BaseModel):
    """What an engine writes about a pair of papers (the LLM's answer schema)."""

    model_config = ConfigDict(extra="forbid")
    summary: OneLine = Field(description="one line: how the two papers relate")
    shared_ground: Short = Field(description="what both papers have in common")
    differences: list[Difference] = Field(min_length=1, max_length=MAX_DIFFERENCES)
    prefer_a_when: Short = Field(description="when a reader should turn to paper A")
    prefer_b_when: Short = Field(description="when a reader should turn to paper B")

    @property
    def prefer_a(self) -> str:
        """The prefer line for A as shown: '' when no fact supports one (NO_PREFERENCE)."""
        return "" if self.prefer_a_when == NO_PREFERENCE else self.prefer_a_when

    @property
    def prefer_b(self) -> str:
        """The prefer line for B as shown: '' when no fact supports one (NO_PREFERENCE)."""
        return "" if self.prefer_b_when == NO_PREFERENCE else self.prefer_b_when

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data: object) -> object:
        return clean_tree(data) if isinstance(data, dict) else data

    @field_validator("summary")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return _single_line(value)


class Comparison(ComparisonDraft):
    """A comparison with the provenance stored beside it."""

    model_config = ConfigDict(extra="forbid")
    paper_a: str
    paper_b: str
    engine: str
    prompt_version: str
    fallback_reason: str | None = None


class Usage(BaseModel):
    """Tokens and cost of LLM calls, summed."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_tokens += other.cached_tokens
        self.cost_usd += other.cost_usd


class Period(BaseModel):
    """The span of publication dates a digest covers."""

    start: date | None = None
    end: date | None = None
    label: str = Field(description="human title, e.g. '2026-W48' or 'Mar 5, 2026'")


class Topic(BaseModel):
    name: str
    paper_ids: list[str]


class DigestStats(BaseModel):
    papers: int = 0
    takeaways: int = 0
    comparisons: int = 0
    engine: str = "offline"
    fallbacks: int = 0
    extractive_by_design: int = Field(
        default=0, description="takeaways left to the offline engine on purpose (not detailed)"
    )
    usage: Usage = Field(default_factory=Usage)
    problems: list[str] = Field(default_factory=list, description="what went wrong, one per line")
    provisional: str | None = Field(
        default=None, description="why this digest will be rewritten (e.g. a pending batch)"
    )

    @field_validator("problems")
    @classmethod
    def _safe_text(cls, value: list[str]) -> list[str]:
        return clean_tree(value)


class RankedPaper(BaseModel):
    """A paper's place in the digest's ranking, with the reasons for its score."""

    paper_id: str
    score: float
    reasons: list[str] = Field(default_factory=list)
    excluded: bool = False


class Digest(BaseModel):
    """Everything a renderer needs for one weekly digest."""

    period: Period
    papers: list[Paper]
    takeaways: dict[str, Takeaway] = Field(description="by paper id")
    comparisons: list[Comparison]
    topics: list[Topic]
    unrelated: list[str] = Field(
        default_factory=list,
        description="ids of the papers with no closely related paper this week (no comparison)",
    )
    stats: DigestStats
    ranked_by: Literal["interests", "upvotes", "listing"] = Field(
        default="listing", description="what orders the detailed part"
    )
    ranking: list[RankedPaper] = Field(
        default_factory=list, description="every paper, best first (empty: listing order)"
    )
    detailed: list[str] | None = Field(
        default=None, description="ids of the papers shown in detail (the top N); None: all"
    )
    compared_with: dict[str, str] = Field(
        default_factory=dict,
        description="detailed paper id -> id of its most related paper (its one-line comparison)",
    )
    seen_before: list[str] = Field(
        default_factory=list,
        description="ids of papers this reader saw in detail in an earlier digest (one line each)",
    )
    serve_url: str | None = Field(
        default=None,
        description="address of `paperbrief serve`: 'more like this' / 'not for me' links",
    )
    updated: dict[str, str] = Field(
        default_factory=dict,
        description="paper id -> what changed since the reader saw it, e.g. 'updated (v2): "
        "abstract changed'",
    )


class CallRecord(BaseModel):
    """One HTTP call to a model, as logged in the store."""

    kind: Literal["takeaway", "comparison", "embedding"]
    subject: str = Field(
        description="paper id, 'a_id|b_id' for a comparison, 'first_id +N' for an embeddings batch"
    )
    model: str
    prompt_version: str
    attempt: int = 1
    status: Literal["ok", "repaired", "invalid", "ungrounded", "refusal", "length", "error"] = (
        "ok"
    )
    error: str | None = Field(
        default=None, description="why the answer was rejected, or what was repaired locally"
    )
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    duration_s: float = 0.0
    started: datetime | None = Field(default=None, description="when the HTTP attempt began (UTC)")

    @field_validator("prompt_tokens", "completion_tokens", "cached_tokens", mode="before")
    @classmethod
    def _bounded_tokens(cls, value: Any) -> int:
        """A server's absurd usage (10**30 tokens) is clamped, so the paid answer is stored."""
        from paperbrief.pricing import clamp_tokens

        return clamp_tokens(value)

    @field_validator("cost_usd", mode="before")
    @classmethod
    def _finite_cost(cls, value: Any) -> float:
        """Never NaN, infinite or negative: the call log must accept it and the budget hold."""
        try:
            cost = float(value)
        except (TypeError, ValueError, OverflowError):
            return 0.0
        return 0.0 if math.isnan(cost) or cost < 0 else min(cost, 1e12)

    @property
    def usage(self) -> Usage:
        """This one call's share of a run's usage."""
        return Usage(
            calls=1,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cached_tokens=self.cached_tokens,
            cost_usd=self.cost_usd,
        )
