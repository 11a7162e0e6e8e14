"""Assemble a Digest: rank the papers, pick the detailed top N, write takeaways and comparisons.

Pay for what is read: with an LLM engine only the detailed papers (the top N: "For you" with an
interests profile, else the most upvoted, else the first N) and their comparisons (each with its
most related paper) go to the LLM; every other paper gets its one line from the offline engine,
by design (`llm_all=True` pays for every takeaway).

When the papers paid for are known without relatedness (every paper, or the most upvoted), their
takeaways are paid for while relatedness (scikit-learn, imported then) chooses the comparisons,
which join the same work queue as soon as they are known.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, Unpack

from paperbrief.models import Comparison, Digest, Paper, Period, RankedPaper
from paperbrief.relate.interests import Profile
from paperbrief.relate.plan import Marks, RelatednessPlan
from paperbrief.run.pipeline import Pairs, Pipeline

if TYPE_CHECKING:  # imported where used: scikit-learn and numpy take seconds to import
    from paperbrief.relate.plan import Relater
    from paperbrief.relate.process import Related
    from paperbrief.relate.ranking import EmbedListing, Fetch, Ranked
    from paperbrief.relate.relatedness import Relatedness
    from paperbrief.relate.term_vectors import WordCache

DEFAULT_TOP = 25
PLAN_SWITCH_INTERVAL = 0.0005  # seconds, while the plan is made beside the work queue


class PlanOptions(TypedDict, total=False):
    """How `plan_digest` (and `build_digest`, which makes the plan) ranks and pairs papers."""

    profile: Profile | None  # an interests profile: rank "For you"
    top: int  # how many papers are read in detail (DEFAULT_TOP)
    llm_all: bool  # pay the LLM for every takeaway, not the detailed ones only
    lookup: Callable[[str], Paper | None] | None  # a paper by id (the store), for liked papers
    fetch: Fetch | None  # a paper by id from its source, when the store lacks it
    embed: EmbedListing | None  # embeddings of the listing (else TF-IDF)
    relater: Relater | None  # stands for relatedness.relate (e.g. RelateProcess.relate)
    marks: Marks | None  # likes and dislikes: 2 likes or more rank by a learned classifier
    not_detailed: Collection[str]  # ids seen in detail before: never in the detailed part
    relatedness: RelatednessPlan | None  # a plan made already for the same papers
    cache: WordCache | None  # the store: words of papers analysed before


def _check(options: Mapping[str, object]) -> None:
    """A misspelt option is an error, as a misspelt keyword argument would be."""
    unknown = sorted(set(options) - set(PlanOptions.__annotations__))
    if unknown:
        raise TypeError(f"unexpected digest option(s): {', '.join(unknown)}")


@dataclass
class Plan:
    """What a digest shows in detail and what it pays for, decided before anything is written."""

    papers: list[Paper]
    related: Relatedness | Related
    ranked_by: str
    ranked: list[Ranked]
    warnings: list[str]
    detailed: list[Paper]
    rest: list[Paper]
    pairs: list[tuple[Paper, Paper]]  # each detailed paper with its most related one, once
    compared_with: dict[str, str]  # detailed paper id -> its most related paper's id
    llm_all: bool = False
    unrelated: list[str] = field(default_factory=list)  # ids with no closely related paper

    def paid_papers(self, uses_llm: bool) -> list[Paper]:
        """The papers whose takeaways go to the engine (with an LLM: the detailed ones only)."""
        return self.papers if (self.llm_all or not uses_llm or not self.rest) else self.detailed


def plan_digest(papers: Sequence[Paper], **options: Unpack[PlanOptions]) -> Plan:
    """Rank `papers`, pick the detailed top N and the comparisons worth a full table.

    The papers' relatedness plan (relate.plan: vectors, neighbours, pairs, topics, ranking
    inputs) is made once here, unless given as `relatedness` (e.g. one plan for every reader of
    a lab run; `RelatednessPlan(papers, related)` wraps a relatedness of the same papers).
    With `embed`, ranking, pairing and topics use the papers' embeddings, falling back to
    TF-IDF when `embed` gives None.
    `relater` (e.g. `RelateProcess.relate`) stands for `relatedness.relate` where ranking needs
    no TF-IDF space. `marks` (likes, dislikes) with 2 likes or more rank by a classifier learned
    from them; papers in `not_detailed` (seen in detail before) are never in the detailed
    part. `cache` (the store) gives the learned ranking the words of papers analysed before."""
    from paperbrief.relate.plan import make_plan, rank_plan

    _check(options)
    profile, marks = options.get("profile"), options.get("marks")
    lookup, fetch, embed = options.get("lookup"), options.get("fetch"), options.get("embed")
    relatedness = options.get("relatedness")
    papers = list(papers)
    if relatedness is None:
        relatedness = make_plan(
            papers,
            profile=profile,
            marks=marks,
            lookup=lookup,
            fetch=fetch,
            embed=embed,
            relater=options.get("relater"),
            cache=options.get("cache"),
        )
    related = relatedness.related
    ranked_by, ranked, rank_warnings = rank_plan(
        relatedness, profile, marks=marks, lookup=lookup, fetch=fetch, embed=embed
    )
    skip, top = set(options.get("not_detailed", ())), options.get("top", DEFAULT_TOP)
    if ranked:
        detailed = [r.paper for r in ranked if not r.excluded and r.paper.id not in skip][:top]
    else:  # listing order as the digest shows it: topic by topic
        by_id = {p.id: p for p in papers}
        detailed = [by_id[pid] for t in related.topics for pid in t.paper_ids if pid not in skip][
            :top
        ]
    detailed_ids = {p.id for p in detailed}
    rest = [p for p in papers if p.id not in detailed_ids]
    # a paper is compared with its most related paper that shares a distinctive subject with
    # it (compare_ground: the same verdict `paperbrief compare` gives the pair), looked for
    # among its few nearest neighbours (Relatedness.candidates); past the nearest, only a sure
    # link counts
    pairs, compared_with, seen = [], {}, set()
    unrelated = set(related.unrelated())
    for p in detailed:
        near = related.candidates(related.index(p.id))
        best = _partner(p, near, papers)
        if best is None:
            if near:
                unrelated.add(p.id)
            continue
        other = papers[best[0]]
        compared_with[p.id] = other.id
        a, b = (p, other) if p.id <= other.id else (other, p)
        if (a.id, b.id) not in seen:
            seen.add((a.id, b.id))
            pairs.append((a, b, best[1]))
    if len(detailed) == len(papers):  # everything is read: the most similar pairs first
        pairs.sort(key=lambda pair: (-round(pair[2], 4), pair[0].id, pair[1].id))
    pairs = [(a, b) for a, b, _ in pairs]
    return Plan(
        papers,
        related,
        ranked_by,
        ranked,
        rank_warnings,
        detailed,
        rest,
        pairs,
        compared_with,
        options.get("llm_all", False),
        [p.id for p in papers if p.id in unrelated],
    )


def _partner(
    paper: Paper, near: Sequence[tuple[int, float]], papers: Sequence[Paper]
) -> tuple[int, float] | None:
    """The first of a paper's nearest neighbours (index, cosine) it shares a subject with: the
    nearest one as `compare_ground.shares_subject` judges it, a next one only on a sure link
    (`sure_subject`); None when none does."""
    from paperbrief.engines.offline.compare_ground import shares_subject, sure_subject

    for rank, (j, similarity) in enumerate(near):
        if (shares_subject if rank == 0 else sure_subject)(paper, papers[j]):
            return j, similarity
    return None


def early_paid(
    papers: Sequence[Paper], *, profile: Profile | None, top: int, llm_all: bool
) -> list[Paper] | None:
    """The papers an LLM digest pays takeaways for (`Plan.paid_papers`), when known before any
    relatedness: every paper (`llm_all`, or all of them fit in the top N), or the N most upvoted.
    None when ranking needs the papers' vectors (a profile) or the topics (listing order)."""
    papers = list(papers)
    if profile is not None:
        return None
    if llm_all or len(papers) <= top:
        return papers
    if any(p.upvotes for p in papers):
        from paperbrief.relate.ranking import rank_by_upvotes

        return [r.paper for r in rank_by_upvotes(papers) if not r.excluded][:top]
    return None


def build_digest(
    papers: Sequence[Paper],
    period: Period,
    pipeline: Pipeline,
    *,
    warnings: Sequence[str] = (),
    plan: Plan | None = None,
    **options: Unpack[PlanOptions],
) -> Digest:
    """Rank `papers`, run `pipeline` over what is read in detail, group the rest by topic.

    Relatedness (vectors, neighbours, pairs, topics, ranking inputs: relate.plan) is made
    once, in the plan, unless the caller has made it already (`relatedness` or `plan`, for the
    same papers); `options` are `plan_digest`'s. Without a plan or a budget, an LLM pipeline
    pays for the takeaways known already (`early_paid`) while the plan is made.
    """
    _check(options)

    def make_plan() -> Plan:
        return plan_digest(papers, **options)

    early = None
    budget = pipeline.budget
    # with a budget, what is paid stays in a fixed order: the plan (its embeddings) first
    from paperbrief.relate.plan import learns

    learned = learns(options.get("marks"))
    if (
        plan is None
        and pipeline.uses_llm
        and budget.max_calls is None
        and budget.max_cost is None
        and not learned
        and not options.get("not_detailed")
    ):
        early = early_paid(
            papers,
            profile=options.get("profile"),
            top=options.get("top", DEFAULT_TOP),
            llm_all=options.get("llm_all", False),
        )
    if early is not None:
        made: list[Plan] = []

        def planned() -> tuple[list[Paper], Pairs]:
            limiter = getattr(pipeline.engine, "limiter", None)  # the comparisons wait for it
            with limiter.urgent() if limiter is not None else nullcontext():
                made.append(make_plan())
            known = {p.id for p in early}
            extra = [p for p in made[0].paid_papers(True) if p.id not in known]
            return extra, made[0].pairs

        # the plan's CPU work shares the interpreter with threads waiting on answers: switching
        # every 0.5 ms instead of 5 takes each answer up at once, not after the plan's turn
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, PLAN_SWITCH_INTERVAL))
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan") as planner:
                # one work queue: a comparison needs only the two abstracts, not their takeaways
                takeaways, comparisons = pipeline.run(early, [], later=planner.submit(planned))
        finally:
            sys.setswitchinterval(interval)
        plan = made[0]
        paid = plan.paid_papers(pipeline.uses_llm)
    elif plan is None and not pipeline.uses_llm:
        # offline, every paper's takeaway is known before the plan: the worker processes write
        # them while the plan is made (here, or by `relater`'s child), whose comparisons then
        # join them
        made = []

        def plan_now() -> tuple[list[Paper], Pairs]:
            made.append(make_plan())
            return [], made[0].pairs

        takeaways, comparisons = pipeline.run(papers, [], later=plan_now)
        plan = made[0]
        paid = plan.paid_papers(pipeline.uses_llm)
    else:
        if plan is None:
            plan = make_plan()
        paid = plan.paid_papers(pipeline.uses_llm)
        takeaways, comparisons = pipeline.run(paid, plan.pairs)
    compared_with = plan.compared_with
    if not pipeline.uses_llm:  # offline, a comparison that does not compare is left out
        comparisons, compared_with = _shown(comparisons, compared_with)
    extractive = 0
    if len(paid) < len(plan.papers):  # the rest: offline, by design
        by_design = Pipeline(
            pipeline.offline,
            pipeline.offline,
            store=pipeline.store,
            run_id=pipeline.run_id,
            refresh=pipeline.refresh,
            progress=pipeline.progress,
        )
        takeaways |= by_design.takeaways(plan.rest)
        extractive = len(plan.rest)
    stats = pipeline.stats(
        len(plan.papers), len(takeaways), len(comparisons), [*warnings, *plan.warnings]
    )
    stats.extractive_by_design = extractive
    return Digest(
        period=period,
        papers=plan.papers,
        takeaways=takeaways,
        comparisons=comparisons,
        topics=plan.related.topics,
        unrelated=plan.unrelated,
        stats=stats,
        ranked_by=plan.ranked_by,  # type: ignore[arg-type]
        ranking=[
            RankedPaper(paper_id=r.paper.id, score=r.score, reasons=r.reasons, excluded=r.excluded)
            for r in plan.ranked
        ],
        detailed=[p.id for p in plan.detailed],
        compared_with=compared_with,
    )


def _shown(comparisons: list[Comparison], compared_with: dict[str, str]
           ) -> tuple[list[Comparison], dict[str, str]]:  # fmt: skip
    """The offline comparisons a digest shows (engines.offline.compare_shown: those that
    compare), and each paper's partner among them."""
    from paperbrief.engines.offline.compare_shown import substantive

    kept = [c for c in comparisons if substantive(c)]
    pairs = {frozenset((c.paper_a, c.paper_b)) for c in kept}
    return kept, {p: o for p, o in compared_with.items() if frozenset((p, o)) in pairs}
