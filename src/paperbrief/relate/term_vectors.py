"""TF-IDF of words and word pairs for the ranking learned from marks, without scikit-learn, and
each paper's analysed words cached in the store by its content hash.

The weighting is scikit-learn's `TfidfVectorizer(sublinear_tf=True, min_df=2, norm="l2")`, which
this ranking used before (a term in at least two papers; 1 + ln(count); the smoothed idf
ln((1 + n) / (1 + df)) + 1; rows of unit length; columns in the terms' sorted order), built here
with numpy and scipy.sparse: importing scikit-learn cost a `rank` about a second, more than the
rest of the ranking. tests/test_term_vectors.py compares the two matrices on real papers.

A paper's terms are its stemmed content words (paperbrief.relate.terms) and each pair of
adjacent ones, counted (`term_counts`). Analysing a listing (tokens, stems) is most of the
remaining work; with a store, `counts_of` reads the words of the papers analysed before (the
`paper_words` table, keyed by the paper's content hash, so a paper whose title or abstract
changed is analysed again, and by ANALYZER, so a change to the analysis redoes every paper) and
stores the new ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Protocol

from paperbrief.models import Paper
from paperbrief.relate.terms import analyze, paper_text

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

# names the analysis behind cached counts; change it whenever term_counts would count otherwise
ANALYZER = "words+pairs/1"
MIN_DF = 2  # a term in fewer papers says nothing about what two papers share

Counts = Mapping[str, int]


def paper_words(paper: Paper) -> list[str]:
    """The paper's stemmed content words in order (title twice, then the abstract:
    relate.terms.paper_text)."""
    return analyze(paper_text(paper))


def term_counts(words: Sequence[str]) -> dict[str, int]:
    """How often each word and each adjacent pair of words ('video gener') occurs."""
    counts = Counter(words)
    counts.update(map(" ".join, zip(words, words[1:], strict=False)))
    return dict(counts)


class WordCache(Protocol):
    """Where analysed papers are kept between runs (paperbrief.store.paper_words)."""

    def get_paper_words(self, keys: Sequence[str], analyzer: str) -> dict[str, list[str]]: ...

    def put_paper_words(self, analyzer: str, words: Mapping[str, Sequence[str]]) -> None: ...


def counts_of(papers: Sequence[Paper], cache: WordCache | None = None) -> list[Counts]:
    """Each paper's term counts, from its words: those in `cache` when a paper with the same
    content was analysed before, else analysed now (and then cached)."""
    if cache is None:
        return [term_counts(paper_words(p)) for p in papers]
    keys = [p.content_hash for p in papers]
    found = cache.get_paper_words(keys, ANALYZER)
    fresh: dict[str, list[str]] = {}
    out: list[Counts] = []
    for paper, key in zip(papers, keys, strict=True):
        words = found.get(key)
        if words is None:
            words = fresh[key] = paper_words(paper)
        out.append(term_counts(words))
    if fresh:
        cache.put_paper_words(ANALYZER, fresh)
    return out


@dataclass
class TermVectors:
    """A fitted TF-IDF space of terms: its vocabulary (term -> column) and idf per column."""

    names: list[str]
    idf: np.ndarray
    _vocabulary: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def fit(cls, counts: Sequence[Counts], min_df: int = MIN_DF
            ) -> tuple[TermVectors | None, sp.csr_matrix]:
        """The space of the terms in at least `min_df` of the papers, and the papers' rows (None
        and an empty matrix when no term is)."""
        import numpy as np
        import scipy.sparse as sp

        keys, values, lengths = _flatten(counts)
        # terms told apart by their 64-bit string hashes (computed in C, kept by each string;
        # two terms of one listing sharing one is a 1 in 10^9 chance, and would only merge two
        # columns), then vocabulary, document frequencies and columns in numpy
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        unique, first, term_of = np.unique(hashes, return_index=True, return_inverse=True)
        df = np.bincount(term_of, minlength=len(unique))  # a paper names a term once
        kept = np.flatnonzero(df >= min_df)
        if not kept.size:
            return None, sp.csr_matrix((len(counts), 0))
        kept_names = [keys[i] for i in first[kept].tolist()]
        order = sorted(range(len(kept_names)), key=kept_names.__getitem__)  # sorted terms
        names = [kept_names[i] for i in order]
        column_of = np.full(len(unique), -1, dtype=np.int64)
        column_of[kept[order]] = np.arange(len(order))
        n = len(counts)
        space = cls(names, np.log((n + 1) / (df[kept[order]] + 1.0)) + 1.0)
        return space, space._rows(column_of[term_of], values, lengths)

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column."""
        if self._vocabulary is None:
            self._vocabulary = dict(zip(self.names, range(len(self.names)), strict=True))
        return self._vocabulary

    def transform(self, counts: Sequence[Counts]) -> sp.csr_matrix:
        """Rows for other papers in this space (terms outside the vocabulary are ignored)."""
        import numpy as np

        keys, values, lengths = _flatten(counts)
        columns = np.fromiter(map(self.vocabulary.get, keys, repeat(-1)), dtype=np.int64,
                              count=len(keys))
        return self._rows(columns, values, lengths)

    def _rows(self, columns: np.ndarray, values: list[int], lengths: np.ndarray
              ) -> sp.csr_matrix:
        """The L2-normalised rows of papers with `lengths` terms each, the terms' `columns` (-1:
        not in the space) and counts `values`, one paper after another."""
        import numpy as np
        import scipy.sparse as sp

        n = len(lengths)
        rows = np.repeat(np.arange(n), lengths)
        kept = columns >= 0
        columns, rows = columns[kept], rows[kept]
        data = (np.log(np.asarray(values, dtype=np.float64)[kept]) + 1.0) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
        data /= np.where(norms > 0, norms, 1.0)[rows]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
        matrix = sp.csr_matrix((data, columns.astype(np.int32), indptr),
                               shape=(n, len(self.names)))
        matrix.sort_indices()
        return matrix


def _flatten(counts: Sequence[Counts]) -> tuple[list[str], list[int], np.ndarray]:
    """All papers' terms and counts, one after another, and how many each paper has."""
    import numpy as np

    keys: list[str] = []
    values: list[int] = []
    for c in counts:
        keys.extend(c)
        values.extend(c.values())
    lengths = np.fromiter(map(len, counts), dtype=np.int64, count=len(counts))
    return keys, values, lengths
