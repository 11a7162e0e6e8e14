"""The result of reading one source: papers, one-line warnings, and the period the source names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from paperbrief.errors import InputError
from paperbrief.latex import plain_text
from paperbrief.models import Paper, Period
from paperbrief.text import normalize_title

MAX_WARNINGS = 20
"""Warnings kept per source; the rest are counted in one last line (on stderr and in the footer)."""


@dataclass
class Listing:
    """Papers read from one or more sources, with what was skipped and why."""

    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)
    period: Period | None = None
    extras: dict[str, dict[str, str]] = field(default_factory=dict)
    """Source details a Paper has no field for, by paper id (e.g. arXiv RSS 'announce_type')."""
    duplicates: int = 0
    """How many papers `merge` folded into an earlier one."""


def capped(warnings: list[str], origin: str, limit: int = MAX_WARNINGS) -> list[str]:
    """The first `limit` warnings, then one line counting the others ('… and 4,201 more')."""
    if len(warnings) <= limit + 1:
        return warnings
    rest = len(warnings) - limit
    return [*warnings[:limit], f"{origin}: … and {rest:,} more warnings"]


def distinct_id(paper: Paper) -> str:
    """The paper's id with a suffix from its title, for titles whose truncated slugs collide."""
    digest = hashlib.sha256(normalize_title(paper.title).encode("utf-8")).hexdigest()[:6]
    return f"{paper.id}-{digest}"


MAX_COUNT_DIGITS = 12
"""Counts (upvotes, authors, stars) longer than this are hostile input, not data: an InputError."""


class Collector:
    """Accumulates the entries of one source: kept papers, skipped entries, extras."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.papers: list[Paper] = []
        self.warnings: list[str] = []
        self.extras: dict[str, dict[str, str]] = {}
        self.seen = 0
        self._first_problem: str | None = None
        self._titles: dict[str, str] = {}

    def add(self, paper: Paper, extras: dict[str, str] | None = None) -> None:
        """Keep one paper (its LaTeX made plain) and its extras.

        Same-slug papers with different titles get distinct ids; records of one arXiv id keep it
        (versions of one paper, which `merge` folds into one, the newest version winning).
        """
        self.seen += 1
        plain = {"title": plain_text(paper.title), "abstract": plain_text(paper.abstract)}
        if plain != {"title": paper.title, "abstract": paper.abstract}:
            paper = paper.model_copy(update=plain)
        earlier = self._titles.get(paper.id)
        if earlier is not None and earlier != normalize_title(paper.title) and not paper.arxiv_id:
            paper = paper.model_copy(update={"id": distinct_id(paper)})
        self._titles.setdefault(paper.id, normalize_title(paper.title))
        self.papers.append(paper)
        if extras:
            self.extras[paper.id] = {k: v for k, v in extras.items() if v}

    def count(self, value: object, field: str, where: str) -> int | None:
        """A count read from the source (an int or a string of ASCII digits), else None.

        One with more than MAX_COUNT_DIGITS digits is an InputError naming the file, the entry
        and the field (it could not be stored, and no paper has a trillion upvotes).
        """
        if isinstance(value, str):
            text = value.strip()
            if not (text.isascii() and text.isdigit()):
                return None
            too_big = len(text.lstrip("0")) > MAX_COUNT_DIGITS
        elif isinstance(value, int) and not isinstance(value, bool):
            too_big = abs(value) >= 10**MAX_COUNT_DIGITS
        else:
            return None
        if too_big:
            raise InputError(
                f"{self.origin}: {where}: {field} has more than {MAX_COUNT_DIGITS} digits, "
                "not a plausible count"
            )
        return int(value)

    def skip(self, where: str, reason: str) -> None:
        """Record an unusable entry, e.g. skip('entry 3', 'no abstract')."""
        self.seen += 1
        message = f"{where}: {reason}"
        self.warnings.append(f"{self.origin}: {where} skipped: {reason}")
        if self._first_problem is None:
            self._first_problem = message

    def warn(self, message: str) -> None:
        """Record a problem that did not cost an entry."""
        self.warnings.append(f"{self.origin}: {message}")

    def finish(self, period: Period | None = None) -> Listing:
        """The listing; an InputError if there were entries and none was usable."""
        if self.seen and not self.papers:
            raise InputError(
                f"{self.origin}: no usable paper in {self.seen} "
                f"entr{'y' if self.seen == 1 else 'ies'} ({self._first_problem})"
            )
        return Listing(
            papers=self.papers,
            warnings=capped(self.warnings, self.origin),
            period=period,
            extras=self.extras,
        )
