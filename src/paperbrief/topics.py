"""Papers grouped into named topics: average-linkage clusters over TF-IDF similarity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from paperbrief.models import Paper, Topic
from paperbrief.pairing import Vector, similarity_matrix, tfidf_vectors
from paperbrief.topic_names import OTHER_TOPIC, paper_terms, topic_name

TOPIC_MERGE_SIMILARITY = 0.03  # clusters less alike than this stay apart
TARGET_TOPIC_SIZE = 6

__all__ = ["OTHER_TOPIC", "TARGET_TOPIC_SIZE", "group_topics"]


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


def group_topics(papers: Sequence[Paper], vectors: Sequence[Vector] | None = None) -> list[Topic]:
    """Group papers into topics named by their top terms; lone papers go to 'Other papers'."""
    if not papers:
        return []
    vectors = vectors if vectors is not None else tfidf_vectors(papers)
    target = max(1, round(len(papers) / TARGET_TOPIC_SIZE))
    clusters = _cluster(similarity_matrix(vectors), target, max_size=3 * TARGET_TOPIC_SIZE)
    terms = [paper_terms(p) for p in papers]
    df: Counter[str] = Counter(key for t in terms for key in t.weight)
    topics: list[Topic] = []
    loners: list[str] = []
    taken: set[str] = set()
    for members in clusters:
        ids = [papers[m].id for m in members]
        if len(members) == 1 and len(papers) > 2:
            loners.extend(ids)
            continue
        name = topic_name(members, terms, df, taken)
        taken.add(name)
        topics.append(Topic(name=name, paper_ids=ids))
    if loners:
        topics.append(Topic(name=OTHER_TOPIC, paper_ids=loners))
    return topics
