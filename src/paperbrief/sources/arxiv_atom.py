"""arXiv API Atom feeds (2016 and 2026 formats) and the error feed arXiv answers with."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.sources.arxiv_ids import abs_url, arxiv_id, arxiv_version
from paperbrief.sources.dates import iso_date
from paperbrief.sources.listing import Collector, Listing
from paperbrief.sources.safe_xml import child_text, children, local_name, parse_xml
from paperbrief.text import slugify, squash


def is_atom(root: Element) -> bool:
    """Whether `root` is an Atom feed."""
    return local_name(root.tag) == "feed"


def parse_arxiv_atom(text: str, origin: str) -> Listing:
    """Papers of an arXiv API Atom feed; an InputError for arXiv's error feed."""
    root = parse_xml(text, origin)
    if not is_atom(root):
        raise InputError(f"{origin}: not an Atom feed (root element <{local_name(root.tag)}>)")
    return atom_listing(root, origin)


def atom_listing(root: Element, origin: str) -> Listing:
    """Papers of an already parsed Atom feed."""
    entries = children(root, "entry")
    _raise_api_error(entries, origin)
    collected = Collector(origin)
    for number, entry in enumerate(entries, start=1):
        _read_entry(entry, number, collected)
    return collected.finish()


def _raise_api_error(entries: list[Element], origin: str) -> None:
    for entry in entries:
        entry_id = child_text(entry, "id")
        if "/api/errors" in entry_id or squash(child_text(entry, "title")) == "Error":
            message = squash(child_text(entry, "summary")) or entry_id
            raise InputError(f"{origin}: arXiv API error: {message}")


def _alternate_link(entry: Element) -> str | None:
    for link in children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _read_entry(entry: Element, number: int, collected: Collector) -> None:
    title = squash(child_text(entry, "title"))
    abstract = squash(child_text(entry, "summary") or child_text(entry, "content"))
    where = f"entry {number}" + (f" ({title[:60]})" if title else "")
    if not abstract:
        collected.skip(where, "no abstract")
        return
    raw_id = child_text(entry, "id")
    link = _alternate_link(entry)
    paper_id = arxiv_id(raw_id) or arxiv_id(link)
    if paper_id is None and not title:
        collected.skip(where, "no arXiv id and no title")
        return
    authors = [squash(child_text(a, "name")) for a in children(entry, "author")]
    primary = [e.get("term", "") for e in entry if local_name(e.tag) == "primary_category"]
    collected.add(
        Paper(
            id=paper_id or slugify(title),
            title=title,
            abstract=abstract,
            authors=[a for a in authors if a],
            published=iso_date(child_text(entry, "published") or child_text(entry, "updated")),
            url=abs_url(paper_id) if paper_id else link,
            source=collected.origin,
            version=arxiv_version(raw_id, link),
        ),
        {"primary_category": primary[0] if primary else ""},
    )
