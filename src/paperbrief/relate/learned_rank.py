"""A ranking learned from the reader's marks: a linear classifier over the papers' features.

With at least MIN_LIKES likes, a class-balanced logistic regression (scikit-learn) is trained with
the liked papers as positives and the disliked papers plus a seeded sample of the unmarked
listing as negatives, as arxiv-sanity-lite does with its per-tag SVM. Features are TF-IDF of
stemmed words and word pairs (offline) or embeddings (with an API key). The classifier's score,
standardised over the listing, is blended with the profile's keywords (by how central each is:
paperbrief.relate.keyword_evidence), followed authors and `exclude` list when there is a profile.

A classifier learns what the liked papers share; the older profile term (the closest liked
paper) let one broad liked paper fill the top 10 with its neighbours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperbrief.models import Paper
from paperbrief.relate.keyword_evidence import centrality
from paperbrief.relate.ranking import Ranked, _fold, _name_key, phrase_pattern

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

    from paperbrief.relate.interests import Profile
    from paperbrief.relate.logistic import LinearModel
    from paperbrief.relate.term_vectors import TermVectors, WordCache

MIN_LIKES = 2
UNMARKED_NEGATIVES = 300  # unmarked papers sampled as negatives (all of them in a small listing)
C = 0.1  # inverse regularisation of the logistic regression (bench/rank.py, tuning split)
KEYWORD_WEIGHT = 4.0  # per unit of keyword centrality, in standard deviations of the classifier
MAX_KEYWORDS = 3
AUTHOR_WEIGHT = 2.0
CENTROID_WEIGHT = 0.0  # + this x similarity to the likes' centroid (standardised)
DISLIKE_WEIGHT = 10.0  # a dislike weighs as much as this many unmarked negatives
REASON_TERMS = 3
EXPLAINED = 100  # papers whose reasons name the words they share with the likes
SEED = 25


def stemmed_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each content word of `text`, in order."""
    from paperbrief.relate.terms import _term
    from paperbrief.text import tokens

    pairs = [(t, _term(t)) for t in tokens(text)]
    return [(w, s) for w, s in pairs if s]


@dataclass
class FeatureSpace:
    """TF-IDF of words and word pairs (paperbrief.relate.term_vectors), fitted on a listing; any
    paper can be placed in it."""

    vectors: TermVectors | None

    @classmethod
    def fit(cls, papers: Sequence[Paper], cache: WordCache | None = None
            ) -> tuple[FeatureSpace, sp.csr_matrix]:
        """The space of `papers` and their rows; with `cache` (the store), papers analysed
        before are not analysed again."""
        from paperbrief.relate.term_vectors import TermVectors, counts_of

        space, matrix = TermVectors.fit(counts_of(papers, cache))
        return cls(space), matrix

    def transform(self, papers: Sequence[Paper]) -> sp.csr_matrix:
        import scipy.sparse as sp

        from paperbrief.relate.term_vectors import counts_of

        if self.vectors is None:
            return sp.csr_matrix((len(papers), 0))
        return self.vectors.transform(counts_of(papers))

    def label(self, column: int, words: list[tuple[str, str]]) -> str:
        """Column `column`'s word or word pair as a paper writes it (`words`: the paper's
        stemmed_words), else as its stems."""
        if self.vectors is None:
            return ""
        stems = self.vectors.names[column].split()
        for j in range(len(words) - len(stems) + 1):  # as the paper writes it
            if [s for _, s in words[j:j + len(stems)]] == stems:
                return " ".join(w for w, _ in words[j:j + len(stems)])
        return " ".join(stems)


def train(positives: np.ndarray | sp.csr_matrix, negatives: np.ndarray | sp.csr_matrix,
          c: float = C, weights: np.ndarray | None = None) -> LinearModel:
    """A class-balanced logistic regression separating `positives` from `negatives` (rows);
    `weights` weigh the negatives among themselves (a dislike more than an unmarked paper).
    Liblinear's objective, solved without scikit-learn (paperbrief.relate.logistic)."""
    import numpy as np
    import scipy.sparse as sp

    from paperbrief.relate.logistic import fit_logistic

    stack = sp.vstack if sp.issparse(positives) else np.vstack
    x = stack([positives, negatives])
    if sp.issparse(x):
        x = x.tocsr()
    y = np.r_[np.ones(positives.shape[0]), np.zeros(negatives.shape[0])]
    w = np.ones(len(y))
    if weights is not None:
        w[positives.shape[0]:] = weights / weights.mean()
    return fit_logistic(x, y, c, w)


def rank_with_marks(
    papers: Sequence[Paper],
    likes: Sequence[Paper],
    dislikes: Sequence[Paper] = (),
    profile: Profile | None = None,
    *,
    space: FeatureSpace | None = None,
    vectors: sp.csr_matrix | np.ndarray | None = None,
    marked_vectors: tuple[np.ndarray, np.ndarray] | None = None,
    cache: WordCache | None = None,
    negatives: int = UNMARKED_NEGATIVES,
    c: float = C,
    keyword_weight: float = KEYWORD_WEIGHT,
    dislike_weight: float = DISLIKE_WEIGHT,
    centroid_weight: float = CENTROID_WEIGHT,
    seed: int = SEED,
) -> list[Ranked]:
    """Every paper of `papers` scored by a classifier trained on the marks, best first.

    `vectors` are the papers' rows (TF-IDF of `space`, fitted here when not given, or
    embeddings); `marked_vectors` the rows of `likes` and `dislikes` when they are embeddings
    (TF-IDF rows of marked papers are taken from the listing or placed in `space`); `cache`
    keeps the papers' analysed terms between runs (the store). A liked paper is ranked with
    reason 'liked'; a disliked one last, as excluded.
    """
    import numpy as np
    import scipy.sparse as sp

    n = len(papers)
    if n == 0:
        return []
    if vectors is None:
        space, vectors = FeatureSpace.fit(papers, cache)
    liked_ids = {p.id for p in likes}
    disliked_ids = {p.id for p in dislikes} - liked_ids
    if marked_vectors is not None:
        like_rows, dislike_rows = marked_vectors
    else:
        assert space is not None
        row_of = {p.id: i for i, p in enumerate(papers)}

        def rows(marked: Sequence[Paper]) -> sp.csr_matrix:
            inside = [row_of[p.id] for p in marked if p.id in row_of]
            outside = [p for p in marked if p.id not in row_of]
            parts = [vectors[inside]] + ([space.transform(outside)] if outside else [])
            return sp.vstack(parts).tocsr()

        like_rows = rows(likes)
        dislike_rows = rows([p for p in dislikes if p.id in disliked_ids])
    unmarked = [i for i, p in enumerate(papers) if p.id not in liked_ids | disliked_ids]
    sample = (random.Random(seed).sample(unmarked, negatives)
              if len(unmarked) > negatives else unmarked)
    stack = sp.vstack if sp.issparse(vectors) else np.vstack
    negative_rows = stack([dislike_rows, vectors[sample]]) if dislike_rows.shape[0] \
        else vectors[sample]
    if like_rows.shape[0] == 0 or negative_rows.shape[0] == 0 or vectors.shape[1] == 0:
        raw = np.zeros(n)
        model = None
    else:
        weights = np.r_[np.full(dislike_rows.shape[0], dislike_weight), np.ones(len(sample))]
        model = train(like_rows, negative_rows, c, weights)
        raw = model.decision_function(vectors)
    spread = float(raw.std()) or 1.0
    learned = (raw - float(raw.mean())) / spread
    if centroid_weight and like_rows.shape[0] and vectors.shape[1]:
        centroid = np.asarray(like_rows.mean(axis=0)).ravel()
        near = np.asarray(vectors @ centroid).ravel()
        learned = learned + centroid_weight * (near - near.mean()) / (float(near.std()) or 1.0)
    evidence = _profile_evidence(papers, profile)
    nearest = _nearest_like(vectors, like_rows, likes)
    coef = model.coef_.ravel() if model is not None else None
    first = np.argsort(-(learned + keyword_weight * np.array([e[0] for e in evidence])),
                       kind="stable")
    explained = set(first[:EXPLAINED].tolist())  # the shared words: for the top papers only
    ranked = []
    for i, paper in enumerate(papers):
        kw, matched, followed, blocked = evidence[i]
        score = float(learned[i]) + keyword_weight * kw + AUTHOR_WEIGHT * len(followed)
        reasons = []
        if paper.id in liked_ids:
            reasons.append("liked")
        elif paper.id in disliked_ids:
            reasons.append("disliked")
            blocked = [*blocked, "disliked"]
        if matched:
            reasons.append("matches: " + ", ".join(matched))
        if followed:
            reasons.append("author: " + ", ".join(followed))
        if coef is not None and learned[i] > 0 and nearest[i] is not None \
                and paper.id not in liked_ids | disliked_ids:
            terms = (_shared_terms(vectors, i, coef, space, paper)
                     if space is not None and i in explained else [])
            label = nearest[i]
            reasons.append(f"like {label}-style" + (": " + ", ".join(terms) if terms else ""))
        if blocked and "disliked" not in reasons:
            reasons.insert(0, "excluded: " + ", ".join(blocked))
        ranked.append(Ranked(paper, round(score, 4), round(float(learned[i]), 4),
                             reasons or ["no match"], bool(blocked)))
    order = sorted(range(n), key=lambda i: (ranked[i].excluded, -ranked[i].score, i))
    return [ranked[i] for i in order]


def _profile_evidence(papers: Sequence[Paper], profile: Profile | None
                      ) -> list[tuple[float, list[str], list[str], list[str]]]:
    """Per paper: keyword centrality (the best MAX_KEYWORDS summed), keywords matched, followed
    authors, excluding keywords."""
    if profile is None:
        return [(0.0, [], [], [])] * len(papers)
    keywords = [(k, phrase_pattern(k)) for k in profile.keywords]
    excludes = [(k, phrase_pattern(k)) for k in profile.exclude]
    authors = {_name_key(a): a for a in profile.authors}
    out = []
    for paper in papers:
        title, body = _fold(paper.title), _fold(paper.abstract)
        found = [(centrality(pat, title, body), k) for k, pat in keywords]
        found = sorted((f for f in found if f[0] > 0), reverse=True)
        kw = sum(c for c, _ in found[:MAX_KEYWORDS])
        followed = [authors[key] for key in (_name_key(a) for a in paper.authors)
                    if key in authors]
        blocked = [k for k, pat in excludes if pat.search(title) or pat.search(body)]
        out.append((kw, [k for _, k in found], followed, blocked))
    return out


def _nearest_like(vectors: object, like_rows: object, likes: Sequence[Paper]) -> list[str | None]:
    """The label (arXiv id or short title) of each paper's most similar liked paper."""
    import numpy as np

    if not likes or like_rows.shape[0] != len(likes):  # type: ignore[attr-defined]
        return [None] * vectors.shape[0]  # type: ignore[attr-defined]
    product = vectors @ like_rows.T  # type: ignore[operator]
    sims = np.asarray(product.toarray() if hasattr(product, "toarray") else product)
    best = sims.argmax(axis=1)
    return [likes[j].id for j in best]


def _shared_terms(vectors: object, i: int, coef: np.ndarray, space: FeatureSpace,
                  paper: Paper) -> list[str]:
    """The words or word pairs that most raise paper `i`'s score."""
    import numpy as np

    row = vectors[i]  # type: ignore[index]
    if not hasattr(row, "indices"):
        return []
    contrib = row.data * coef[row.indices]
    order = np.argsort(-contrib)
    labels: list[str] = []
    words = stemmed_words(f"{paper.title}\n{paper.abstract}")  # once for all its labels
    for j in order:
        if contrib[j] <= 0 or len(labels) == REASON_TERMS:
            break
        label = space.label(int(row.indices[j]), words=words)
        if label and not any(label in seen or seen in label for seen in labels):
            labels.append(label)
    return labels


def rank_with_marks_embedded(
    papers: Sequence[Paper],
    likes: Sequence[Paper],
    dislikes: Sequence[Paper],
    profile: Profile | None,
    embed: Callable[[Sequence[Paper], Sequence[str]], tuple[np.ndarray, np.ndarray] | None],
) -> list[Ranked]:
    """`rank_with_marks` over embeddings (`embed`: the listing and the marked papers outside it,
    through the store's cache); TF-IDF when `embed` gives none."""
    import numpy as np

    listed = {p.id for p in papers}
    extra = list({p.id: p for p in [*likes, *dislikes] if p.id not in listed}.values())
    got = embed([*papers, *extra], []) if papers else None
    if got is None:
        return rank_with_marks(papers, likes, dislikes, profile)
    rows = np.asarray(got[0])
    row_of = {p.id: i for i, p in enumerate([*papers, *extra])}
    liked = {p.id for p in likes}
    like_rows = rows[[row_of[p.id] for p in likes]]
    dislike_rows = rows[[row_of[p.id] for p in dislikes if p.id not in liked]]
    return rank_with_marks(papers, likes, dislikes, profile, vectors=rows[: len(papers)],
                           marked_vectors=(like_rows, dislike_rows))


def with_profile_likes(likes: Sequence[Paper], profile: Profile | None, papers: Sequence[Paper],
                       lookup: Callable[[str], Paper | None] | None = None) -> list[Paper]:
    """The reader's liked papers and the profile's own liked papers (those with a text: in the
    listing, in the store via `lookup`, or given by title), as positives alike."""
    if profile is None or not profile.papers:
        return list(likes)
    from paperbrief.relate.ranking import resolve_liked

    liked, _ = resolve_liked(profile, papers, lookup)
    have = {p.id for p in likes}
    extra = [Paper(id=lp.arxiv_id or f"profile-{n}", title=lp.title,
                   abstract=lp.abstract or lp.title, source="interests profile")
             for n, lp in enumerate(liked, 1) if (lp.arxiv_id or "") not in have]
    return [*likes, *extra]
