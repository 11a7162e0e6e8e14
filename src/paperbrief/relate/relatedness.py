"""Relatedness of a digest's papers, computed once: vectors, nearest neighbours, pairs, topics.

TF-IDF comes from scikit-learn with the project's own tokenizer and stemmer as the analyzer
(title counted twice, sublinear tf, smoothed idf, L2 rows: the similarity paperbrief always used).
Nearest neighbours are found by blocked sparse products, `BLOCK_ROWS` rows against all papers at a
time with only the top `NEIGHBOURS` kept per row, so memory stays bounded at any feed size. The
pairs to compare are the nearest-neighbour edges above the threshold, a mutual pair counted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from paperbrief.models import Paper, Topic
from paperbrief.relate.terms import _term, analyze, paper_text  # noqa: F401 (used from here too)
from paperbrief.relate.topics import group_topics

MIN_PAIR_SIMILARITY = 0.05  # TF-IDF cosine below which two papers share too little to compare
# embeddings (e.g. OpenAI text-embedding-3) put unrelated abstracts of one field near 0.2
MIN_EMBEDDING_SIMILARITY = 0.35
NEIGHBOURS = 10  # nearest neighbours kept per paper
# neighbours a paper may be compared with, best first: when its nearest one shares no real
# subject with it, the next ones may (further down, a shared subject is rarer than a coincidence)
PARTNER_CANDIDATES = 3
# rows multiplied at a time, into one reused buffer of BLOCK_ROWS x n floats: blocks a few MB
# big (256 rows: 10 MB at 10,000 papers), which the allocator reuses instead of mapping fresh
# memory for each (at 1,024 rows, page faults on new 40-80 MB arrays took a third of the time)
BLOCK_ROWS = 256
DENSE_WORD_SHARE = 0.03  # words in more than this share of papers are multiplied densely

Matrix = sp.csr_matrix | np.ndarray


@dataclass
class TermSpace:
    """A fitted TF-IDF space: any text can be placed in it (same vocabulary, idf and analyzer)."""

    vectorizer: TfidfVectorizer | None  # None when the papers had no terms at all

    @classmethod
    def fit(cls, texts: Sequence[str]) -> tuple[TermSpace, sp.csr_matrix]:
        """The space fitted on `texts`, and their vectors in it."""
        vectorizer = TfidfVectorizer(
            analyzer=analyze, sublinear_tf=True, smooth_idf=True, norm="l2", dtype=np.float64
        )
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # empty vocabulary: no text has a content word
            return cls(None), sp.csr_matrix((len(texts), 0))
        return cls(vectorizer), sp.csr_matrix(matrix)

    @property
    def terms(self) -> list[str]:
        """The vocabulary, one term per column."""
        if self.vectorizer is None:
            return []
        return [str(t) for t in self.vectorizer.get_feature_names_out()]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows of `texts` (words outside the vocabulary are ignored)."""
        if self.vectorizer is None:
            return sp.csr_matrix((len(texts), 0))
        return sp.csr_matrix(self.vectorizer.transform(texts))


@dataclass(frozen=True)
class Pair:
    """Two papers worth comparing and their similarity."""

    a: Paper
    b: Paper
    similarity: float


@dataclass
class Relatedness:
    """Everything a digest needs to know about how its papers relate."""

    papers: list[Paper]
    space: TermSpace
    vectors: Matrix  # n x d, L2-normalised rows (TF-IDF, or the embeddings given)
    neighbours: list[list[tuple[int, float]]]  # per paper: (index, cosine), best first
    pairs: list[Pair]
    topics: list[Topic]
    threshold: float = MIN_PAIR_SIMILARITY
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def most_related(self, i: int) -> tuple[int, float] | None:
        """Paper i's best neighbour (index, cosine) when it passes the threshold, else None."""
        nearest = self.neighbours[i][:1]
        if nearest and nearest[0][1] >= self.threshold:
            return nearest[0]
        return None

    def candidates(self, i: int, k: int = PARTNER_CANDIDATES) -> list[tuple[int, float]]:
        """Paper i's k best neighbours (index, cosine) above the threshold, best first: the
        papers a digest may compare it with when its nearest one shares no subject with it."""
        return [(j, sim) for j, sim in self.neighbours[i][:k] if sim >= self.threshold]

    def index(self, paper_id: str) -> int:
        """The position of the paper with this id (KeyError when it is not in the digest)."""
        if not self._index:
            self._index = {p.id: i for i, p in enumerate(self.papers)}
        return self._index[paper_id]

    def unrelated(self) -> list[str]:
        """Ids of the papers with no related paper above the threshold."""
        return [p.id for i, p in enumerate(self.papers) if self.most_related(i) is None]


def nearest_neighbours(vectors: Matrix, k: int = NEIGHBOURS) -> list[list[tuple[int, float]]]:
    """The top-k other rows of each row by cosine (rows are L2-normalised), best first.

    Rows are multiplied in blocks of BLOCK_ROWS against the whole matrix and only the top-k of
    each row is kept, so memory is bounded by BLOCK_ROWS x n whatever the size of the feed. Ties
    go to the earlier paper.
    """
    n = vectors.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return [[] for _ in range(n)]
    product = _BlockProduct(vectors)
    buffer = np.empty((min(BLOCK_ROWS, n), n), dtype=np.float32)
    out: list[list[tuple[int, float]]] = []
    for start in range(0, n, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n)
        sims = product.rows(start, stop, buffer[: stop - start])
        rows = np.arange(stop - start)
        sims[rows, rows + start] = -np.inf  # never one's own neighbour
        top = np.argpartition(sims, -k, axis=1)[:, -k:]
        scores = np.take_along_axis(sims, top, axis=1)
        for r in rows:
            order = np.lexsort((top[r], -scores[r]))  # best first, the earlier paper on a tie
            out.append([(int(top[r, o]), float(scores[r, o])) for o in order])
    return out


class _BlockProduct:
    """Blocks of rows of V @ V.T, computed exactly, as dense arrays (float32: ranking only).

    For sparse TF-IDF rows, the words most papers use would make a sparse product nearly dense
    (and slow to build): their columns go through a dense product, the other words through a
    sparse one, and the two are added.
    """

    def __init__(self, vectors: Matrix) -> None:
        self.n = vectors.shape[0]
        self.dense: np.ndarray | None = None
        self.sparse: sp.csr_matrix | None = None
        if not sp.issparse(vectors):
            self.dense = np.asarray(vectors, dtype=np.float32)
            return
        columns = sp.csc_matrix(vectors, dtype=np.float32)
        df = np.diff(columns.indptr)
        common = df > max(DENSE_WORD_SHARE * self.n, 1)
        if common.any():
            self.dense = columns[:, np.flatnonzero(common)].toarray()
        self.sparse = sp.csr_matrix(columns[:, np.flatnonzero(~common)])
        self.sparse_t = sp.csr_matrix(self.sparse.T)

    def rows(self, start: int, stop: int, out: np.ndarray) -> np.ndarray:
        """Rows start..stop of the product, written into `out` (stop - start rows)."""
        if self.dense is not None:
            np.matmul(self.dense[start:stop], self.dense.T, out=out)
        else:
            out.fill(0.0)
        if self.sparse is not None:  # added where it is non-zero, without a dense copy
            part = self.sparse[start:stop] @ self.sparse_t  # canonical: one entry per cell
            rows = np.repeat(np.arange(stop - start), np.diff(part.indptr))
            out[rows, part.indices] += part.data
        return out


def select_pairs(
    papers: Sequence[Paper], neighbours: Sequence[Sequence[tuple[int, float]]], threshold: float
) -> list[Pair]:
    """Each paper with its nearest neighbour above `threshold`; a mutual pair counted once.

    At most one pair per paper (usually far fewer, mutual neighbours sharing one), the most
    similar pairs first.
    """
    edges: dict[tuple[int, int], float] = {}
    for i, near in enumerate(neighbours):
        if near and near[0][1] >= threshold:
            j, sim = near[0]
            edges[(min(i, j), max(i, j))] = sim
    ordered = sorted(edges.items(), key=lambda e: (-e[1], e[0]))
    return [Pair(papers[i], papers[j], round(sim, 4)) for (i, j), sim in ordered]


# One BLAS/OpenMP thread: the dense matrices here are small (n x 50 for the LSA, k x 50 for
# k-means), so a second thread costs more in hand-offs than it saves, and on a busy machine its
# spin-waiting multiplies the time (bench: the 1,000-paper SVD took 0.12 s on one thread and
# 1.5-2.2 s on two at load 3).
@threadpool_limits.wrap(limits=1)
def relate(
    papers: Sequence[Paper], *, embeddings: np.ndarray | None = None, topics: bool = True
) -> Relatedness:
    """One relatedness step: vectors, neighbours, pairs, topics.

    With `embeddings` (one dense row per paper, e.g. OpenAI embeddings), neighbours, pairs and
    topics use them instead of TF-IDF (topic names still come from the papers' terms); the TF-IDF
    `space` is still fitted and returned. `topics=False` skips the topics (an empty list), for
    callers that only need neighbours.
    """
    papers = list(papers)
    space, tfidf = TermSpace.fit([paper_text(p) for p in papers])
    vectors: Matrix = tfidf
    threshold = MIN_PAIR_SIMILARITY
    if embeddings is not None:
        dense = np.asarray(embeddings, dtype=float)
        if dense.ndim != 2 or dense.shape[0] != len(papers):
            raise ValueError(
                f"embeddings: expected one row per paper ({len(papers)}), got shape {dense.shape}"
            )
        vectors = normalize(dense)
        threshold = MIN_EMBEDDING_SIMILARITY
    neighbours = nearest_neighbours(vectors)
    return Relatedness(
        papers=papers,
        space=space,
        vectors=vectors,
        neighbours=neighbours,
        pairs=select_pairs(papers, neighbours, threshold),
        topics=group_topics(papers, vectors, neighbours) if topics else [],
        threshold=threshold,
    )
