"""Assemble a Digest: takeaways for every paper, topics, and one comparison per selected pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paperbrief.models import Digest, Paper, Period
from paperbrief.pairing import select_pairs, tfidf_vectors
from paperbrief.pipeline import Pipeline
from paperbrief.topics import group_topics


def build_digest(
    papers: Sequence[Paper],
    period: Period,
    pipeline: Pipeline,
    *,
    warnings: Sequence[str] = (),
) -> Digest:
    """Run `pipeline` over `papers` and group the results for rendering."""
    papers = list(papers)
    vectors = tfidf_vectors(papers)
    # one work queue: a comparison needs only the two abstracts, not their takeaways
    takeaways, comparisons = pipeline.run(papers, comparison_pairs(papers, vectors))
    stats = pipeline.stats(len(papers), len(takeaways), len(comparisons), warnings)
    return Digest(
        period=period,
        papers=papers,
        takeaways=takeaways,
        comparisons=comparisons,
        topics=group_topics(papers, vectors),
        stats=stats,
    )


def comparison_pairs(papers: Sequence[Paper], vectors: Any = None) -> list[tuple[Paper, Paper]]:
    """The pairs a digest of `papers` compares, each in the order its comparison is cached."""
    papers = list(papers)
    pairs = select_pairs(papers, tfidf_vectors(papers) if vectors is None else vectors)
    # a fixed order inside each pair, so a reordered listing still hits the comparison cache
    return [(p.a, p.b) if p.a.id <= p.b.id else (p.b, p.a) for p in pairs]
