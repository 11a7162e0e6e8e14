"""A TF-IDF space over a listing, for ranking until `relatedness.relate()` provides one.

Temporary adapter (issue 10 builds on issue 9's relatedness module, which will own the space):
the same contract as `Relatedness.space.transform` / `Relatedness.vectors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

from paperbrief.models import Paper


@dataclass
class TfidfSpace:
    vectorizer: TfidfVectorizer

    def transform(self, texts: Sequence[str]) -> Any:
        return self.vectorizer.transform(list(texts))


def fit_space(papers: Sequence[Paper]) -> tuple[TfidfSpace, Any]:
    """(space, vectors): TF-IDF fitted on the papers' titles (twice) and abstracts."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    texts = [f"{p.title}\n{p.title}\n{p.abstract}" for p in papers] or [""]
    try:
        vectors = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b")
        vectors = vectorizer.fit_transform([t or "empty" for t in texts])
    return TfidfSpace(vectorizer), vectors[: len(papers)]
