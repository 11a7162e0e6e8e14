"""Live source specs: `hf:YYYY-MM-DD`, `hf:YYYY-Www`, `arxiv:CAT[+CAT…]`, `arxiv:search:QUERY`.

`hf:today`, `hf:yesterday`, `hf:this-week` and `hf:last-week` (UTC) name a period relative to
the day of the run, so a crontab line needs no date arithmetic.

A spec that names its own period (`hf:` day or week) is its window; the --since/--until/--week
window narrows it further. An `arxiv:` spec is a live feed with no period of its own: it is
limited to the window, or to the last complete ISO week when no window is given. Papers outside
the window are dropped (for `hf:` the window picks the Daily Papers days to fetch; see hf_live).
`arxiv:CATEGORY` with a window of today alone reads today's announcement from the RSS feed; any
other window asks the export API (see arxiv_live for why).

`load_specs` is what a command calls: it checks every spec before fetching anything (a bad spec
is an InputError, exit 2), fetches each source with one shared HTTP client, and merges the
results. A source that still fails after retries becomes a warning ('<spec>: could not fetch …')
and the run goes on with the others; when no source could be fetched it raises SourceFetchError
(exit 1). A day or week with no papers is an empty listing, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from paperbrief.errors import InputError, UsageError
from paperbrief.http import HttpClient, SourceFetchError
from paperbrief.models import Paper, Period
from paperbrief.sources import arxiv_live, hf_live
from paperbrief.sources.listing import Listing
from paperbrief.sources.merge import merge
from paperbrief.windows import (
    days,
    in_window,
    is_empty,
    last_complete_week,
    narrow,
    parse_date,
    parse_week,
    relative_period,
)

_CATEGORY = r"[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?"
_CATEGORIES_RE = re.compile(rf"^{_CATEGORY}(?:\+{_CATEGORY})*$")
HF_FORMS = (
    "hf:YYYY-MM-DD (one day), hf:YYYY-Www (an ISO week), "
    "hf:today, hf:yesterday, hf:this-week or hf:last-week"
)
ARXIV_FORMS = "arxiv:CATEGORY (e.g. arxiv:cs.CL or arxiv:cs.CL+cs.LG) or arxiv:search:QUERY"


@dataclass(frozen=True)
class LiveSpec:
    """A parsed live source spec."""

    text: str
    kind: str  # "hf", "arxiv-category" or "arxiv-search"
    period: Period | None = None
    categories: tuple[str, ...] = ()
    query: str | None = None


def utc_today() -> date:
    """Today's date in UTC, the calendar both Hugging Face and arXiv date by."""
    return datetime.now(UTC).date()


def is_live(spec: str) -> bool:
    """Whether `spec` is a live source ('hf:…' or 'arxiv:…') rather than a file path."""
    return spec.lower().startswith(("hf:", "arxiv:"))


def parse_spec(spec: str, today: date | None = None) -> LiveSpec:
    """The parsed spec; InputError (one line) when it is not one of the live forms."""
    prefix, _, rest = spec.partition(":")
    rest = rest.strip()
    if prefix.lower() == "hf":
        relative = relative_period(rest, today or utc_today())
        if relative is not None:
            return LiveSpec(spec, "hf", period=relative)
        try:
            if "w" in rest.lower():
                return LiveSpec(spec, "hf", period=parse_week(rest))
            day = parse_date(rest)
        except UsageError:
            raise InputError(f"{spec}: invalid Hugging Face source; expected {HF_FORMS}") from None
        return LiveSpec(spec, "hf", period=Period(start=day, end=day, label=day.isoformat()))
    if prefix.lower() == "arxiv":
        if rest.lower().startswith("search:"):
            query = rest[len("search:") :].strip()
            if not query:
                raise InputError(f"{spec}: empty arXiv search; expected {ARXIV_FORMS}")
            return LiveSpec(spec, "arxiv-search", query=query)
        if not _CATEGORIES_RE.match(rest):
            raise InputError(f"{spec}: invalid arXiv source; expected {ARXIV_FORMS}")
        return LiveSpec(spec, "arxiv-category", categories=tuple(rest.split("+")))
    raise InputError(f"{spec}: not a live source; expected {HF_FORMS}, or {ARXIV_FORMS}")


def effective_window(parsed: LiveSpec, window: Period | None, today: date) -> Period:
    """The dates a spec covers: its own period narrowed by `window`, or the window for arXiv."""
    if parsed.kind == "hf":
        return narrow(parsed.period, window) or parsed.period  # type: ignore[return-value]
    chosen = window or last_complete_week(today)
    if chosen.start is None:
        raise UsageError(f"{parsed.text}: an arXiv feed needs a start date: use --since or --week")
    if chosen.end is None:
        chosen = narrow(chosen, Period(start=chosen.start, end=today, label="today")) or chosen
    return chosen


def load_spec(
    spec: str,
    window: Period | None = None,
    *,
    client: HttpClient | None = None,
    today: date | None = None,
    hf_page_limit: int = hf_live.HF_PAGE_LIMIT,
    arxiv_page_size: int = arxiv_live.ARXIV_PAGE_SIZE,
) -> Listing:
    """Papers of one live spec within `window`; Listing.period is the window actually covered."""
    today = today or utc_today()
    parsed = parse_spec(spec, today)
    covered = effective_window(parsed, window, today)
    client = client or HttpClient()
    if is_empty(covered):
        note = f"{spec}: nothing fetched: {parsed.period.label if parsed.period else spec} "
        note += f"lies outside {window.label if window else covered.label}"
        return Listing(papers=[], warnings=[note], period=covered)
    try:
        if parsed.kind == "hf":
            wanted = [d for d in days(covered) if d <= today]  # no future day
            listing = hf_live.fetch_days(client, wanted, page_limit=hf_page_limit)
            if not wanted:
                note = f"{spec}: nothing fetched yet: {covered.label} is after today, {today}"
                listing.warnings.append(note)
        elif parsed.kind == "arxiv-category" and arxiv_live.rss_fits(covered, today):
            listing = arxiv_live.fetch_rss(client, list(parsed.categories), covered, spec)
        else:
            categories = list(parsed.categories)
            query = arxiv_live.search_query(covered, categories=categories, query=parsed.query)
            listing = arxiv_live.fetch(client, query, covered, spec, page_size=arxiv_page_size)
    except SourceFetchError as exc:
        raise SourceFetchError(f"{spec}: {exc}", url=exc.url, status=exc.status) from None
    listing.period = covered
    return listing


def _load_file(spec: str, window: Period | None, today: date) -> Listing:
    from paperbrief.sources import read_file  # the package imports this module lazily

    listing = read_file(spec, today=today)
    if window is None:
        return listing
    kept = [p for p in listing.papers if in_window(p.published, window)]
    return Listing(
        papers=kept,
        warnings=listing.warnings,
        period=narrow(listing.period, window),
        extras={p.id: listing.extras[p.id] for p in kept if p.id in listing.extras},
        duplicates=listing.duplicates,
    )


def load_specs(
    specs: list[str],
    window: Period | None = None,
    *,
    client: HttpClient | None = None,
    today: date | None = None,
) -> Listing:
    """Papers of every spec (files or live), merged; failed live sources become warnings."""
    if not specs:
        raise InputError("no source given")
    today = today or utc_today()
    for spec in specs:  # every spec checked before anything is fetched
        if is_live(spec):
            effective_window(parse_spec(spec, today), window, today)
    client = client or HttpClient()
    listings: list[Listing] = []
    failures: list[str] = []
    for spec in specs:
        if not is_live(spec):
            listings.append(_load_file(spec, window, today))
            continue
        try:
            listings.append(load_spec(spec, window, client=client, today=today))
        except SourceFetchError as exc:
            failures.append(str(exc))
    if failures and not listings:
        more = f" (and {len(failures) - 1} more failed)" if len(failures) > 1 else ""
        raise SourceFetchError(f"no source could be fetched: {failures[0]}{more}")
    merged = merge(listings)
    merged.warnings = [f"source skipped: {f}" for f in failures] + merged.warnings
    if window is not None and merged.period is None:
        merged.period = window
    return merged


def fetch_by_id(ids: list[str], *, client: HttpClient | None = None) -> list[Paper]:
    """The arXiv papers `ids` name (versions as asked), in one export-API request.

    Ids arXiv does not know are simply absent from the answer; arXiv out of reach after the
    retries is a SourceFetchError (exit 1).
    """
    if not ids:
        return []
    client = client or HttpClient()
    origin = f"arXiv id_list {','.join(ids)}"
    try:
        return arxiv_live.fetch_ids(client, ids, origin).papers
    except SourceFetchError as exc:
        raise SourceFetchError(
            f"could not fetch {', '.join(ids)} from arXiv: {exc}", url=exc.url, status=exc.status
        ) from None
