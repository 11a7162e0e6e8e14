"""Relatedness of papers: TF-IDF vectors, cosine similarity and the pairs worth comparing."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from paperbrief.models import Paper
from paperbrief.text import content_tokens, stem

Vector = dict[str, float]

MIN_PAIR_SIMILARITY = 0.05  # below this two papers share too little for a useful comparison


def _terms(paper: Paper) -> list[str]:
    """Content words of the title (counted twice: it is the densest signal) and the abstract."""
    return [stem(w) for w in content_tokens(paper.title)] * 2 + [
        stem(w) for w in content_tokens(paper.abstract)
    ]


def tfidf_vectors(papers: Sequence[Paper]) -> list[Vector]:
    """One L2-normalised TF-IDF vector per paper (sublinear tf, smoothed idf)."""
    counts = [Counter(_terms(p)) for p in papers]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(papers)
    vectors = []
    for c in counts:
        vec = {t: (1 + math.log(k)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, k in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


@dataclass(frozen=True)
class Pair:
    a: Paper
    b: Paper
    similarity: float


def most_related(
    papers: Sequence[Paper], vectors: Sequence[Vector] | None = None
) -> dict[str, str]:
    """For each paper id, the id of its most similar other paper (none when alone)."""
    vectors = vectors if vectors is not None else tfidf_vectors(papers)
    best: dict[str, str] = {}
    for i, p in enumerate(papers):
        scores = [(cosine(vectors[i], vectors[j]), -j) for j in range(len(papers)) if j != i]
        if scores:
            _, neg_j = max(scores)
            best[p.id] = papers[-neg_j].id
    return best


def select_pairs(papers: Sequence[Paper], vectors: Sequence[Vector] | None = None) -> list[Pair]:
    """Pairs to compare: each paper with the most related paper still free, at most one pair each.

    Greedy on similarity (highest first), so mutual nearest neighbours are always paired and no
    paper appears in two comparisons; pairs below MIN_PAIR_SIMILARITY are not worth comparing.
    """
    vectors = vectors if vectors is not None else tfidf_vectors(papers)
    candidates = []
    for i in range(len(papers)):
        for j in range(i + 1, len(papers)):
            sim = cosine(vectors[i], vectors[j])
            if sim >= MIN_PAIR_SIMILARITY:
                candidates.append((-sim, i, j))
    candidates.sort()
    taken: set[int] = set()
    pairs = []
    for neg_sim, i, j in candidates:
        if i in taken or j in taken:
            continue
        taken.update((i, j))
        pairs.append(Pair(papers[i], papers[j], round(-neg_sim, 4)))
    return pairs


def similarity_matrix(vectors: Sequence[Vector]) -> list[list[float]]:
    """Pairwise cosine similarities (symmetric, zero diagonal)."""
    n = len(vectors)
    sims = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sims[i][j] = sims[j][i] = cosine(vectors[i], vectors[j])
    return sims
