"""The paper a single paper is best compared with: its most related paper in a listing.

`paperbrief compare A --input SOURCE…` names one paper; the other is the paper of the listing the
digest itself would call A's most related (the same relatedness plan as the digest, relate.plan,
without topics), and the user is told which one was picked and why: the similarity and the words
both papers share most.
With `embed` (an API key), the similarity is the embeddings' cosine, as in the digest; the shared
words still come from the TF-IDF space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import scipy.sparse as sp

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.relate.plan import make_plan
from paperbrief.relate.ranking import EmbedListing
from paperbrief.relate.relatedness import Relatedness, paper_text
from paperbrief.text import content_tokens, stem

SHARED_TERMS = 5


@dataclass(frozen=True)
class Partner:
    """The paper picked for `of`, with the reasons it was picked."""

    of: Paper
    paper: Paper
    similarity: float
    shared_terms: list[str]

    def explain(self) -> str:
        terms = f"; shared terms: {', '.join(self.shared_terms)}" if self.shared_terms else ""
        return (
            f"comparing {self.of.id} with {self.paper.id} \"{self.paper.display_title}\": its most "
            f"related paper in the listing (similarity {self.similarity:.2f}{terms})"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "paper": self.paper.id,
            "similarity": round(self.similarity, 4),
            "shared_terms": self.shared_terms,
        }


def _surface_forms(paper: Paper) -> dict[str, str]:
    """Each stem of the paper's words with the first word that gave it, as written."""
    forms: dict[str, str] = {}
    for word in content_tokens(f"{paper.title} {paper.abstract}"):
        forms.setdefault(stem(word), word if word.isupper() else word.lower())
    return forms


def most_related_to(
    paper: Paper, listing: Sequence[Paper], embed: EmbedListing | None = None
) -> Partner:
    """`paper`'s most related other paper in `listing`; InputError when none is related enough.

    `embed` gives the papers' embeddings (None: TF-IDF, as when it fails)."""
    others = [p for p in listing if p.id != paper.id]
    if not others:
        raise InputError(f"no other paper in the listing to compare {paper.id} with")
    papers = [paper, *others]
    related = make_plan(papers, embed=embed, topics=False).related  # as the digest's, no topics
    assert isinstance(related, Relatedness)  # made in this process
    j, best = related.neighbours[0][0]
    partner = related.papers[j]
    if related.most_related(0) is None:
        raise InputError(
            f"no paper in the listing is related to {paper.id} (the closest, {partner.id}, has "
            f"similarity {best:.2f} < {related.threshold}); name the other paper yourself"
        )
    if sp.issparse(related.vectors):
        mine, theirs = related.vectors[0], related.vectors[j]
    else:  # embeddings: the shared words from the TF-IDF space
        mine, theirs = related.space.transform([paper_text(paper), paper_text(partner)])
    shared = sp.csr_matrix(mine).multiply(theirs).tocoo()
    vocabulary = related.space.terms
    words = (vocabulary[c] for c in shared.col)
    ranked = sorted(zip(shared.data, words, strict=True), reverse=True)
    forms = _surface_forms(paper)
    terms = [forms.get(t, t) for _, t in ranked[:SHARED_TERMS]]
    return Partner(of=paper, paper=partner, similarity=round(best, 4), shared_terms=terms)
