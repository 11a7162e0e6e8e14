"""Assemble a Digest: takeaways for every paper, topics, and a comparison per related pair."""

from __future__ import annotations

from collections.abc import Sequence

from paperbrief.models import Digest, Paper, Period
from paperbrief.pipeline import Pipeline
from paperbrief.relatedness import Relatedness, relate


def build_digest(
    papers: Sequence[Paper],
    period: Period,
    pipeline: Pipeline,
    *,
    warnings: Sequence[str] = (),
    related: Relatedness | None = None,
) -> Digest:
    """Run `pipeline` over `papers` and group the results for rendering.

    Relatedness (vectors, neighbours, pairs, topics) is computed once, here, unless the caller
    has computed it already (`related`, for the same papers).
    """
    papers = list(papers)
    related = related if related is not None else relate(papers)
    # one work queue: a comparison needs only the two abstracts, not their takeaways
    takeaways, comparisons = pipeline.run(papers, comparison_pairs(papers, related))
    stats = pipeline.stats(len(papers), len(takeaways), len(comparisons), warnings)
    return Digest(
        period=period,
        papers=papers,
        takeaways=takeaways,
        comparisons=comparisons,
        topics=related.topics,
        unrelated=related.unrelated(),
        stats=stats,
    )


def comparison_pairs(
    papers: Sequence[Paper], related: Relatedness | None = None
) -> list[tuple[Paper, Paper]]:
    """The pairs a digest of `papers` compares, each in the order its comparison is cached."""
    if related is None:
        related = relate(papers, topics=False)
    # a fixed order inside each pair, so a reordered listing still hits the comparison cache
    return [(p.a, p.b) if p.a.id <= p.b.id else (p.b, p.a) for p in related.pairs]
