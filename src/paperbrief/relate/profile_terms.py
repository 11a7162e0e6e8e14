"""Which parts of an interests profile can match anything, and a warning for the rest.

A keyword made only of stop words or punctuation (`"the"`, `"("`) used to count as a match in
nearly every paper; a description like `"!!! ???"` scored every paper 0 with no word said. Now
(issue 28, item 20):

- a keyword or `exclude` phrase counts only if it holds a content word: a run of letters or
  digits that is not an English stop word (scikit-learn's list, the one the TF-IDF space uses);
  the others are dropped with a warning;
- an author counts only if the name holds a letter; a description or a liked paper (title and
  abstract) only if it holds a content word;
- a profile left with nothing usable warns that every paper would score 0, and is not used:
  the digest ranks by upvotes, as without a profile (`rank` says the order is the listing's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from paperbrief.safe_text import brief, clean
from paperbrief.stopwords import ENGLISH_STOP_WORDS

if TYPE_CHECKING:
    from paperbrief.relate.interests import LikedPaper, Profile

_WORD = re.compile(r"[^\W_]+")  # letters and digits (Unicode), no underscores
SHOWN = 5


def content_words(text: str) -> list[str]:
    """The words of `text` that can tell papers apart: not stop words, not punctuation."""
    return [w for w in _WORD.findall(text.casefold()) if w not in ENGLISH_STOP_WORDS]


def _listed(items: list[str]) -> str:
    shown = ", ".join(repr(brief(i, 40)) for i in items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _cleaned(profile: Profile) -> Profile:
    from paperbrief.relate.interests import LikedPaper

    papers = [LikedPaper(ref=clean(p.ref), arxiv_id=p.arxiv_id, title=clean(p.title),
                         abstract=clean(p.abstract)) for p in profile.papers]
    return replace(profile, description=clean(profile.description),
                   keywords=[clean(k) for k in profile.keywords],
                   authors=[clean(a) for a in profile.authors], papers=papers,
                   exclude=[clean(e) for e in profile.exclude])


def usable_profile(profile: Profile) -> Profile:
    """`profile` without the terms that cannot match anything, with a warning for each kind
    dropped (in `profile.warnings`), and one more when nothing usable is left. Its text is
    cleaned as a paper's is (`safe_text.clean`: no control characters, a lone surrogate from a
    JSON escape becomes U+FFFD), since reasons and warnings print it."""
    profile = _cleaned(profile)
    warnings = list(profile.warnings)

    def phrases(values: list[str], what: str) -> list[str]:
        kept = [v for v in values if content_words(v)]
        dropped = [v for v in values if not content_words(v)]
        if dropped:
            warnings.append(f"{profile.path}: {what} {_listed(dropped)} ignored: only stop "
                            "words or punctuation, they would match nearly every paper or none")
        return kept

    keywords = phrases(profile.keywords, "keywords")
    exclude = phrases(profile.exclude, "exclude")
    authors = [a for a in profile.authors if _WORD.search(a) and not a.isdigit()]
    if len(authors) < len(profile.authors):
        dropped = [a for a in profile.authors if a not in authors]
        warnings.append(f"{profile.path}: authors {_listed(dropped)} ignored: no name in them")
    description = profile.description
    if description and not content_words(description):
        warnings.append(f"{profile.path}: description {brief(description, 40)!r} ignored: no "
                        "words but stop words or punctuation")
        description = ""
    papers: list[LikedPaper] = []
    for liked in profile.papers:
        if liked.arxiv_id or content_words(liked.text):
            papers.append(liked)
        else:
            warnings.append(f"{profile.path}: liked paper {brief(liked.ref, 40)!r} ignored: "
                            "no words but stop words or punctuation")
    usable = replace(profile, description=description, keywords=keywords, authors=authors,
                     papers=papers, exclude=exclude, warnings=warnings)
    if usable.is_empty:
        warnings.append(f"{profile.path}: no usable terms in this profile: every paper would "
                        "score 0 (the digest ranks by upvotes instead)")
    return usable
