"""A digest's relatedness plan: how its papers relate, made once and passed down.

`make_plan` embeds the papers (with the interests profile's texts, in one request) at most once,
fits TF-IDF at most once (here, or in the relatedness child: `relater`, e.g.
`relate.process.RelateProcess.relate`), finds the neighbours, the comparison pairs and the named
topics once, and keeps the ranking inputs beside them: the profile's resolved liked papers and
texts, their rows, and the learned ranking's word-and-pair features (fitted the first time a
reader's marks ask for them, then shared, e.g. by every reader of a lab run). Ranking against a
profile or by marks (`rank_plan`), the digest's detailed part, pairs and topics
(`digest.build.plan_digest`) and `compare` with one paper (`relate.partner`) read the plan;
nothing fits a space or asks for embeddings again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperbrief.models import Paper
from paperbrief.relate.interests import LikedPaper, Profile

if TYPE_CHECKING:  # imported where used: scikit-learn and numpy take seconds to import
    import numpy as np

    from paperbrief.relate.learned_rank import FeatureSpace
    from paperbrief.relate.process import Related
    from paperbrief.relate.ranking import EmbedListing, Fetch, Ranked
    from paperbrief.relate.relatedness import Relatedness, TermSpace
    from paperbrief.relate.term_vectors import WordCache

    # relatedness.relate's signature, e.g. RelateProcess.relate (made in a child process)
    Relater = Callable[..., Relatedness | Related]

Marks = tuple[Sequence[Paper], Sequence[Paper]]  # a reader's liked and disliked papers


def learns(marks: Marks | None) -> bool:
    """Whether `marks` rank by a classifier learned from them (2 likes or more)."""
    from paperbrief.relate.learned_rank import MIN_LIKES

    return marks is not None and len(marks[0]) >= MIN_LIKES


@dataclass
class RelatednessPlan:
    """Everything a digest reads about how its papers relate, and its ranking inputs.

    `related` holds the vectors, neighbours, pairs and topics (`Relatedness`, or `Related` when
    the child made them: no vectors then, which only profile ranking by TF-IDF would read, and
    the plan is then made here). `embedded` are the papers' rows and `texts`' rows as `embed`
    gave them (None: TF-IDF). `cache` (the store) keeps the papers' analysed words for the
    learned ranking's features."""

    papers: list[Paper]
    related: Relatedness | Related
    embedded: tuple[np.ndarray, np.ndarray] | None = None
    texts: list[str] = field(default_factory=list)  # profile texts embedded with the papers
    profile: Profile | None = None  # the profile whose liked papers were resolved
    liked: list[LikedPaper] = field(default_factory=list)  # `profile`'s, resolved
    liked_warnings: list[str] = field(default_factory=list)
    embed_tried: bool = False  # `embed` was asked (None: it gave nothing, TF-IDF it is)
    cache: WordCache | None = field(default=None, repr=False)
    _features: tuple[FeatureSpace, Any] | None = field(default=None, repr=False)

    @property
    def space(self) -> TermSpace:
        """The TF-IDF space fitted on the papers (made in this process)."""
        space = getattr(self.related, "space", None)
        if space is None:
            raise ValueError("relatedness made in the child process has no TF-IDF space")
        return space  # type: ignore[no-any-return]

    def term_rows(self) -> Any:
        """The papers' rows in the TF-IDF space (the pairing vectors unless they are
        embeddings)."""
        import scipy.sparse as sp

        from paperbrief.relate.relatedness import paper_text

        vectors = getattr(self.related, "vectors", None)
        if vectors is not None and sp.issparse(vectors):
            return vectors
        return self.space.transform([paper_text(p) for p in self.papers])

    def features(self) -> tuple[FeatureSpace, Any]:
        """The learned ranking's TF-IDF of words and word pairs over the papers, fitted once."""
        if self._features is None:
            from paperbrief.relate.learned_rank import FeatureSpace

            self._features = FeatureSpace.fit(self.papers, self.cache)
        return self._features

    def text_rows(self, texts: Sequence[str]) -> np.ndarray | None:
        """The embedded rows of `texts` when every one was embedded with the papers."""
        if self.embedded is None:
            return None
        import numpy as np

        row = {t: i for i, t in enumerate(self.texts)}
        if any(t not in row for t in texts):
            return None
        rows = self.embedded[1]
        if not texts:
            return np.zeros((0, rows.shape[1] if rows.ndim == 2 else 0), dtype=rows.dtype)
        return rows[[row[t] for t in texts]]


def make_plan(
    papers: Sequence[Paper],
    *,
    profile: Profile | None = None,
    marks: Marks | None = None,
    lookup: Callable[[str], Paper | None] | None = None,
    fetch: Fetch | None = None,
    embed: EmbedListing | None = None,
    relater: Relater | None = None,
    texts: Sequence[str] = (),
    topics: bool = True,
    cache: WordCache | None = None,
) -> RelatednessPlan:
    """The papers' relatedness plan, each part made once.

    With `embed`, the papers are embedded once, with the profile's texts when the profile ranks
    (`texts`: more texts to embed in the same request, e.g. every reader's of a lab run); TF-IDF
    when it gives None. `relater` (the child process) makes the relatedness when nothing here
    needs the TF-IDF space (ranking against a profile without embeddings does).
    `topics=False` skips the topics (`compare` with one paper needs only the neighbours).
    `cache` (the store): papers analysed before give the learned ranking their words."""
    papers = list(papers)
    liked: list[LikedPaper] = []
    warnings: list[str] = []
    wanted: list[str] = list(texts)
    ranks_by_profile = profile is not None and not learns(marks)
    if ranks_by_profile:
        from paperbrief.relate.ranking import profile_texts, resolve_liked

        assert profile is not None
        liked, warnings = resolve_liked(profile, papers, lookup, fetch)
        own = profile_texts(profile, liked)
        owned = set(own)
        wanted = [*own, *(t for t in wanted if t not in owned)]
    embedded = embed(papers, wanted) if embed is not None and papers else None
    if embedded is None:
        wanted = []
    if relater is None or (ranks_by_profile and embedded is None):
        from paperbrief.relate.relatedness import relate as relater  # scikit-learn: now
    kwargs: dict[str, Any] = {} if topics else {"topics": False}
    related = relater(papers, embeddings=embedded[0] if embedded else None, **kwargs)
    return RelatednessPlan(papers, related, embedded, wanted,
                           profile if ranks_by_profile else None, liked, warnings,
                           embed_tried=embed is not None and bool(papers), cache=cache)


def rank_plan(
    plan: RelatednessPlan,
    profile: Profile | None,
    *,
    marks: Marks | None = None,
    lookup: Callable[[str], Paper | None] | None = None,
    fetch: Fetch | None = None,
    embed: EmbedListing | None = None,
) -> tuple[str, list[Ranked], list[str]]:
    """(ranked by what, the ranking, warnings) of the plan's papers: learned from `marks` (2
    likes or more: TF-IDF of words and word pairs), against `profile` (by the plan's embeddings,
    else its TF-IDF space), by upvotes, or in listing order (an empty ranking).

    A profile whose texts the plan did not embed (a plan made for another reader, or without
    `embed`) has them embedded by `embed` with the papers, through the store's cache."""
    papers = plan.papers
    if learns(marks):
        from paperbrief.relate.learned_rank import rank_with_marks, with_profile_likes

        assert marks is not None
        likes = with_profile_likes(marks[0], profile, papers, lookup)
        space, rows = plan.features()
        return "interests", rank_with_marks(papers, likes, marks[1], profile, space=space,
                                            vectors=rows), []
    if profile is not None:
        return ("interests", *_rank_profile(plan, profile, lookup, fetch, embed))
    if any(p.upvotes for p in papers):
        from paperbrief.relate.ranking import rank_by_upvotes

        return "upvotes", rank_by_upvotes(papers), []
    return "listing", [], []


def _rank_profile(
    plan: RelatednessPlan,
    profile: Profile,
    lookup: Callable[[str], Paper | None] | None,
    fetch: Fetch | None,
    embed: EmbedListing | None,
) -> tuple[list[Ranked], list[str]]:
    from paperbrief.relate.ranking import profile_texts, rank_texts, resolve_liked

    papers = plan.papers
    if plan.profile is profile:  # resolved when the plan was made
        liked, warnings = plan.liked, plan.liked_warnings
    else:
        liked, warnings = resolve_liked(profile, papers, lookup, fetch)
    texts = profile_texts(profile, liked)
    embedded: tuple[Any, Any] | None = None
    if plan.embedded is not None:
        rows = plan.text_rows(texts)
        embedded = (plan.embedded[0], rows) if rows is not None else None
    if embedded is None and embed is not None and papers and (
            plan.embedded is not None or not plan.embed_tried):
        # another reader's profile, or a relatedness made without `embed`: with the papers,
        # through the store's cache (never again when `embed` gave nothing for the plan)
        embedded = embed(papers, texts)
    return rank_texts(papers, profile, liked, texts, embedded,
                      lambda: (plan.space, plan.term_rows())), warnings
