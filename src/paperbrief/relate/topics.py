"""Papers grouped into named topics, in time that grows near-linearly with the feed.

A page-sized feed (up to SMALL_FEED papers) is clustered by exact average linkage over cosine
similarity, about TARGET_TOPIC_SIZE papers a topic. A bigger feed would give a reader more
headings than anyone scans, and exact linkage is cubic: its papers are reduced to an LSA space
(truncated SVD of the TF-IDF rows) and grouped by k-means into at most MAX_TOPICS topics. Names
come from the phrases that set a cluster's papers apart (class-based TF-IDF, topic_names), read
from each cluster's most central papers on a big feed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from paperbrief.models import Paper, Topic
from paperbrief.relate.topic_names import OTHER_TOPIC, paper_terms, topic_name

TOPIC_MERGE_SIMILARITY = 0.03  # clusters less alike than this stay apart
TARGET_TOPIC_SIZE = 6
MAX_TOPICS = 25  # a reader scans at most this many headings
SMALL_FEED = TARGET_TOPIC_SIZE * MAX_TOPICS  # beyond this, k-means on an LSA space
LSA_DIMENSIONS = 50
LSA_ITERATIONS = 3  # power iterations of the randomized SVD (enough to separate topics)
NAMING_SAMPLE = 2000  # papers read for names on a big feed (see _naming_sample)
MIN_NAMING_MEMBERS = 30

__all__ = ["MAX_TOPICS", "OTHER_TOPIC", "TARGET_TOPIC_SIZE", "group_topics"]


def _average_linkage(sims: np.ndarray, target: int, max_size: int) -> list[list[int]]:
    """Average-linkage agglomerative clustering down to `target` clusters.

    Stops early when no two clusters are alike enough; a cluster never grows past `max_size`,
    so one broad theme cannot swallow the week. Quadratic per merge: for page-sized feeds only.
    Hand-written because scikit-learn's agglomerative clustering has no size cap.
    """
    n = len(sims)
    total = np.array(sims, dtype=float)  # summed similarity between clusters
    np.fill_diagonal(total, 0.0)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members = {i: [i] for i in range(n)}
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    while len(members) > target:
        ok = upper & np.outer(alive, alive) & (size[:, None] + size[None, :] <= max_size)
        avg = np.where(ok, total / np.outer(size, size), -np.inf)
        best = int(np.argmax(avg))  # the first of equals in row order, as a scan would find
        i, j = divmod(best, n)
        if not ok[i, j] or avg[i, j] < TOPIC_MERGE_SIMILARITY:
            break
        members[i].extend(members.pop(j))
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        total[i, i] = 0.0
        size[i] += size[j]
        alive[j] = False
    return sorted((sorted(c) for c in members.values()), key=lambda c: (-len(c), c[0]))


def _kmeans(vectors: sp.csr_matrix | np.ndarray, k: int) -> tuple[list[list[int]], np.ndarray]:
    """k-means on the rows reduced to LSA_DIMENSIONS (normalised, so distance follows cosine).

    Returns the clusters (largest first) and each row's distance to its cluster's centre.
    """
    n, d = vectors.shape
    dims = min(LSA_DIMENSIONS, d - 1, n - 1)
    if dims >= 2 and (sp.issparse(vectors) or d > LSA_DIMENSIONS):
        svd = TruncatedSVD(n_components=dims, n_iter=LSA_ITERATIONS, random_state=0)
        reduced = svd.fit_transform(vectors)
    else:
        reduced = np.asarray(vectors.toarray() if sp.issparse(vectors) else vectors)
    reduced = normalize(reduced)
    kmeans = KMeans(n_clusters=k, n_init=3, random_state=0).fit(reduced)
    labels = kmeans.labels_
    distance = np.linalg.norm(reduced - kmeans.cluster_centers_[labels], axis=1)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda c: (-len(c), c[0])), distance


def _naming_sample(clusters: list[list[int]], distance: np.ndarray, n: int) -> list[int]:
    """The papers whose phrases name a big feed's topics: the most central of each cluster.

    Reading a paper's phrases costs about a millisecond; a topic gets the same name from its
    NAMING_SAMPLE / n share of central members (at least MIN_NAMING_MEMBERS of them).
    """
    chosen: list[int] = []
    for members in clusters:
        quota = max(MIN_NAMING_MEMBERS, math.ceil(len(members) * NAMING_SAMPLE / n))
        chosen.extend(sorted(members, key=lambda m: (distance[m], m))[:quota])
    return sorted(chosen)


def group_topics(
    papers: Sequence[Paper],
    vectors: sp.csr_matrix | np.ndarray,
    neighbours: Sequence[Sequence[tuple[int, float]]] | None = None,
) -> list[Topic]:
    """Group papers into topics named by their shared phrases; lone papers go to 'Other papers'.

    `vectors` holds one L2-normalised row per paper (TF-IDF or embeddings).
    """
    n = len(papers)
    if not n:
        return []
    if n <= SMALL_FEED:
        product = vectors @ vectors.T
        sims = product.toarray() if sp.issparse(product) else np.asarray(product)
        target = max(1, round(n / TARGET_TOPIC_SIZE))
        clusters = _average_linkage(sims, target, max_size=3 * TARGET_TOPIC_SIZE)
        sample = list(range(n))
    else:
        clusters, distance = _kmeans(vectors, MAX_TOPICS - 1)  # a heading left for 'Other papers'
        sample = _naming_sample(clusters, distance, n)
    position = {paper: i for i, paper in enumerate(sample)}
    terms = [paper_terms(papers[i]) for i in sample]
    df: Counter[str] = Counter(key for t in terms for key in t.weight)
    topics: list[Topic] = []
    loners: list[str] = []
    taken: set[str] = set()
    for members in clusters:
        ids = [papers[m].id for m in members]
        if len(members) == 1 and n > 2:
            loners.extend(ids)
            continue
        named = [position[m] for m in members if m in position]
        name = topic_name(named, terms, df, taken)
        taken.add(name)
        topics.append(Topic(name=name, paper_ids=ids))
    if loners:
        topics.append(Topic(name=OTHER_TOPIC, paper_ids=loners))
    return topics
