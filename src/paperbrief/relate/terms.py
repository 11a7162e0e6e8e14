"""The project's terms of a paper's text, with no scikit-learn or scipy import.

A term is a content word's stem (stopwords and single letters dropped). `relatedness` (TF-IDF of
words, scikit-learn) and `learned_rank` (words and word pairs, paperbrief.relate.term_vectors)
both analyse text with these functions; they live here so that ranking from marks never imports
scikit-learn (about a second of a `rank`'s start-up).
"""

from __future__ import annotations

from functools import lru_cache

from paperbrief.models import Paper
from paperbrief.text import STOPWORDS, stem, tokens


@lru_cache(maxsize=1 << 17)  # a week's vocabulary is far smaller than its words
def _term(token: str) -> str:
    """A lower-case token's term: its stem, or '' for a stop word or a single letter."""
    return stem(token) if len(token) > 1 and token not in STOPWORDS else ""


# every token analysed so far -> its term ('' for none): a plain dict looked up in C by map is
# about twice as fast as calling the cached function (a listing's tokens are millions, its
# distinct words tens of thousands)
_TERMS: dict[str, str] = {}
MAX_TERMS = 1 << 18  # then the dict starts again (a few tens of MB at most)


def analyze(text: str) -> list[str]:
    """The project's terms of a text: content words (no stopwords), stemmed (the same terms as
    stemming text.content_tokens)."""
    found = tokens(text)
    try:  # most texts have only known tokens (all of them, once a listing has been read)
        return list(filter(None, map(_TERMS.__getitem__, found)))
    except KeyError:
        pass
    if len(_TERMS) > MAX_TERMS:
        _TERMS.clear()
    for token in set(found).difference(_TERMS):
        _TERMS[token] = _term(token)
    return list(filter(None, map(_TERMS.__getitem__, found)))


def paper_text(paper: Paper) -> str:
    """What a paper's vector is made of: the title twice (the densest signal), then the abstract."""
    return f"{paper.title}\n{paper.title}\n{paper.abstract}"
