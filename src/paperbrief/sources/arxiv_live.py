"""arXiv fetched live, politely: the export API (paged, deduplicated) or today's RSS feed.

Export API: `GET {PAPERBRIEF_ARXIV_API}?search_query=…&sortBy=submittedDate&sortOrder=ascending&
start=…&max_results=…` (default http://export.arxiv.org/api/query), one request every three
seconds. The window becomes `submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]` (GMT, the first
version's submission), ANDed with `cat:CATEGORY` (several categories are ORed) or with the user's
own query. Cross-listed papers match `cat:` like primary ones; ids lose their version (a replaced
paper is one paper); pages are merged by id, so a paper that moves between pages while arXiv
updates is kept once; papers whose first submission lies outside the window are dropped (quietly:
that is the window doing its job). 429/503 are retried with backoff by the HTTP client; an HTTP
400 (a query arXiv rejects) is an InputError carrying arXiv's own one-line explanation.

RSS feed: `GET {PAPERBRIEF_ARXIV_RSS}/CAT+CAT` (default https://rss.arxiv.org/rss) lists the
latest announcement. It fits a window of today alone better than the API: the API dates a paper
by its submission, and what arXiv announces today was submitted on earlier days, while what was
submitted today is not announced yet. From the feed, new papers and cross-lists are kept, dated
by the announcement; replacements are left out (they were announced before, like the API's
papers whose first submission lies outside the window).
"""

from __future__ import annotations

import os
import re
from datetime import date
from xml.etree.ElementTree import Element

from paperbrief.errors import InputError
from paperbrief.http import HttpClient, HttpStatusError
from paperbrief.models import Period
from paperbrief.sources.arxiv_atom import atom_listing, parse_arxiv_atom
from paperbrief.sources.arxiv_ids import abs_url, without_version
from paperbrief.sources.arxiv_rss import rss_listing
from paperbrief.sources.listing import Listing
from paperbrief.sources.live_body import xml_root
from paperbrief.sources.merge import merge
from paperbrief.windows import in_window

DEFAULT_ARXIV_API = "http://export.arxiv.org/api/query"
DEFAULT_ARXIV_RSS = "https://rss.arxiv.org/rss"
FIRST_ANNOUNCED = ("new", "cross", "")  # RSS announce types kept; "" when a feed omits it
ARXIV_GAP_S = 3.0  # arXiv's terms of use: no more than one request every three seconds
ARXIV_PAGE_SIZE = 200
ARXIV_MAX_RESULTS = 10_000  # arXiv does not page past this; a larger window is reported as cut

# at most 12 digits: int() of a hostile 5,000-digit count would raise
_TOTAL_RE = re.compile(r"<(?:\w+:)?totalResults[^>]*>\s*(\d{1,12})\s*<")
_ENTRY_RE = re.compile(r"<(?:\w+:)?entry[\s>]")


def arxiv_api() -> str:
    """The export API URL: $PAPERBRIEF_ARXIV_API, else http://export.arxiv.org/api/query."""
    return os.environ.get("PAPERBRIEF_ARXIV_API") or DEFAULT_ARXIV_API


def arxiv_rss() -> str:
    """The RSS feed base URL: $PAPERBRIEF_ARXIV_RSS, else https://rss.arxiv.org/rss."""
    return (os.environ.get("PAPERBRIEF_ARXIV_RSS") or DEFAULT_ARXIV_RSS).rstrip("/")


def rss_fits(window: Period, today: date) -> bool:
    """Whether `window` is today alone, which the RSS feed covers and the export API cannot."""
    return window.start is not None and window.start >= today


def date_clause(window: Period) -> str:
    """`submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]` for a closed window."""
    if window.start is None or window.end is None:
        raise ValueError("date_clause needs a closed window")
    # zero-padded by hand: strftime's %Y writes the year 1 as '1', not '0001' (glibc)
    start, end = window.start, window.end
    return (f"submittedDate:[{start.year:04d}{start.month:02d}{start.day:02d}0000 TO "
            f"{end.year:04d}{end.month:02d}{end.day:02d}2359]")


def search_query(
    window: Period, *, categories: list[str] | None = None, query: str | None = None
) -> str:
    """The arXiv `search_query` for categories (ORed) or a free query, limited to `window`."""
    if categories:
        cats = " OR ".join(f"cat:{c}" for c in categories)
        subject = cats if len(categories) == 1 else f"({cats})"
    else:
        subject = f"({query})"
    return f"{subject} AND {date_clause(window)}"


def _rejected(exc: HttpStatusError, origin: str) -> InputError:
    detail = ""
    try:
        parse_arxiv_atom(exc.body, origin)
    except InputError as parsed:
        detail = str(parsed).removeprefix(f"{origin}: ")
    detail = detail or (exc.body.strip().splitlines() or [""])[0][:200] or "no explanation"
    return InputError(f"{origin}: arXiv API rejected the query (HTTP {exc.status}): {detail}")


def _api_feed(
    client: HttpClient, params: dict[str, object], origin: str
) -> tuple[Element, str]:
    """The export API's Atom feed for `params` (root element and text).

    A 4xx is arXiv rejecting the query (InputError with its explanation); a 200 whose body is not
    an Atom feed (a captive portal's page) is a SourceFetchError, so the source is skipped.
    """
    try:
        response = client.get(
            arxiv_api(), params, min_interval=ARXIV_GAP_S, accept="application/atom+xml"
        )
    except HttpStatusError as exc:
        if 400 <= exc.status < 500:
            raise _rejected(exc, origin) from None
        raise
    return xml_root(response, origin, ("feed",), "an Atom feed"), response.text


def fetch(
    client: HttpClient,
    query: str,
    window: Period,
    origin: str,
    *,
    page_size: int = ARXIV_PAGE_SIZE,
    max_results: int = ARXIV_MAX_RESULTS,
) -> Listing:
    """Every paper matching `query` (which already carries the date clause), within `window`."""
    pages: list[Listing] = []
    warnings: list[str] = []
    start = 0
    while True:
        params = {
            "search_query": query,
            "sortBy": "submittedDate",
            "sortOrder": "ascending",
            "start": start,
            "max_results": page_size,
        }
        root, text = _api_feed(client, params, origin)
        pages.append(atom_listing(root, origin))
        found = len(_ENTRY_RE.findall(text))
        total_match = _TOTAL_RE.search(text)
        total = int(total_match.group(1)) if total_match else None
        start += found
        if found < page_size or (total is not None and start >= total):
            break
        if start >= max_results:
            warnings.append(
                f"{origin}: stopped after {start} papers of {total or 'more'}; "
                "narrow the window to read the rest"
            )
            break
    merged = merge(pages)
    kept = [p for p in merged.papers if in_window(p.published, window)]
    return Listing(
        papers=kept,
        warnings=merged.warnings + warnings,
        period=window,
        extras={p.id: merged.extras[p.id] for p in kept if p.id in merged.extras},
        duplicates=merged.duplicates,
    )


def fetch_rss(client: HttpClient, categories: list[str], window: Period, origin: str) -> Listing:
    """New papers and cross-lists of the latest announcement in `categories`, within `window`."""
    feed_name = "+".join(categories)
    try:
        response = client.get(
            f"{arxiv_rss()}/{feed_name}", min_interval=ARXIV_GAP_S, accept="application/rss+xml"
        )
    except HttpStatusError as exc:
        if 400 <= exc.status < 500:
            raise InputError(
                f"{origin}: arXiv has no RSS feed for {feed_name} (HTTP {exc.status})"
            ) from None
        raise
    feed = rss_listing(xml_root(response, origin, ("rss", "RDF"), "an RSS feed"), origin)
    fresh = [
        p
        for p in feed.papers
        if feed.extras.get(p.id, {}).get("announce_type", "") in FIRST_ANNOUNCED
    ]
    kept = [p for p in fresh if in_window(p.published, window)]
    warnings = list(feed.warnings)
    if fresh and not kept:
        announced = max((p.published for p in fresh if p.published), default="an unknown day")
        warnings.append(
            f"{origin}: the arXiv RSS feed holds the announcement of {announced}, "
            f"not of {window.label}: nothing kept"
        )
    return Listing(
        papers=kept,
        warnings=warnings,
        period=window,
        extras={p.id: feed.extras[p.id] for p in kept if p.id in feed.extras},
        duplicates=feed.duplicates,
    )


def fetch_ids(client: HttpClient, ids: list[str], origin: str = "arXiv") -> Listing:
    """The papers named by `ids` (versions kept as asked), in one `id_list` request.

    arXiv answers an id it does not know with a feed that simply lacks it (not an error), so the
    caller compares what came back with what it asked for. A paper asked for at a version keeps
    that version in its URL, so a cache can tell which version it holds.
    """
    params = {"id_list": ",".join(ids), "start": 0, "max_results": len(ids)}
    listing = atom_listing(_api_feed(client, params, origin)[0], origin)
    asked = {without_version(i): i for i in ids}
    listing.papers = [
        p.model_copy(update={"url": abs_url(asked[p.id])}) if asked.get(p.id, p.id) != p.id else p
        for p in listing.papers
    ]
    return listing
