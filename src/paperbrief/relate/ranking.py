"""Relevance of each paper to the reader's interests profile, with the reason for each score.

score = SIMILARITY_WEIGHT × similarity to the profile (cosine in the vector space pairing uses:
TF-IDF offline, embeddings when given) + (KEYWORD_WEIGHT + TITLE_BONUS) × how central each keyword
phrase is to the paper (1 in the title, down to 0.2 for a single passing mention:
paperbrief.relate.keyword_evidence) + AUTHOR_WEIGHT per followed author. A paper matching an
`exclude` keyword is ranked last and never picked, whatever its score.

The similarity to the profile is the mean of the similarity to the profile's centroid (its
description, keywords and liked papers together) and to the closest liked paper, so one liked
paper close to a new one counts even when the reader's interests are broad.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from paperbrief.errors import PaperbriefError
from paperbrief.models import Paper
from paperbrief.relate.interests import LikedPaper, Profile
from paperbrief.relate.keyword_evidence import centrality
from paperbrief.relate.phrase_index import PhraseIndex
from paperbrief.text import fold as _fold
from paperbrief.text import name_key as _name_key

if TYPE_CHECKING:  # numpy is imported where a profile is ranked, not by every digest
    import numpy as np

log = logging.getLogger(__name__)

SIMILARITY_WEIGHT = 1.0
KEYWORD_WEIGHT = 0.3
TITLE_BONUS = 0.1
AUTHOR_WEIGHT = 0.5
MAX_KEYWORD_MATCHES = 3  # more matched keywords add nothing: a long keyword list is no bonus
SHOWN_SIMILARITY = 0.05  # below this, "similar to" is not worth saying
# embeddings put unrelated abstracts of one field near 0.2: say "similar" from the pairing bar on
SHOWN_EMBEDDING_SIMILARITY = 0.35


@dataclass(frozen=True)
class Ranked:
    """One paper's relevance: its score, the reasons for it, and whether it was excluded."""

    paper: Paper
    score: float
    similarity: float
    reasons: list[str] = field(default_factory=list)
    excluded: bool = False

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def paper_text(paper: Paper) -> str:
    """What a paper is compared on: its title and abstract."""
    return f"{paper.title}\n{paper.abstract}"


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A whole-word, case-insensitive match of `phrase`, its last word also in the plural;
    hyphens and spaces between words are interchangeable ('KV-cache' = 'KV cache')."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", _fold(phrase)) if w]
    if not words:
        return re.compile(r"(?!)")
    body = r"[\s\-]+".join(words)
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])")


Fetch = Callable[[list[str]], Sequence[Paper]]


def resolve_liked(
    profile: Profile,
    papers: Sequence[Paper],
    lookup: Callable[[str], Paper | None] | None = None,
    fetch: Fetch | None = None,
) -> tuple[list[LikedPaper], list[str]]:
    """The profile's liked papers with their text, and a warning per paper that has none.

    An arXiv id without text is resolved against the feed, then `lookup` (the store of papers
    seen before), then `fetch` (arXiv, one request for all of them; a failure is a warning);
    a title is its own text, completed with the abstract when the feed has that title.
    """
    by_id = {p.id: p for p in papers}
    by_title = {_fold(p.title): p for p in papers if p.title}
    warnings: list[str] = []
    wanted = [lp.arxiv_id for lp in profile.papers if lp.arxiv_id and not lp.abstract]
    missing = [i for i in dict.fromkeys(wanted)
               if i not in by_id and (lookup is None or lookup(i) is None)]
    if missing and fetch is not None:
        try:
            by_id.update({p.id: p for p in fetch(missing) if p.id not in by_id})
        except PaperbriefError as exc:
            warnings.append(f"{profile.path}: liked papers not fetched: {exc}")
    out = []
    for liked in profile.papers:
        found: Paper | None = None
        if liked.arxiv_id:
            found = by_id.get(liked.arxiv_id) or (lookup(liked.arxiv_id) if lookup else None)
        elif liked.title:
            found = by_title.get(_fold(liked.title))
        if found is not None and not liked.abstract:
            liked = LikedPaper(ref=liked.ref, arxiv_id=found.arxiv_id or liked.arxiv_id,
                               title=found.title, abstract=found.abstract)
        if not liked.text:
            warnings.append(
                f"{profile.path}: liked paper {liked.ref} is neither in the listing, nor in the "
                "database, nor on arXiv; it is left out of the profile"
            )
            continue
        out.append(liked)
    return out, warnings


def profile_texts(profile: Profile, liked: Sequence[LikedPaper]) -> list[str]:
    """The texts that stand for the profile: description and keywords first (when given), then
    each liked paper."""
    head = " ".join([profile.description, *profile.keywords]).strip()
    return ([head] if head else []) + [p.text for p in liked]


def rank(
    papers: Sequence[Paper],
    profile: Profile,
    paper_vectors: np.ndarray,
    profile_vectors: np.ndarray,
    liked: Sequence[LikedPaper],
    shown: float = SHOWN_SIMILARITY,
) -> list[Ranked]:
    """Every paper with its score and reasons, best first (ties keep the listing's order).

    `paper_vectors` (n × d) and `profile_vectors` (rows of `profile_texts(profile, liked)`) are
    L2-normalised rows of one vector space; a similarity below `shown` is not given as a reason.
    """
    import numpy as np

    n = len(papers)
    if n == 0:
        return []
    sims = np.zeros(n)
    best_like: list[tuple[float, LikedPaper | None]] = [(0.0, None)] * n
    if profile_vectors.shape[0]:
        centroid = np.asarray(profile_vectors.mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centroid)) or 1.0
        to_centroid = np.asarray(paper_vectors @ (centroid / norm)).ravel()
        offset = profile_vectors.shape[0] - len(liked)
        like_sims = None
        if liked:
            product = paper_vectors @ profile_vectors[offset:].T
            like_sims = np.asarray(product.toarray() if hasattr(product, "toarray") else product)
        for i, paper in enumerate(papers):
            closest = 0.0
            if like_sims is not None:
                row = [
                    (float(like_sims[i, j]), liked[j]) for j in range(len(liked))
                    if liked[j].arxiv_id != paper.id  # a liked paper is not its own reason
                ]
                if row:
                    closest, which = max(row, key=lambda t: t[0])
                    best_like[i] = (closest, which)
            sims[i] = (to_centroid[i] + closest) / 2 if like_sims is not None else to_centroid[i]
    # indexed by word: only the phrases whose words a paper has are tried on it (issue 28, 25)
    keywords = PhraseIndex(profile.keywords, phrase_pattern, _fold)
    excludes = PhraseIndex(profile.exclude, phrase_pattern, _fold)
    authors = {_name_key(a): a for a in profile.authors}
    ranked = []
    for i, paper in enumerate(papers):
        title, body = _fold(paper.title), _fold(paper.abstract)
        reasons: list[str] = []
        blocked = [profile.exclude[j]
                   for j in sorted(set(excludes.found(title)) | set(excludes.found(body)))]
        # only the keywords the index finds are weighed (20,000 keywords stay cheap); each
        # counts by how central it is (1 in the title ... 0.2 for a passing mention)
        hits = sorted(set(keywords.found(title)) | set(keywords.found(body)))
        central = sorted(((centrality(keywords.pattern(j), title, body), profile.keywords[j])
                          for j in hits), key=lambda t: -t[0])
        matched = [k for c, k in central if c > 0]
        followed = [authors[key] for key in (_name_key(a) for a in paper.authors) if key in authors]
        score = SIMILARITY_WEIGHT * float(sims[i])
        # a keyword counts by how central it is (1 in the title ... 0.2 for a passing mention)
        score += (KEYWORD_WEIGHT + TITLE_BONUS) * sum(c for c, _ in central[:MAX_KEYWORD_MATCHES])
        score += AUTHOR_WEIGHT * len(followed)
        if matched:
            reasons.append("matches: " + ", ".join(matched))
        if followed:
            reasons.append("author: " + ", ".join(followed))
        closest, which = best_like[i]
        if which is not None and closest >= shown:
            reasons.append(f"like: {which.label} ({closest:.2f})")
        elif sims[i] >= shown:
            reasons.append(f"similar to your profile ({sims[i]:.2f})")
        if blocked:
            reasons.insert(0, "excluded: " + ", ".join(blocked))
        if not reasons:
            reasons.append("no match")
        ranked.append(Ranked(paper, round(score, 4), round(float(sims[i]), 4), reasons,
                             bool(blocked)))
    order = sorted(range(n), key=lambda i: (ranked[i].excluded, -ranked[i].score, i))
    return [ranked[i] for i in order]


def rank_by_upvotes(papers: Sequence[Paper]) -> list[Ranked]:
    """Without a profile: Hugging Face upvotes, most first (ties by id, so that a reordered
    listing of the same papers gives the same digest)."""
    order = sorted(range(len(papers)), key=lambda i: (-(papers[i].upvotes or 0), papers[i].id))
    return [
        Ranked(papers[i], float(papers[i].upvotes or 0), 0.0,
               [f"▲ {papers[i].upvotes}" if papers[i].upvotes else "no upvotes"])
        for i in order
    ]


EmbedListing = Callable[
    [Sequence[Paper], Sequence[str]], "tuple[np.ndarray, np.ndarray] | None"
]  # (papers, profile texts) -> their embedding rows, or None when there are none


def rank_listing(
    papers: Sequence[Paper],
    profile: Profile,
    *,
    space: object | None = None,
    vectors: object | None = None,
    lookup: Callable[[str], Paper | None] | None = None,
    fetch: Fetch | None = None,
    embed: EmbedListing | None = None,
) -> tuple[list[Ranked], list[str]]:
    """Rank a listing: by embeddings when `embed` gives them (the papers and the profile's
    texts, embedded together), else in `space` (with `vectors`, the papers' rows) or, without
    one, a TF-IDF space fitted on the listing."""
    liked, warnings = resolve_liked(profile, papers, lookup, fetch)
    texts = profile_texts(profile, liked)
    embedded = embed(papers, texts) if embed is not None and papers else None

    def terms() -> tuple[object, object]:
        if space is None or vectors is None:  # the TF-IDF space pairing uses, fitted here
            from paperbrief.relate.relatedness import TermSpace, paper_text

            return TermSpace.fit([paper_text(p) for p in papers])
        return space, vectors

    return rank_texts(papers, profile, liked, texts, embedded, terms), warnings


def rank_texts(
    papers: Sequence[Paper],
    profile: Profile,
    liked: Sequence[LikedPaper],
    texts: Sequence[str],
    embedded: tuple[np.ndarray, np.ndarray] | None,
    terms: Callable[[], tuple[object, object]],
) -> list[Ranked]:
    """Rank `papers` against `profile` (its resolved `liked` papers and `texts`): by `embedded`
    (the papers' rows, the texts' rows) when given, else in the TF-IDF space and the papers'
    rows `terms()` gives (asked only then); no texts rank with an empty profile matrix."""
    if embedded is not None:
        return rank(papers, profile, embedded[0], embedded[1], liked, SHOWN_EMBEDDING_SIMILARITY)
    import numpy as np

    space, paper_vectors = terms()
    profile_vectors = (
        space.transform(texts)  # type: ignore[attr-defined]
        if texts else np.zeros((0, paper_vectors.shape[1]))  # type: ignore[attr-defined]
    )
    return rank(papers, profile, paper_vectors, profile_vectors, liked,  # type: ignore[arg-type]
                SHOWN_SIMILARITY)


def ranked_as_dict(position: int, r: Ranked) -> dict[str, object]:
    """One ranked paper for --json output."""
    return {
        "rank": position,
        "id": r.paper.id,
        "title": r.paper.title,
        "score": r.score,
        "similarity": r.similarity,
        "reasons": r.reasons,
        "excluded": r.excluded,
    }
