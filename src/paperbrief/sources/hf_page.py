"""The text of a Hugging Face Daily Papers web page: title, abstract, optional metadata block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from paperbrief.models import Paper, Period
from paperbrief.sources.dates import month_number
from paperbrief.sources.listing import Collector, Listing
from paperbrief.text import slugify, squash

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PAGE_DATE = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:,\s*(\d{{4}}))?$")
_PAPER_DATE = re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),\s*(\d{{4}})(?:\s+(\d+))?$")
_AUTHORS = re.compile(r"^[•·*\-]?\s*(\d+)\s+authors?$")
_SEPARATOR = frozenset({"·", "•"})
MAX_TITLE_CHARS = 400


def looks_like_hf_page(text: str) -> bool:
    """Whether `text` reads like a copied Daily Papers page."""
    lines = [line.strip() for line in text.splitlines()]
    authors = sum(1 for line in lines if _AUTHORS.match(line))
    separators = sum(1 for line in lines if line == "·")
    return authors > 0 or separators > 0 or "daily papers" in {line.lower() for line in lines}


@dataclass
class _Meta:
    author_count: int | None = None
    organization: str | None = None
    published: date | None = None
    upvotes: int | None = None


def _paragraphs(text: str) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _date(month: str, day: str, year: str) -> date | None:
    number = month_number(month)
    try:
        return date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def _meta(paragraph: list[str]) -> _Meta | None:
    """The metadata block ('• 4 authors', '·', 'Dec 16, 2025 1'), or None if it is not one."""
    marked = any(line in _SEPARATOR or _PAPER_DATE.match(line) for line in paragraph)
    if not marked and not (len(paragraph) == 1 and _AUTHORS.match(paragraph[0])):
        return None
    meta = _Meta()
    for line in paragraph:
        if line in _SEPARATOR:
            continue
        if match := _AUTHORS.match(line):
            meta.author_count = int(match[1])
        elif match := _PAPER_DATE.match(line):
            meta.published = _date(match[1], match[2], match[3])
            meta.upvotes = int(match[4]) if match[4] else None
        else:
            # An organisation line: the org's handle, then its display name ("apple Apple").
            handle, _, name = line.partition(" ")
            meta.organization = squash(name) or handle
    return meta


def _page_date(paragraph: list[str]) -> tuple[int, int, int | None] | None:
    if len(paragraph) != 1 or not (match := _PAGE_DATE.match(paragraph[0])):
        return None
    month = month_number(match[1])
    return (month, int(match[2]), int(match[3]) if match[3] else None) if month else None


def infer_page_date(month: int, day: int, papers: list[Paper]) -> date | None:
    """The page's date: the first year in which month/day falls on or after the latest paper."""
    dates = [p.published for p in papers if p.published]
    if not dates:
        return None
    latest = max(dates)
    for year in range(latest.year, latest.year + 5):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= latest:
            return candidate
    return None


def parse_hf_page(text: str, origin: str) -> Listing:
    """Papers of a Daily Papers page's text; the page date becomes the listing's period."""
    collected = Collector(origin)
    page_day: tuple[int, int, int | None] | None = None
    title: str | None = None
    abstract: str | None = None
    number = 0
    started = False

    def flush(meta: _Meta | None) -> None:
        nonlocal title, abstract
        if title is None:
            return
        where = f"entry {number} ({title[:60]})"
        if not abstract:
            collected.skip(where, "no abstract")
        else:
            meta = meta or _Meta()
            collected.add(
                Paper(
                    id=slugify(title),
                    title=title,
                    abstract=abstract,
                    author_count=meta.author_count,
                    organization=meta.organization,
                    published=meta.published,
                    upvotes=meta.upvotes,
                    source=origin,
                )
            )
        title = abstract = None

    for paragraph in _paragraphs(text):
        if not started and len(paragraph) == 1 and paragraph[0].lower() in HEADER_LINES:
            continue
        if not started and page_day is None and (found := _page_date(paragraph)):
            page_day = found
            continue
        meta = _meta(paragraph)
        if meta is not None:
            if title is None:
                collected.warn(f"metadata block '{' '.join(paragraph)[:60]}' without a paper")
            flush(meta)
            continue
        started = True
        if title is not None and abstract is None:
            abstract = squash(" ".join(paragraph))
            continue
        flush(None)
        candidate = squash(" ".join(paragraph))
        number += 1
        if len(candidate) > MAX_TITLE_CHARS:
            collected.skip(f"entry {number} ({candidate[:60]})", "no title")
            continue
        title = candidate
    flush(None)

    return collected.finish(_period(page_day, collected.papers))


def _period(page_day: tuple[int, int, int | None] | None, papers: list[Paper]) -> Period | None:
    if page_day is None:
        return None
    month, day, year = page_day
    try:
        when = date(year, month, day) if year else infer_page_date(month, day, papers)
    except ValueError:
        when = None
    if when is None:
        return Period(label=f"{date(2000, month, 1):%b} {day}")
    return Period(start=when, end=when, label=f"{when:%b} {when.day}, {when.year}")
