"""arXiv RSS feeds: RSS 2.0 ('arXiv:<id>vN Announce Type: new') and the RSS 1.0 (RDF) used to 2024.

RSS 1.0 items carry the id in the title ('Title. (arXiv:2101.00001v1 [cs.LG])'), the abstract
as '<p>…</p>' and the authors as links; that format is supported from its documented shape.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.sources.arxiv_ids import abs_url, arxiv_id
from paperbrief.sources.dates import iso_date, rfc822_date
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
_OLD_TITLE = re.compile(
    r"^(?P<title>.*?)\.?\s*\(arXiv:(?P<id>\S+)\s*(?:\[(?P<cat>[^\]]*)\])?[^)]*\)\s*$", re.S
)


def is_rss(root: Element) -> bool:
    """Whether `root` is an RSS 2.0 or RSS 1.0 (RDF) document."""
    return local_name(root.tag) in ("rss", "RDF")


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
    # RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it.
    items = children(channel[0], "item") if channel else []
    items = items or children(root, "item")
    channel_date = None
    if channel:
        channel_date = rfc822_date(child_text(channel[0], "pubDate")) or iso_date(
            child_text(channel[0], "date")
        )
    for number, item in enumerate(items, start=1):
        _read_item(item, number, collected, channel_date)
    return collected.finish()


def split_authors(creator: str) -> list[str]:
    """'A, B, and C' -> ['A', 'B', 'C']."""
    return [name for name in (squash(n) for n in _AUTHOR_SPLIT.split(creator)) if name]


def _read_item(item: Element, number: int, collected: Collector, channel_date) -> None:
    title = squash(child_text(item, "title"))
    old_style = _OLD_TITLE.match(title)
    if old_style:
        title = squash(old_style["title"])
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
        paper_id = arxiv_id(old_style["id"]) if old_style else None
    link = squash(child_text(item, "link")) or None
    paper_id = paper_id or arxiv_id(link) or arxiv_id(child_text(item, "guid"))
    if not abstract:
        collected.skip(where, "no abstract")
        return
    if paper_id is None and not title:
        collected.skip(where, "no arXiv id and no title")
        return
    creators = [_TAGS.sub("", "".join(c.itertext())) for c in children(item, "creator")]
    authors = [a for creator in creators for a in split_authors(creator)]
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
            "categories": ",".join(squash(c.text or "") for c in children(item, "category"))
            or (old_style["cat"] or "" if old_style else ""),
        },
    )
