"""Merging listings: duplicates removed by arXiv id, then by normalised title, richest data kept."""

from __future__ import annotations

from paperbrief.models import Paper, Period
from paperbrief.sources.arxiv_ids import abs_url, without_version
from paperbrief.sources.listing import Listing, distinct_id
from paperbrief.text import normalize_title


def _versions(first: Paper, second: Paper) -> tuple[Paper, Paper] | None:
    """(newer, older) when both records name different arXiv versions, else None."""
    if first.version is None or second.version is None or first.version == second.version:
        return None
    return (first, second) if first.version > second.version else (second, first)


def combine(first: Paper, second: Paper) -> Paper:
    """One paper from two records of it: real arXiv id over slug, max upvotes, no empty field.

    When both records name their arXiv version, the newer version's title and abstract win.
    """
    if versions := _versions(first, second):
        newer, older = versions
        merged = _combine(newer, older)  # the newer record leads: its title, url, source
        dates = [d for d in (first.published, second.published) if d is not None]
        return merged.model_copy(
            update={"abstract": newer.abstract, "published": min(dates) if dates else None}
        )
    return _combine(first, second)


def _combine(first: Paper, second: Paper) -> Paper:
    keep_id = first.id if first.arxiv_id or not second.arxiv_id else second.id
    authors = first.authors if len(first.authors) >= len(second.authors) else second.authors
    counts = [c for c in (first.author_count, second.author_count) if c is not None]
    upvotes = [u for u in (first.upvotes, second.upvotes) if u is not None]
    abstract = first.abstract if len(first.abstract) >= len(second.abstract) else second.abstract
    url = first.url or second.url
    if keep_id != first.id and second.url:
        url = second.url
    if url is None and keep_id == (first.arxiv_id or second.arxiv_id):
        url = abs_url(keep_id)
    return first.model_copy(
        update={
            "id": keep_id,
            "title": first.title or second.title,
            "abstract": abstract,
            "authors": authors,
            "author_count": max(counts) if counts else None,
            "organization": first.organization or second.organization,
            "published": first.published or second.published,
            "url": url,
            "upvotes": max(upvotes) if upvotes else None,
        }
    )


def _same_paper(kept: Paper, other: Paper) -> bool:
    """Whether two papers with the same id are one: always for arXiv ids, else by title."""
    if other.arxiv_id or not kept.title or not other.title:
        return True
    return normalize_title(kept.title) == normalize_title(other.title)


def _merge_periods(periods: list[Period]) -> Period | None:
    if not periods:
        return None
    if all(p == periods[0] for p in periods):
        return periods[0]
    starts = [p.start for p in periods if p.start]
    ends = [p.end for p in periods if p.end]
    if not starts or not ends:
        return periods[0]
    start, end = min(starts), max(ends)
    label = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    return Period(start=start, end=end, label=label)


def merge(listings: list[Listing]) -> Listing:
    """All papers of `listings`, duplicates folded into their first occurrence (stable order)."""
    papers: list[Paper] = []
    extras: list[dict[str, str]] = []
    by_id: dict[str, int] = {}
    by_title: dict[str, int] = {}
    duplicates = sum(listing.duplicates for listing in listings)
    for listing in listings:
        for paper in listing.papers:
            paper_extras = listing.extras.get(paper.id, {})
            if without_version(paper.id) != paper.id:
                paper = paper.model_copy(update={"id": without_version(paper.id)})
            title_key = normalize_title(paper.title)
            index = by_id.get(paper.id)
            if index is not None and not _same_paper(papers[index], paper):
                # Distinct titles that slugify alike (slugs are truncated): keep both.
                paper = paper.model_copy(update={"id": distinct_id(paper)})
                index = by_id.get(paper.id)
            if index is None and title_key:
                index = by_title.get(title_key)
                if index is not None and paper.arxiv_id and papers[index].arxiv_id:
                    index = None  # two real arXiv ids: different papers sharing a title
            if index is None:
                index = len(papers)
                papers.append(paper)
                extras.append(dict(paper_extras))
            else:
                duplicates += 1
                papers[index] = combine(papers[index], paper)
                extras[index] = {**paper_extras, **extras[index]}
            by_id.setdefault(papers[index].id, index)
            by_id.setdefault(paper.id, index)
            if title_key:
                by_title.setdefault(title_key, index)
    return Listing(
        papers=papers,
        warnings=[w for listing in listings for w in listing.warnings],
        period=_merge_periods([ls.period for ls in listings if ls.period is not None]),
        extras={p.id: e for p, e in zip(papers, extras, strict=True) if e},
        duplicates=duplicates,
    )
