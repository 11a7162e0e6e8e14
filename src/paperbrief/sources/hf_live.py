"""Hugging Face Daily Papers fetched live: `GET {HF_ENDPOINT}/api/daily_papers?date=YYYY-MM-DD`.

The `date` is the day a paper was *added to Daily Papers* (its `submittedOnDailyAt`), not its
arXiv submission date: `hf:2026-03-16` lists papers featured that day, many of them submitted to
arXiv days earlier (their `Paper.published`). So windows select which days are fetched; papers of
a fetched day are never dropped for an older arXiv date.

A day longer than one page is paged with `limit` and the page index `p` (0-based, as in the
Hub's own examples `?p=0&limit=20&date=…`; the first request sends no `p`); paging stops at a
short page, an empty page or a page with no new paper (so a server counting pages from 1 costs
one extra request, not duplicates). A day with no papers answers `[]`: an empty listing, not an
error. HF_ENDPOINT (default https://huggingface.co) is the variable the Hugging Face tools honour
for mirrors.
"""

from __future__ import annotations

import json
import os
from datetime import date

from paperbrief.http import HttpClient, HttpStatusError, SourceFetchError, short_url
from paperbrief.sources.hf_api import parse_hf_api
from paperbrief.sources.listing import Listing
from paperbrief.sources.live_body import json_list
from paperbrief.sources.merge import merge

DEFAULT_HF_ENDPOINT = "https://huggingface.co"
HF_PAGE_LIMIT = 100  # the API's largest page
MAX_PAGES_PER_DAY = 20


def hf_endpoint() -> str:
    """The Hub base URL: $HF_ENDPOINT, else https://huggingface.co."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT).rstrip("/")


def _hub_error(body: str) -> str:
    """The Hub's own explanation in an error body ({"error": "..."}), else its first line."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return " ".join(data["error"].split())[:200]
    first = body.strip().splitlines()[0] if body.strip() else "no explanation"
    return first[:200]


def _entry_key(entry: object) -> str:
    if isinstance(entry, dict):
        paper = entry.get("paper")
        if isinstance(paper, dict) and paper.get("id"):
            return str(paper["id"])
        if entry.get("id"):
            return str(entry["id"])
    return json.dumps(entry, sort_keys=True)[:500]


def fetch_day_entries(client: HttpClient, day: date, *, page_limit: int = HF_PAGE_LIMIT) -> list:
    """Every raw Daily Papers entry of one day, across pages, without duplicates."""
    url = f"{hf_endpoint()}/api/daily_papers"
    origin = f"hf:{day.isoformat()}"
    entries: list = []
    seen: set[str] = set()
    for page in range(MAX_PAGES_PER_DAY):
        params: dict[str, object] = {"date": day.isoformat(), "limit": page_limit}
        if page:
            params["p"] = page
        try:
            response = client.get(url, params, accept="application/json")
        except HttpStatusError as exc:
            raise SourceFetchError(
                f"{short_url(exc.url)} answered HTTP {exc.status}: {_hub_error(exc.body)}",
                url=exc.url,
                status=exc.status,
            ) from None
        batch = json_list(response, origin)  # HTML, a JSON object…: this source is skipped
        fresh = [e for e in batch if _entry_key(e) not in seen]
        seen.update(_entry_key(e) for e in fresh)
        entries.extend(fresh)
        if len(batch) < page_limit or not fresh:
            break
    return entries


def fetch_days(client: HttpClient, days: list[date], *, page_limit: int = HF_PAGE_LIMIT) -> Listing:
    """Papers of the given Daily Papers days, merged; each paper's source is 'hf:<day>'."""
    listings = []
    for day in days:
        entries = fetch_day_entries(client, day, page_limit=page_limit)
        listings.append(parse_hf_api(entries, f"hf:{day.isoformat()}"))
    return merge(listings)
