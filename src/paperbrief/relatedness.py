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

from paperbrief.models import Paper, Topic
from paperbrief.text import content_tokens, stem
from paperbrief.topics import group_topics

MIN_PAIR_SIMILARITY = 0.05  # TF-IDF cosine below which two papers share too little to compare
# embeddings (e.g. OpenAI text-embedding-3) put unrelated abstracts of one field near 0.2
MIN_EMBEDDING_SIMILARITY = 0.35
NEIGHBOURS = 10  # nearest neighbours kept per paper
BLOCK_ROWS = 1024  # rows multiplied at a time: a block costs BLOCK_ROWS x n floats

Matrix = sp.csr_matrix | np.ndarray


def analyze(text: str) -> list[str]:
    """The project's terms of a text: content words (no stopwords), plural-stemmed."""
    return [stem(w) for w in content_tokens(text)]


def paper_text(paper: Paper) -> str:
    """What a paper's vector is made of: the title twice (the densest signal), then the abstract."""
    return f"{paper.title}\n{paper.title}\n{paper.abstract}"


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

    Rows are multiplied in blocks against the whole matrix and only the top-k of each row is
    kept, so memory is bounded by BLOCK_ROWS x n whatever the size of the feed. Ties go to the
    earlier paper.
    """
    n = vectors.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return [[] for _ in range(n)]
    transposed = vectors.T.tocsc() if sp.issparse(vectors) else vectors.T
    out: list[list[tuple[int, float]]] = []
    for start in range(0, n, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n)
        product = vectors[start:stop] @ transposed
        sims = product.toarray() if sp.issparse(product) else np.asarray(product, dtype=float)
        rows = np.arange(stop - start)
        sims[rows, rows + start] = -np.inf  # never one's own neighbour
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r in rows:
            cols = top[r]
            scores = sims[r, cols]
            order = np.lexsort((cols, -scores))  # best first, the earlier paper on a tie
            out.append([(int(cols[o]), float(scores[o])) for o in order])
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
