"""Papers a reader saw in detail before: not detailed again; a new arXiv version says what changed.

A paper is the one seen before when its arXiv id matches (any version), or, for a paper without
an arXiv id (or with a different one, e.g. a conference page), when its normalised title and
first author's surname match: the same paper from an HF page and an arXiv listing is one paper.
Papers carry no DOI in paperbrief's formats, so DOIs are not compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from paperbrief.models import Digest, Paper, Period
from paperbrief.store.marks import Seen
from paperbrief.text import normalize_title, title_key

SEEN_MODES = ("show", "hide", "again")


@dataclass
class SeenCheck:
    """Of a listing: the papers seen in detail before (same version or text) and those seen in
    an older version, with what changed."""

    seen_before: list[str] = field(default_factory=list)
    updated: dict[str, str] = field(default_factory=dict)


def _what_changed(paper: Paper, before: Seen) -> str | None:
    """'updated (v2): abstract changed' when `paper` is a newer version or a new text of what
    was seen; None when it is the same."""
    newer = paper.version is not None and before.version is not None \
        and paper.version > before.version
    if not newer and paper.version is not None and before.version is not None:
        return None  # the same or an older version shown again: nothing new for the reader
    # text compared as normalised titles and abstracts: another source's case, punctuation or
    # line wraps are no change
    changed = [part for part, a, b in (("title", paper.title, before.title),
                                       ("abstract", paper.abstract, before.abstract))
               if normalize_title(a) != normalize_title(b)]
    if not newer and not changed:
        return None
    what = " and ".join(changed) + " changed" if changed else "same title and abstract"
    label = f"updated (v{paper.version})" if newer else "updated"
    return f"{label}: {what}"


def _earlier(before: Seen, period: Period | None) -> bool:
    """Whether `before` was seen in a digest of an earlier period than `period`: one that ended
    before `period` starts (dates known), else one under another label. A rerun of a period's
    digest, or of an overlapping one (the same papers re-cut), is not 'later'."""
    if period is None:
        return True
    if before.period_end and period.start:
        return before.period_end < period.start.isoformat()
    return before.period != period.label


def check_seen(store: Any, reader: str, papers: Sequence[Paper],
               period: Period | None = None) -> SeenCheck:
    """Which of `papers` `reader` saw in detail in an earlier digest, and which changed since."""
    by_id = store.get_seen(reader, [p.id for p in papers])
    missing = [p for p in papers if p.id not in by_id]
    by_key = store.get_seen_by_title(
        reader, [title_key(p.title, p.authors[0] if p.authors else "") for p in missing]
    ) if missing else {}
    check = SeenCheck()
    for paper in papers:
        before = by_id.get(paper.id)
        if before is None:  # one of `missing`: by its title (a list test here was quadratic,
            # 50 million pydantic comparisons for 10,000 papers: bench/scale.py 27 s -> 87 s)
            before = by_key.get(title_key(paper.title, paper.authors[0] if paper.authors else ""))
        if before is None or not _earlier(before, period):
            continue
        change = _what_changed(paper, before)
        if change is None:
            check.seen_before.append(paper.id)
        else:
            check.updated[paper.id] = change
    return check


def annotate(digest: Digest, check: SeenCheck) -> None:
    """Put what `check` found into `digest`: the seen papers (one line, 'Seen before'), and
    'updated (v2): ...' first among an updated paper's reasons."""
    present = {p.id for p in digest.papers}
    digest.seen_before = [pid for pid in check.seen_before if pid in present]
    digest.updated = {pid: why for pid, why in check.updated.items() if pid in present}
    for ranked in digest.ranking:
        if ranked.paper_id in digest.updated:
            ranked.reasons.insert(0, digest.updated[ranked.paper_id])
