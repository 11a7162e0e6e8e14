"""The text of a Hugging Face Daily Papers web page: title, abstract, optional metadata block."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from paperbrief.errors import InputError
from paperbrief.models import Paper, Period
from paperbrief.sources.dates import month_number
from paperbrief.sources.listing import Collector, Listing
from paperbrief.text import slugify, squash

_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PAGE_DATE = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:,\s*(\d{{4}}))?$")
_PAGE_DATE_DAY_FIRST = re.compile(rf"^(\d{{1,2}})\.?\s+{_MONTH}(?:,?\s*(\d{{4}}))?$")
_PAPER_DATE = re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),\s*(\d{{4}})(?:\s+(\d+))?$")
_AUTHORS = re.compile(r"^[•·*\-]?\s*(\d+)\s+authors?$")
_SEPARATOR = frozenset({"·", "•"})
MAX_TITLE_CHARS = 400
MIN_ABSTRACT_WORDS = 15  # where structure alone cannot tell (before the first paper, after the
# last metadata block), an abstract is prose of at least this many words; header lines are shorter
_COMPLETE = (".", "!", "?", ")", "]", '"', "'", "\u201d", "\u2019", "\u2026")
_URL_END = re.compile(r"https?://\S+$")


def looks_like_hf_page(text: str) -> bool:
    """Whether `text` reads like a copied Daily Papers page."""
    lines = [line.strip() for line in text.splitlines()]
    authors = sum(1 for line in lines if _AUTHORS.match(line))
    separators = sum(1 for line in lines if line == "·")
    return authors > 0 or separators > 0 or "daily papers" in {line.lower() for line in lines}


@dataclass
class _Meta:
    author_count: str | None = None  # digits as written: Collector.count bounds them
    organization: str | None = None
    published: date | None = None
    upvotes: str | None = None


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
            meta.author_count = match[1]
        elif match := _PAPER_DATE.match(line):
            meta.published = _date(match[1], match[2], match[3])
            meta.upvotes = match[4]
        else:
            # An organisation line: the org's handle, then its display name ("apple Apple").
            handle, _, name = line.partition(" ")
            meta.organization = squash(name) or handle
    return meta


def _page_date(paragraph: list[str]) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a page-date line: 'Mar 5', 'Mar 5, 2024', '5 Mar'."""
    if len(paragraph) != 1:
        return None
    if match := _PAGE_DATE.match(paragraph[0]):
        name, day, year = match[1], match[2], match[3]
    elif match := _PAGE_DATE_DAY_FIRST.match(paragraph[0]):
        day, name, year = match[1], match[2], match[3]
    else:
        return None
    month = month_number(name)
    return (month, int(day), int(year) if year else None) if month else None


def infer_page_date(month: int, day: int, today: date) -> date | None:
    """The page's date when it shows no year: the latest `month`/`day` not after `today`.

    The site writes the year only on pages of past years, so a page without one is of the year it
    was copied in: today's, or last year's for a day still ahead in this year. Never a future year.
    """
    for year in range(today.year, today.year - 9, -1):  # Feb 29 looks back to a leap year
        with contextlib.suppress(ValueError):
            candidate = date(year, month, day)
            if candidate <= today:
                return candidate
    return None


def _words(paragraph: list[str]) -> str:
    return squash(" ".join(paragraph))


def _is_title(paragraph: list[str]) -> bool:
    text = _words(paragraph)
    return 0 < len(text) <= MAX_TITLE_CHARS and _meta(paragraph) is None


def _is_prose(paragraph: list[str], title: list[str]) -> bool:
    """Whether `paragraph` reads as an abstract (sentences, much longer than a header line)."""
    text = _words(paragraph)
    return (
        len(text.split()) >= MIN_ABSTRACT_WORDS
        and len(text) > len(_words(title))
        and _meta(paragraph) is None
    )


def _is_meta(paragraph: list[str]) -> bool:
    return _meta(paragraph) is not None and not _page_date(paragraph)


def _starts_paper(paragraphs: list[list[str]], i: int) -> bool:
    """A paper block starts at `i`: a title followed by an abstract, or by a metadata block."""
    if not _is_title(paragraphs[i]) or _page_date(paragraphs[i]) or i + 1 >= len(paragraphs):
        return False
    following = paragraphs[i + 1]
    if _is_meta(following) or _is_prose(following, paragraphs[i]):
        return True
    return i + 2 < len(paragraphs) and _is_meta(paragraphs[i + 2])


def _paper_span(paragraphs: list[list[str]]) -> tuple[int, int]:
    """[first, end) of the paragraphs that hold papers; the rest is the page's header and footer.

    Anchored on the structure of paper blocks (title, abstract, optional metadata block), never
    on the wording of the header: the first paper is the first title followed by an abstract or
    by a metadata block, after the page's date line if there is one; after the last metadata
    block only title-and-abstract pairs follow.
    """
    n = len(paragraphs)
    first_meta = next((i for i in range(n) if _is_meta(paragraphs[i])), n)
    dated = next((i for i in range(first_meta) if _page_date(paragraphs[i])), -1)
    first = next((i for i in range(dated + 1, n) if _starts_paper(paragraphs, i)), n)
    metas = [i for i in range(first, n) if _is_meta(paragraphs[i])]
    end = metas[-1] + 1 if metas else first
    while end + 1 < n and _is_title(paragraphs[end]) and _is_prose(
        paragraphs[end + 1], paragraphs[end]
    ):
        end += 2
    return first, end


def _cut_off(text: str, block: list[list[str]], rest: list[list[str]]) -> str | None:
    """Why the page looks cut off mid-paper (copied or downloaded in part), else None.

    Only a page without a final newline can be cut; then the papers' part (`block`) must end on a
    complete metadata block or an abstract's final punctuation (or web address), and the text
    after it (`rest`) must not be a lone title right after a metadata block.
    """
    if text.endswith(("\n", "\r")) or not block:
        return None
    last = block[-1]
    if (meta := _meta(last)) is not None:
        if not meta.published:
            return "its last metadata block has no date"
        if len(rest) == 1 and _is_title(rest[0]):
            return f"its last title has no abstract ({_words(rest[0])[:60]!r})"
        return None
    words = _words(last)
    if rest or words.endswith(_COMPLETE) or _URL_END.search(words):
        return None
    return f"the last abstract stops mid-sentence ('…{words[-40:]}')"


def parse_hf_page(text: str, origin: str, *, today: date | None = None) -> Listing:
    """Papers of a Daily Papers page's text; the page date becomes the listing's period.

    A page that ends mid-paper (no final newline, last abstract without its final punctuation,
    or a title or metadata block cut short) is an InputError: a part of a page is not a listing.
    """
    collected = Collector(origin)
    paragraphs = _paragraphs(text)
    first, end = _paper_span(paragraphs)
    page_day = next((found for p in paragraphs[:first] if (found := _page_date(p))), None)
    if reason := _cut_off(text, paragraphs[first:end], paragraphs[end:]):
        raise InputError(f"{origin}: the page looks cut off: {reason}; copy the whole page again")
    title: str | None = None
    abstract: str | None = None
    number = 0

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
                    author_count=collected.count(meta.author_count, "author count", where),
                    organization=meta.organization,
                    published=meta.published,
                    upvotes=collected.count(meta.upvotes, "upvotes", where),
                    source=origin,
                )
            )
        title = abstract = None

    for paragraph in paragraphs[first:end]:
        meta = _meta(paragraph)
        if meta is not None:
            if title is None:
                collected.warn(f"metadata block '{_words(paragraph)[:60]}' without a paper")
            flush(meta)
            continue
        if title is not None and abstract is None:
            abstract = _words(paragraph)
            continue
        flush(None)
        candidate = _words(paragraph)
        number += 1
        if len(candidate) > MAX_TITLE_CHARS:
            collected.skip(f"entry {number} ({candidate[:60]})", "no title")
            continue
        title = candidate
    flush(None)

    return collected.finish(_period(page_day, today or datetime.now(UTC).date()))


def _period(page_day: tuple[int, int, int | None] | None, today: date) -> Period | None:
    if page_day is None:
        return None
    month, day, year = page_day
    try:
        when = date(year, month, day) if year else infer_page_date(month, day, today)
    except ValueError:
        when = None
    if when is None:
        return Period(label=f"{date(2000, month, 1):%b} {day}")
    return Period(start=when, end=when, label=f"{when:%b} {when.day}, {when.year}")
