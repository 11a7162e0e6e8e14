"""Plain-text helpers shared by sources, engines and pairing: sentences, tokens, titles."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer
from syntok import segmenter

from paperbrief.stopwords import ENGLISH_STOP_WORDS

# Stop words: scikit-learn's English list (the Glasgow IR group's), plus the boilerplate of
# research abstracts that no general-purpose list knows is empty there ('propose', 'novel',
# 'results'): that second part is ours, by hand, because no maintained list covers it.
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    """able achieve achieves achieving additionally address addresses approach approaches
    available based com demonstrate demonstrates did different does doing existing furthermore
    github given gives having http https introduce introduced introduces just like make makes
    method methods near new novel org paper papers particular particularly present presented
    presents propose proposed proposes provide provided provides recent recently result results
    second show showed shown shows significant significantly specifically study use used uses
    using various work works www""".split()
)

_TERMINAL = re.compile(r"[.!?][\"')\]]*$")
# snowballstemmer hands this to PyStemmer (the same Snowball stems in C, 10x faster) when present;
# a stemmer keeps its word in itself (Python or C alike): one per thread
_STEMMERS = threading.local()
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")


def squash(text: str) -> str:
    """Collapse all runs of whitespace (line wraps included) to single spaces."""
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """Split an abstract into sentences with syntok (made for text with abbreviations, decimals,
    'e.g.', 'et al.', citations and terminals without a following space), whitespace squashed
    first. (pysbd, used before, split the same way on 95 % of 1,000 real abstracts at 5-7 ms an
    abstract, a fifth of an offline takeaway's time; syntok takes about 1 ms.)"""
    return list(_sentences(squash(text)))


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    out: list[str] = []
    for paragraph in segmenter.analyze(text):
        for tokens_ in paragraph:
            if not tokens_:
                continue
            last = tokens_[-1]
            # offsets into the text, so the sentence reads exactly as written
            piece = text[tokens_[0].offset : last.offset + len(last.value)].strip()
            if not piece:
                continue
            # a piece that does not end a sentence (an enumeration's item, "techniques: 1) rule
            # lists, 2) ...") is part of the next one in an abstract: joined to it (a hand rule:
            # the segmenter has no option for it)
            if out and not _TERMINAL.search(out[-1]):
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
    return tuple(part for piece in out for part in _unmerged(piece))


# the segmenter reads a full stop after a version or a figure ('GPT-3.5.', '1.4x.', 'HARE-1.1B.')
# or after 'etc.' and 'state-of-the-art.' as part of the word and runs two sentences together
# ('... achieves a new state-of-the-art. Comprehensive analysis ...'): split there by hand (a
# list's marker, '2. Temporal', has no dot inside and stays)
_RUN_ON = re.compile(r"(\S+)\.\s+(?=[A-Z][a-z]+\b)")
_ENDS_SENTENCE = re.compile(r"(?:^|[^\w])(?:etc|art)$|\d.*\.\d[\w%+-]*$"
                            r"|\d(?:[.,]\d+)?(?:x|×|B|%|times)$")


def _unmerged(piece: str) -> list[str]:
    parts, start = [], 0
    for m in _RUN_ON.finditer(piece):
        if _ENDS_SENTENCE.search(m.group(1)) and m.start() > start:
            parts.append(piece[start : m.end(1) + 1])
            start = m.end()
    return [*parts, piece[start:]] if parts else [piece]


_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.I)


def strip_urls(text: str) -> str:
    """Text without its web addresses."""
    return _URL_RE.sub(" ", text)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens (hyphenated words kept whole), digits-only tokens dropped."""
    lowered = text.lower()
    if "://" in lowered or "www." in lowered:  # else no address to strip: no scan for one
        lowered = strip_urls(lowered)
    return _TOKEN_RE.findall(lowered)


def content_tokens(text: str) -> list[str]:
    """Tokens without stopwords and one-letter words."""
    return [t for t in tokens(text) if len(t) > 1 and t not in STOPWORDS]


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 15)  # a listing asks for each title's key three times
def normalize_title(title: str) -> str:
    """A title reduced for duplicate detection: accents, case, punctuation and spacing folded."""
    text = title
    if not text.isascii():  # (ASCII has no accents to fold: most titles skip the char loop)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def slugify(text: str, max_len: int = 60) -> str:
    """A stable, readable id for a paper without an arXiv id."""
    slug = normalize_title(text).replace(" ", "-")[:max_len].strip("-")
    return slug or "untitled"


@lru_cache(maxsize=1 << 17)  # every caller stems the same few thousand words again and again
def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of a word, so 'models' meets 'model' and 'patches'
    meets 'patch'. Snowball leaves the plural of an acronym alone ('LLMs', 'CNNs'): a word that
    is an acronym plus 's' (written so, or with no vowel before the 's') loses it first, a hand
    rule because no stemmer knows acronyms."""
    if _ACRONYM_PLURAL.fullmatch(word) or (
        len(word) > 2 and word.endswith("s") and not _VOWEL.search(word[:-1])
    ):
        word = word[:-1]
    return _stem_lower(word.lower())


_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")
_VOWEL = re.compile(r"[aeiouyAEIOUY0-9]")


@lru_cache(maxsize=65536)
def _stem_lower(word: str) -> str:
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def fold(text: str) -> str:
    """Lower case without accents, whitespace collapsed (for exact phrase and name matching)."""
    if not text.isascii():  # (ASCII has no accents to fold: most abstracts skip the char loop)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def name_key(name: str) -> str:
    """'Dao, Tri' and 'Tri Dao' alike: folded words in first-last order."""
    name = fold(name)
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    return " ".join(re.sub(r"[.\-]", " ", name).split())


def title_key(title: str, first_author: str = "") -> str:
    """Normalised title and the first author's folded surname (empty when there is no title):
    the same paper from two sources (issue 25)."""
    title = normalize_title(title)
    if not title:
        return ""
    name = name_key(first_author)  # 'Dao, Tri' and 'Tri Dao' alike
    surname = name.split()[-1] if name else ""
    return f"{title}|{surname}"
