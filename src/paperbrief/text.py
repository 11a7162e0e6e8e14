"""Plain-text helpers shared by sources, engines and pairing: sentences, tokens, titles."""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset(
    """a about above across after again against all almost also although always am among an and
    another any are as at be because been before being below between both but by can could did do
    does doing done down during each either else enough etc even ever every few for from further
    had has have having he her here hers herself him himself his how however i if in into is it its
    itself just least less like made make makes many may me might more most much must my myself
    namely near neither never no nor not now of off often on once one only onto or other others
    otherwise our ours ourselves out over own per perhaps rather same several she should show shows
    shown since so some such than that the their theirs them themselves then there thereby
    therefore these they this those though through thus to together too toward towards under until
    up upon us use used uses using very via was we well were what whatever when where whereas
    whether which while who whom whose why will with within without would yet you your yours
    paper papers propose proposed proposes approach approaches method methods work works study
    present presents presented introduce introduces introduced new novel based results result
    show showed demonstrate demonstrates existing various different recent recently first second
    two three however furthermore moreover additionally specifically particular particularly
    significant significantly address addresses across achieve achieves achieving able
    available given give gives provide provides provided https http www com org github
    """.split()
)

_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "fig.", "Eq.", "eq.",
                  "No.", "approx.", "resp.", "Sec.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\"'\[])")
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")


def squash(text: str) -> str:
    """Collapse all runs of whitespace (line wraps included) to single spaces."""
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """Split an abstract into sentences, keeping abbreviations like 'e.g.' intact."""
    text = squash(text)
    if not text:
        return []
    protected = text
    for i, abbr in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = _SENTENCE_END.split(protected)
    out = []
    for part in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbr)
        part = part.strip()
        if part:
            out.append(part)
    return out


_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.I)


def strip_urls(text: str) -> str:
    """Text without its web addresses."""
    return _URL_RE.sub(" ", text)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens (hyphenated words kept whole), digits-only tokens dropped."""
    return [t.lower() for t in _TOKEN_RE.findall(strip_urls(text))]


def content_tokens(text: str) -> list[str]:
    """Tokens without stopwords and one-letter words."""
    return [t for t in tokens(text) if len(t) > 1 and t not in STOPWORDS]


def normalize_title(title: str) -> str:
    """A title reduced for duplicate detection: accents, case, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return text.strip()


def slugify(text: str, max_len: int = 60) -> str:
    """A stable, readable id for a paper without an arXiv id."""
    slug = normalize_title(text).replace(" ", "-")[:max_len].strip("-")
    return slug or "untitled"


def stem(word: str) -> str:
    """A light plural stemmer: enough to make 'models' meet 'model'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
