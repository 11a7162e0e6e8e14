"""What a digest shows where: the detailed top N, the one-line rest by topic, the head-to-heads.

Shared by every renderer (Markdown here; HTML mirrors it), so that they agree on the layout:

- `ranked` layout (an interests profile, or upvotes): the detailed entries first ("For you" or
  "Top N by upvotes"), then "Also this week", the rest grouped by topic, one line each.
- `topics` layout (no profile, no upvotes): today's sections by topic, the first N papers in
  detail and the others in one line.

Head-to-head tables only for comparisons that involve a detailed paper.

A digest that would run past LINE_BUDGET lines (a big week) is rendered `compact`, one step at a
time while it is still too long: 1. head-to-head tables with one row per paper (4 lines) instead
of one row per aspect (about 10 lines with the heading); 2. each detailed entry's comparison on
the line of its takeaway. Rendered Markdown shows step 2 exactly as before (the lines of an entry
form one paragraph); only the raw text is denser.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from paperbrief.models import Comparison, Digest, Paper, RankedPaper, Takeaway

RestMode = Literal["takeaways", "titles", "none"]
REST_MODES: tuple[str, ...] = ("takeaways", "titles", "none")
LINE_BUDGET = 1200  # issue #10: a 1,000-paper week with a profile and --top 25 fits in this
COMPACT_STEPS = 2


@dataclass
class Entry:
    """One paper as the digest shows it."""

    paper: Paper
    takeaway: Takeaway | None
    detailed: bool
    rank: RankedPaper | None = None
    comparison: Comparison | None = None
    other: Paper | None = None  # the paper it is compared with

    @property
    def reason(self) -> str:
        return "; ".join(self.rank.reasons) if self.rank else ""

    @property
    def anchor(self) -> str | None:
        return comparison_anchor(self.comparison) if self.comparison else None


@dataclass
class Section:
    name: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Layout:
    kind: Literal["ranked", "topics"]
    ranked_by: str
    detailed: list[Entry]
    sections: list[Section]  # ranked: the rest by topic; topics: every paper by topic
    comparisons: list[Comparison]
    rest: RestMode
    rest_count: int  # papers outside the detailed part
    topic_count: int
    by_design: bool  # the rest was written by the offline engine on purpose
    summarised: set[str] = field(default_factory=set)  # anchors of comparisons an entry sums up
    compact: int = 0  # 0 ..  COMPACT_STEPS: how far the digest is compacted (see the docstring)

    @property
    def detailed_title(self) -> str:
        if self.ranked_by == "interests":
            return "For you"
        if self.ranked_by == "upvotes":
            return f"Top {len(self.detailed)} by upvotes"
        return "Highlights"


def comparison_anchor(c: Comparison) -> str:
    """The HTML id of a comparison's head-to-head section."""
    digest = hashlib.sha1(f"{c.paper_a}|{c.paper_b}".encode()).hexdigest()[:8]
    return f"vs-{digest}"


def build_layout(digest: Digest, rest: RestMode = "takeaways") -> Layout:
    """Arrange `digest` for rendering (a digest without `detailed` shows every paper in detail)."""
    papers = {p.id: p for p in digest.papers}
    detailed_ids = list(digest.detailed) if digest.detailed is not None else list(papers)
    detailed_set = set(detailed_ids)
    ranks = {r.paper_id: r for r in digest.ranking}
    by_pair = {frozenset((c.paper_a, c.paper_b)): c for c in digest.comparisons}
    partner: dict[str, tuple[Comparison, str]] = {}
    for pid, other in digest.compared_with.items():  # each paper with its most related one
        if frozenset((pid, other)) in by_pair:
            partner[pid] = (by_pair[frozenset((pid, other))], other)
    for c in digest.comparisons:  # digests built without compared_with
        partner.setdefault(c.paper_a, (c, c.paper_b))
        partner.setdefault(c.paper_b, (c, c.paper_a))

    def entry(pid: str) -> Entry:
        e = Entry(papers[pid], digest.takeaways.get(pid), pid in detailed_set, ranks.get(pid))
        if e.detailed and pid in partner:
            e.comparison, other = partner[pid]
            e.other = papers.get(other)
        return e

    kind: Literal["ranked", "topics"] = "ranked" if digest.ranking else "topics"
    sections = []
    for topic in digest.topics:
        ids = [pid for pid in topic.paper_ids if pid in papers]
        if kind == "ranked":
            ids = [pid for pid in ids if pid not in detailed_set]
        if ids:
            sections.append(Section(topic.name, [entry(pid) for pid in ids]))
    if digest.seen_before:  # issue 25: papers seen in detail before, one line each, at the end
        seen = set(digest.seen_before)
        for s in sections:
            s.entries = [e for e in s.entries if e.paper.id not in seen]
        sections = [s for s in sections if s.entries]
        sections.append(Section("Seen before",
                                [entry(pid) for pid in digest.seen_before if pid in papers]))
    shown = [c for c in digest.comparisons
             if c.paper_a in detailed_set or c.paper_b in detailed_set]
    detailed = [entry(pid) for pid in detailed_ids if pid in papers]
    in_detail = detailed if kind == "ranked" else [e for s in sections for e in s.entries]
    return Layout(
        kind=kind,
        ranked_by=digest.ranked_by,
        detailed=detailed,
        sections=sections,
        comparisons=shown,
        rest=rest,
        rest_count=len(papers) - len(detailed_set & set(papers)),
        topic_count=len(digest.topics),
        by_design=digest.stats.extractive_by_design > 0,
        summarised={e.anchor for e in in_detail if e.anchor and e.other},
    )
