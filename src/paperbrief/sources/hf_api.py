"""Hugging Face Daily Papers API JSON (`GET /api/daily_papers?date=…`), every variant 2024-2026."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from paperbrief.errors import InputError
from paperbrief.models import Paper, Period
from paperbrief.sources.arxiv_ids import abs_url, arxiv_id
from paperbrief.sources.dates import iso_date
from paperbrief.sources.jsonl import loads_bounded
from paperbrief.sources.listing import Collector, Listing
from paperbrief.text import slugify, squash


def looks_like_hf_entry(obj: object) -> bool:
    """Whether a JSON object is a Daily Papers entry ({paper: {...}}) or a bare HF paper."""
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("paper"), dict):
        return True
    authors = obj.get("authors")
    return (
        "summary" in obj
        and "abstract" not in obj
        and isinstance(authors, list)
        and all(isinstance(a, dict) for a in authors)
    )


def parse_hf_api(text_or_obj: str | bytes | list | dict, origin: str) -> Listing:
    """Papers of an HF API answer: a JSON text or the already decoded list (or single entry)."""
    data = text_or_obj
    if isinstance(data, (str, bytes)):
        try:
            data = loads_bounded(data if isinstance(data, str) else data.decode(), origin)
        except json.JSONDecodeError as exc:
            raise InputError(f"{origin}: invalid or truncated JSON: {exc}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(f"{origin}: HF API answer is not a list of papers")
    collected = Collector(origin)
    days: Counter = Counter()
    for number, entry in enumerate(data, start=1):
        day = _read_entry(entry, number, collected)
        if day is not None:
            days[day] += 1
    return collected.finish(_period(days))


def _period(days: Counter) -> Period | None:
    if not days:
        return None
    start, end = min(days), max(days)
    label = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    return Period(start=start, end=end, label=label)


def _author_name(author: Any) -> str:
    if isinstance(author, str):
        return squash(author)
    if not isinstance(author, dict):
        return ""
    user = author.get("user") if isinstance(author.get("user"), dict) else {}
    return squash(str(author.get("name") or user.get("fullname") or ""))


def _organization(*candidates: Any) -> str | None:
    for org in candidates:
        if isinstance(org, dict):
            name = org.get("fullname") or org.get("name")
            if isinstance(name, str) and name.strip():
                return squash(name)
        elif isinstance(org, str) and org.strip():
            return squash(org)
    return None


def _text(value: Any) -> str:
    return squash(value) if isinstance(value, str) else ""


def _read_entry(entry: Any, number: int, collected: Collector):
    """Add one entry's paper; return the HF day it was listed on (or None)."""
    if not isinstance(entry, dict):
        collected.skip(f"entry {number}", "not a JSON object")
        return None
    paper = entry.get("paper") if isinstance(entry.get("paper"), dict) else entry
    title = _text(entry.get("title")) or _text(paper.get("title"))
    where = f"entry {number}" + (f" ({title[:60]})" if title else "")
    abstract = _text(paper.get("summary")) or _text(entry.get("summary"))
    if not abstract:
        collected.skip(where, "no abstract")
        return None
    raw_id = paper.get("id")
    raw_id = raw_id.strip() if isinstance(raw_id, str) else ""
    paper_id = arxiv_id(raw_id)
    if not paper_id and not raw_id and not title:
        collected.skip(where, "no id and no title")
        return None
    final_id = paper_id or raw_id or slugify(title)
    authors = paper.get("authors") if isinstance(paper.get("authors"), list) else []
    names = [n for n in (_author_name(a) for a in authors) if n]
    keywords = paper.get("ai_keywords")
    stars = collected.count(paper.get("githubStars"), "githubStars", where)
    collected.add(
        Paper(
            id=final_id,
            title=title,
            abstract=abstract,
            authors=names,
            organization=_organization(entry.get("organization"), paper.get("organization")),
            published=iso_date(paper.get("publishedAt")) or iso_date(entry.get("publishedAt")),
            url=abs_url(paper_id) if paper_id else f"https://huggingface.co/papers/{final_id}",
            upvotes=collected.count(paper.get("upvotes", entry.get("upvotes")), "upvotes", where),
            source=collected.origin,
        ),
        {
            "ai_summary": _text(paper.get("ai_summary")),
            "ai_keywords": ", ".join(k for k in keywords if isinstance(k, str))
            if isinstance(keywords, list)
            else "",
            "github_stars": "" if stars is None else str(stars),
            "github_repo": _text(paper.get("githubRepo")),
        },
    )
    if paper.get("submittedOnDailyAt"):
        return iso_date(paper["submittedOnDailyAt"])
    return iso_date(entry.get("publishedAt")) if paper is not entry else None
