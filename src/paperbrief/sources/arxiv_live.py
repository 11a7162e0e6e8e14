"""arXiv export API fetched live, politely: one request every three seconds, paged, deduplicated.

`GET {PAPERBRIEF_ARXIV_API}?search_query=…&sortBy=submittedDate&sortOrder=ascending&start=…&
max_results=…` (default http://export.arxiv.org/api/query). The window becomes
`submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]` (GMT, the first version's submission), ANDed with
`cat:CATEGORY` or with the user's own query. Cross-listed papers match `cat:` like primary ones;
ids lose their version (a replaced paper is one paper); pages are merged by id, so a paper that
moves between pages while arXiv updates is kept once; papers whose first submission lies outside
the window are dropped (quietly: that is the window doing its job). 429/503 are retried with
backoff by the HTTP client; an HTTP 400 (a query arXiv rejects) is an InputError carrying
arXiv's own one-line explanation.
"""

from __future__ import annotations

import os
import re

from paperbrief.errors import InputError
from paperbrief.http import HttpClient, HttpStatusError
from paperbrief.models import Period
from paperbrief.sources.arxiv_atom import parse_arxiv_atom
from paperbrief.sources.listing import Listing
from paperbrief.sources.merge import merge
from paperbrief.windows import in_window

DEFAULT_ARXIV_API = "http://export.arxiv.org/api/query"
ARXIV_GAP_S = 3.0  # arXiv's terms of use: no more than one request every three seconds
ARXIV_PAGE_SIZE = 200
ARXIV_MAX_RESULTS = 10_000  # arXiv does not page past this; a larger window is reported as cut

_TOTAL_RE = re.compile(r"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<")
_ENTRY_RE = re.compile(r"<(?:\w+:)?entry[\s>]")


def arxiv_api() -> str:
    """The export API URL: $PAPERBRIEF_ARXIV_API, else http://export.arxiv.org/api/query."""
    return os.environ.get("PAPERBRIEF_ARXIV_API") or DEFAULT_ARXIV_API


def date_clause(window: Period) -> str:
    """`submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]` for a closed window."""
    if window.start is None or window.end is None:
        raise ValueError("date_clause needs a closed window")
    return f"submittedDate:[{window.start:%Y%m%d}0000 TO {window.end:%Y%m%d}2359]"


def search_query(window: Period, *, category: str | None = None, query: str | None = None) -> str:
    """The arXiv `search_query` for a category or a free query, limited to `window`."""
    subject = f"cat:{category}" if category else f"({query})"
    return f"{subject} AND {date_clause(window)}"


def _rejected(exc: HttpStatusError, origin: str) -> InputError:
    detail = ""
    try:
        parse_arxiv_atom(exc.body, origin)
    except InputError as parsed:
        detail = str(parsed).removeprefix(f"{origin}: ")
    detail = detail or (exc.body.strip().splitlines() or [""])[0][:200] or "no explanation"
    return InputError(f"{origin}: arXiv API rejected the query (HTTP {exc.status}): {detail}")


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
        try:
            response = client.get(
                arxiv_api(), params, min_interval=ARXIV_GAP_S, accept="application/atom+xml"
            )
        except HttpStatusError as exc:
            if 400 <= exc.status < 500:
                raise _rejected(exc, origin) from None
            raise
        pages.append(parse_arxiv_atom(response.text, origin))
        found = len(_ENTRY_RE.findall(response.text))
        total_match = _TOTAL_RE.search(response.text)
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
