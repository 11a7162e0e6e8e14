"""What a digest shows where: the detailed top N, the one-line rest by topic, the head-to-heads.

Shared by every renderer (Markdown, HTML, plain text), so that they agree on the layout:

- `ranked` layout (an interests profile, or upvotes): the detailed entries first, then the rest
  grouped by topic, one line each ("Also today", "Also this week", "Also in this period"). The
  detailed part is honest about why a paper is there: "For you" holds only the papers that match
  the profile (a keyword, a followed author, a like or a similarity above the ranking's floor)
  and "Top N by upvotes" only papers with upvotes; the other detailed papers follow under
  "More …" (after upvotes: in page order).
- `topics` layout (no profile, no upvotes): the sections by topic, the first N papers in
  detail and the others in one line.

Head-to-head comparisons only for comparisons that involve a detailed paper. A digest that would
run past LINE_BUDGET lines (a big week) keeps a side-by-side table for as many comparisons as fit
(`Layout.tables`, the first ones) and one line for each of the others.

Anchors come from ids (`paper-<id>`, `vs-<idA>--<idB>`), in Markdown and HTML alike.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from paperbrief.models import Comparison, Digest, Paper, RankedPaper, Takeaway

RestMode = Literal["takeaways", "titles", "none"]
REST_MODES: tuple[str, ...] = ("takeaways", "titles", "none")
LINE_BUDGET = 1200  # issue #10: a 1,000-paper week with a profile and --top 25 fits in this
NO_MATCH = "no match"  # ranking's reason for a paper that matches nothing in the profile
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


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

    @property
    def matches(self) -> bool:
        """Whether the paper matches the interests profile (above the ranking's floor)."""
        return matches(self.rank)


def matches(rank: RankedPaper | None) -> bool:
    """Whether a ranked paper matches the interests profile: a keyword, a followed author, a
    like or a similarity above the ranking's floor gave it a reason (and nothing excluded it)."""
    return bool(rank and not rank.excluded and rank.reasons and rank.reasons != [NO_MATCH])


@dataclass
class Section:
    name: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Layout:
    kind: Literal["ranked", "topics"]
    ranked_by: str
    detailed: list[Entry]  # ranked: the papers that earned their place (match, upvotes)
    sections: list[Section]  # ranked: the rest by topic; topics: every paper by topic
    comparisons: list[Comparison]
    rest: RestMode
    rest_count: int  # papers outside the detailed part
    topic_count: int
    by_design: bool  # the rest was written by the offline engine on purpose
    summarised: set[str] = field(default_factory=set)  # anchors of comparisons an entry sums up
    more: list[Entry] = field(default_factory=list)  # ranked: the other detailed papers
    period: str = "week"  # "day", "week" or "period": what the headings call the digest's span
    candidates: int = 0  # ranked by interests: the papers that could match (not excluded)
    matching: int = 0  # ranked by interests: the papers that match the profile
    tables: int | None = None  # comparisons with a side-by-side table (the first ones); None: all

    @property
    def detailed_title(self) -> str:
        if self.ranked_by == "interests":
            return "For you"
        if self.ranked_by == "upvotes":
            return f"Top {len(self.detailed)} by upvotes"
        return "Highlights"

    @property
    def detailed_note(self) -> str:
        """One sentence under the detailed heading: how many papers matched, when ranked."""
        if self.ranked_by != "interests":
            return ""
        n = len(self.detailed)
        shown = "" if n == self.matching else f"; the top {n} are shown here"
        verb = "matches" if self.matching == 1 else "match"
        return f"{self.matching} of {self.candidates} papers {verb} your interests{shown}."

    @property
    def more_title(self) -> str:
        if self.ranked_by == "upvotes":
            return "More from the page"
        return f"More {self.span}"

    @property
    def span(self) -> str:
        """'today', 'this week' or 'in this period'."""
        return {"day": "today", "week": "this week"}.get(self.period, "in this period")

    @property
    def rest_title(self) -> str:
        return f"Also {self.span}"

    @property
    def compact(self) -> int:
        """1 when some comparisons are shown in one line instead of a table, else 0."""
        return int(self.table_count < len(self.comparisons))

    @property
    def table_count(self) -> int:
        return len(self.comparisons) if self.tables is None else self.tables


def anchor(prefix: str, key: str) -> str:
    """A fragment id from `key`: `prefix-key` when `key` is made of safe characters, else the
    safe part plus a short hash of `key` (so that two keys never share an anchor)."""
    safe = _ANCHOR_UNSAFE.sub("-", key).strip("-")
    if safe != key or not safe:
        safe = f"{safe}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}".lstrip("-")
    return f"{prefix}-{safe}"


def paper_anchor(paper_id: str) -> str:
    """The id of a paper's entry or line: `paper-<id>`."""
    return anchor("paper", paper_id)


def comparison_anchor(c: Comparison) -> str:
    """The id of a comparison's head-to-head section: `vs-<idA>--<idB>`."""
    return anchor("vs", f"{c.paper_a}--{c.paper_b}")


def period_kind(digest: Digest) -> str:
    """'day', 'week' or 'period': what a digest's span is called in its headings."""
    start, end = digest.period.start, digest.period.end
    if start and end and start == end:
        return "day"
    if start and end and start.isoweekday() == 1 and (end - start).days == 6:
        return "week"
    return "period"


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
    more: list[Entry] = []
    if digest.ranked_by == "upvotes":  # only papers with upvotes; the others in page order
        more = [e for e in detailed if not e.paper.upvotes]
        order = {p.id: i for i, p in enumerate(digest.papers)}
        more.sort(key=lambda e: order[e.paper.id])
        detailed = [e for e in detailed if e.paper.upvotes]
    elif digest.ranked_by == "interests":  # only papers that match; the others in listing order
        more = [e for e in detailed if not e.matches]
        detailed = [e for e in detailed if e.matches]
    candidates = sum(1 for r in digest.ranking if not r.excluded)
    matching = sum(map(matches, digest.ranking)) if digest.ranked_by == "interests" else 0
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
        more=more,
        period=period_kind(digest),
        candidates=candidates,
        matching=matching,
    )
