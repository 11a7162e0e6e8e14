"""arXiv RSS 2.0 announcement feeds: 'arXiv:<id>vN Announce Type: new' descriptions."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.sources.arxiv_ids import abs_url, arxiv_id
from paperbrief.sources.dates import rfc822_date
from paperbrief.sources.listing import Collector, Listing
from paperbrief.sources.safe_xml import child_text, children, local_name, parse_xml
from paperbrief.text import slugify, squash

_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*"
    r"(?:Abstract:\s*)?(?P<abstract>.*)$",
    re.DOTALL,
)
_AUTHOR_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_TAGS = re.compile(r"<[^>]+>")


def is_rss(root: Element) -> bool:
    """Whether `root` is an RSS 2.0 document."""
    return local_name(root.tag) == "rss"


def parse_arxiv_rss(text: str, origin: str) -> Listing:
    """Papers of an arXiv RSS 2.0 feed, with each one's announce type in `extras`."""
    root = parse_xml(text, origin)
    if not is_rss(root):
        raise InputError(f"{origin}: not an RSS 2.0 feed (root element <{local_name(root.tag)}>)")
    return rss_listing(root, origin)


def rss_listing(root: Element, origin: str) -> Listing:
    """Papers of an already parsed RSS 2.0 document."""
    collected = Collector(origin)
    channel = children(root, "channel")
    items = children(channel[0], "item") if channel else []
    channel_date = rfc822_date(child_text(channel[0], "pubDate")) if channel else None
    for number, item in enumerate(items, start=1):
        _read_item(item, number, collected, channel_date)
    return collected.finish()


def split_authors(creator: str) -> list[str]:
    """'A, B, and C' -> ['A', 'B', 'C']."""
    return [name for name in (squash(n) for n in _AUTHOR_SPLIT.split(creator)) if name]


def _read_item(item: Element, number: int, collected: Collector, channel_date) -> None:
    title = squash(child_text(item, "title"))
    description = child_text(item, "description")
    where = f"item {number}" + (f" ({title[:60]})" if title else "")
    match = _DESCRIPTION.match(description)
    announce_type = child_text(item, "announce_type").strip()
    if match:
        abstract = squash(match["abstract"])
        paper_id = arxiv_id(match["id"])
        announce_type = announce_type or match["type"]
    else:
        abstract = squash(_TAGS.sub(" ", description))
        paper_id = None
    link = squash(child_text(item, "link")) or None
    paper_id = paper_id or arxiv_id(link) or arxiv_id(child_text(item, "guid"))
    if not abstract:
        collected.skip(where, "no abstract")
        return
    if paper_id is None and not title:
        collected.skip(where, "no arXiv id and no title")
        return
    authors = [a for c in children(item, "creator") for a in split_authors(c.text or "")]
    collected.add(
        Paper(
            id=paper_id or slugify(title),
            title=title,
            abstract=abstract,
            authors=authors,
            published=rfc822_date(child_text(item, "pubDate")) or channel_date,
            url=abs_url(paper_id) if paper_id else link,
            source=collected.origin,
        ),
        {
            "announce_type": announce_type,
            "categories": ",".join(squash(c.text or "") for c in children(item, "category")),
        },
    )
