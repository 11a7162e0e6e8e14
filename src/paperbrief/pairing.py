"""Relatedness of papers: TF-IDF cosine similarity, comparison pairs and named topics."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from paperbrief.models import Paper, Topic
from paperbrief.text import content_tokens

Vector = dict[str, float]

MIN_PAIR_SIMILARITY = 0.05  # below this two papers share too little for a useful comparison
TOPIC_MERGE_SIMILARITY = 0.03  # clusters less alike than this stay apart
TARGET_TOPIC_SIZE = 6
OTHER_TOPIC = "Other papers"


def _terms(paper: Paper) -> list[str]:
    """Content words of the title (counted twice: it is the densest signal) and the abstract."""
    return [_stem(w) for w in content_tokens(paper.title)] * 2 + [
        _stem(w) for w in content_tokens(paper.abstract)
    ]


def _stem(word: str) -> str:
    """A light plural stemmer: enough to make 'models' meet 'model'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


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


def _cluster(sims: list[list[float]], target: int, max_size: int) -> list[list[int]]:
    """Average-linkage agglomerative clustering down to `target` clusters.

    Stops early when no two clusters are alike enough; a cluster never grows past `max_size`,
    so one broad theme cannot swallow the whole week.
    """
    members = {i: [i] for i in range(len(sims))}
    total = {i: {j: sims[i][j] for j in range(len(sims)) if j != i} for i in members}
    while len(members) > target:
        best = None
        for i in members:
            for j, s in total[i].items():
                if j <= i or len(members[i]) + len(members[j]) > max_size:
                    continue
                avg = s / (len(members[i]) * len(members[j]))
                if best is None or avg > best[0]:
                    best = (avg, i, j)
        if best is None or best[0] < TOPIC_MERGE_SIMILARITY:
            break
        _, i, j = best
        members[i].extend(members.pop(j))
        row_j = total.pop(j)
        for k in members:
            if k != i:
                merged = total[i].get(k, 0.0) + row_j.get(k, 0.0)
                total[i][k] = total[k][i] = merged
                total[k].pop(j, None)
        total[i].pop(j, None)
    return sorted((sorted(c) for c in members.values()), key=lambda c: (-len(c), c[0]))


def _name_terms(paper: Paper) -> set[str]:
    words = content_tokens(paper.title + ". " + paper.abstract)
    grams = {f"{x} {y}" for x, y in zip(words, words[1:], strict=False) if x != y}
    return set(words) | grams


def _topic_name(members: list[int], terms: list[set[str]], df: Counter[str]) -> str:
    """Two top terms of a cluster: frequent inside it, rare outside it, phrases preferred."""
    n = len(terms)
    inside: Counter[str] = Counter(t for m in members for t in terms[m])
    need = 2 if len(members) > 1 else 1

    def score(term: str) -> float:
        phrase = 1.5 if " " in term else 1.0
        return inside[term] / len(members) * math.log(n / df[term] + 1) * phrase

    chosen: list[str] = []
    for term in sorted((t for t in inside if inside[t] >= need), key=lambda t: (-score(t), t)):
        stems = {_stem(w) for w in term.split()}
        if any(stems & {_stem(w) for w in c.split()} for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == 2:
            break
    return " · ".join(_title_case(t) for t in chosen) if chosen else OTHER_TOPIC


def _title_case(term: str) -> str:
    def word(w: str) -> str:
        if w.endswith("s") and w[:-1] in _ACRONYMS:
            return w[:-1].upper() + "s"
        return w.upper() if w in _ACRONYMS else w[:1].upper() + w[1:]

    return " ".join(word(w) for w in term.split())


_ACRONYMS = set(
    "llm llms gpu gpus cpu rag ai nlp rl kv hpc jit sql mlp vlm asr tts gnn cnn rnn moe api ir qa"
    " sft mpi".split()
)


def group_topics(papers: Sequence[Paper], vectors: Sequence[Vector] | None = None) -> list[Topic]:
    """Group papers into topics named by their top terms; lone papers go to 'Other papers'."""
    if not papers:
        return []
    vectors = vectors if vectors is not None else tfidf_vectors(papers)
    target = max(1, round(len(papers) / TARGET_TOPIC_SIZE))
    clusters = _cluster(similarity_matrix(vectors), target, max_size=3 * TARGET_TOPIC_SIZE)
    terms = [_name_terms(p) for p in papers]
    df: Counter[str] = Counter(t for ts in terms for t in ts)
    topics: list[Topic] = []
    loners: list[str] = []
    names: Counter[str] = Counter()
    for members in clusters:
        ids = [papers[m].id for m in members]
        if len(members) == 1 and len(papers) > 2:
            loners.extend(ids)
            continue
        name = _topic_name(members, terms, df)
        names[name] += 1
        if names[name] > 1:
            name = f"{name} ({names[name]})"
        topics.append(Topic(name=name, paper_ids=ids))
    if loners:
        topics.append(Topic(name=OTHER_TOPIC, paper_ids=loners))
    return topics
