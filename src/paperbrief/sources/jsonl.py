"""paperbrief's own paper format: one JSON object per line (or a JSON array of them)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.safe_text import brief
from paperbrief.sources.arxiv_ids import abs_url, arxiv_id, arxiv_version
from paperbrief.sources.dates import any_date
from paperbrief.sources.listing import Collector, Listing
from paperbrief.text import slugify, squash

Record = tuple[str, Any]
"""Where an entry stands ('line 3', 'entry 3') and its decoded JSON (or a JSONDecodeError)."""


def read_json_records(text: str, origin: str) -> list[Record] | Any:
    """A whole-document JSON value, or for JSON Lines the list of (where, value) records.

    Nesting too deep for the decoder and integers too long to convert are InputErrors naming
    the file (and the line), not crashes.
    """
    try:
        return loads_bounded(text, origin)
    except json.JSONDecodeError as whole_error:
        if not text.lstrip().startswith("{"):
            raise InputError(f"{origin}: invalid or truncated JSON: {whole_error}") from None
        records: list[Record] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"line {number}", loads_bounded(line, f"{origin}: line {number}")))
            except json.JSONDecodeError as exc:
                if not records:
                    raise InputError(
                        f"{origin}: invalid or truncated JSON: {whole_error}"
                    ) from None
                records.append((f"line {number}", exc))
        return JsonLines(records)


_LONG_INT = re.compile(r"\d{1000,}")


def loads_bounded(text: str, origin: str) -> Any:
    """json.loads, with its limits (nesting depth, integer length) as one-line InputErrors.

    A JSONDecodeError (invalid JSON) passes through for the caller to word.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise InputError(f"{origin}: JSON nested too deeply to read") from None
    except ValueError as exc:  # 'Exceeds the limit (4300 digits) for integer string conversion'
        found = _LONG_INT.search(text)
        where = f" (line {text.count(chr(10), 0, found.start()) + 1})" if found else ""
        raise InputError(
            f"{origin}: a number too long to read{where}: "
            f"{str(exc).split(':')[0].split(';')[0]}"
        ) from None


class JsonLines(list):
    """Records of a JSON Lines file, as opposed to one JSON array."""


def as_records(value: Any) -> list[Record]:
    """(where, object) pairs of a JSON array, a single object, or JSON Lines."""
    if isinstance(value, JsonLines):
        return list(value)
    if isinstance(value, dict) and isinstance(value.get("papers"), list):
        value = value["papers"]
    if isinstance(value, dict):
        return [("entry 1", value)]
    if isinstance(value, list):
        return [(f"entry {n}", item) for n, item in enumerate(value, start=1)]
    return []


def looks_like_paper(obj: object) -> bool:
    """Whether a JSON object is in paperbrief's paper format (has an 'abstract')."""
    return isinstance(obj, dict) and "abstract" in obj


def parse_jsonl(text: str, origin: str) -> Listing:
    """Papers of a paperbrief JSONL file or JSON array."""
    return paper_records_listing(as_records(read_json_records(text, origin)), origin)


def paper_records_listing(records: list[Record], origin: str) -> Listing:
    """Papers of decoded records in paperbrief's format; bad records become warnings."""
    collected = Collector(origin)
    for where, obj in records:
        _read_record(where, obj, collected)
    return collected.finish()


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):
        return [squash(a) for a in value.split(",") if a.strip()]
    if isinstance(value, list):
        return [squash(a) for a in value if isinstance(a, str) and a.strip()]
    return []


def _str(value: Any) -> str:
    return squash(str(value)) if isinstance(value, (str, int, float)) else ""


def _read_record(where: str, obj: Any, collected: Collector) -> None:
    if isinstance(obj, json.JSONDecodeError):
        collected.skip(where, f"invalid JSON ({obj.msg} at column {obj.colno})")
        return
    if not isinstance(obj, dict):
        collected.skip(where, "not a JSON object")
        return
    title = _str(obj.get("title"))
    where = where + (f" ({title[:60]})" if title else "")
    abstract = _str(obj.get("abstract"))
    if not abstract:
        collected.skip(where, "no abstract")
        return
    raw_id = _str(obj.get("id"))
    url = _str(obj.get("url")) or None
    paper_id = arxiv_id(raw_id) or (None if raw_id else arxiv_id(url))
    if paper_id is None:
        paper_id = raw_id or (slugify(title) if title else _abstract_slug(abstract))
    published = obj.get("published")
    if published not in (None, "") and any_date(published) is None:
        collected.warn(f"{where}: unreadable published date {brief(repr(published), 60)} "
                       "ignored")  # a 4 KB value is not echoed whole (issue 28, item 26)
    collected.add(
        Paper(
            id=paper_id,
            title=title,
            abstract=abstract,
            authors=_authors(obj.get("authors")),
            author_count=collected.count(obj.get("author_count"), "author_count", where),
            organization=_str(obj.get("organization")) or None,
            published=any_date(published),
            url=url or (abs_url(paper_id) if arxiv_id(paper_id) == paper_id else None),
            upvotes=collected.count(obj.get("upvotes"), "upvotes", where),
            source=collected.origin,
            version=arxiv_version(raw_id, None if raw_id else url),
        )
    )


def _abstract_slug(abstract: str) -> str:
    digest = hashlib.sha256(abstract.encode("utf-8")).hexdigest()[:10]
    return f"paper-{digest}"
