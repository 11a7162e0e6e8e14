"""Topic tags for the offline engine: YAKE keyphrases of the title and abstract, kept only when
they read as a subject (no stop word, no vague or verb-like word at either end), lower-cased,
with singular and plural (and acronym) twins merged under one Snowball stem."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import yake

from paperbrief.models import MAX_TAGS
from paperbrief.text import STOPWORDS, stem, strip_urls

_LLM = re.compile(r"\b[Ll]arge [Ll]anguage [Mm]odels?\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
# Words every paper uses: too broad to tag a paper with on their own or at a phrase's end.
# Hand-listed: YAKE scores a word by how it is spread in one text, not by how common it is
# across papers, and no maintained list of 'generic research nouns' exists.
_GENERIC = frozenset(
    """model models large language task tasks data performance problem problems framework
    frameworks learning training evaluation benchmark benchmarks system systems set sets time
    way ways state art key high low large-scale end-to-end real-world effective efficient
    efficiently improve improves improved improving enable enables allow allows challenge
    challenges ability abilities capability capabilities quality accuracy level levels
    improvement improvements gain gains number numbers step steps setting settings solution
    solutions technique techniques tool tools analysis application applications domain domains
    strategy strategies design process research field area areas impact cost costs
    experiment experiments method methods approach approaches lack need needs support
    require requires generate generates including outperform outperforms solve solves""".split()
)
_NOT_AT_ENDS = re.compile(r"(?:ed|ly|ing|ive|ous|ful|able|ible|al|ic)$")
_ING_NOUNS = frozenset(
    """reasoning programming learning training scheduling checkpointing computing processing
    encoding decoding modeling modelling planning engineering testing debugging coding
    fine-tuning pretraining pre-training post-training sampling parsing mining understanding
    networking rendering matching ranking routing caching streaming threading tracking
    indexing prompting embedding serving tuning hashing scaling forecasting clustering
    pruning compiling profiling solving merging""".split()
)
_EXTRACTOR = yake.KeywordExtractor(lan="en", n=2, dedup_lim=0.9, top=40)


def _llm(match: re.Match[str]) -> str:
    return "LLMs" if match.group(0).endswith("s") else "LLM"


def _subject_word(word: str, last: bool) -> bool:
    """A word fit to start or end a tag: content, not vague, not an adjective or a verb form
    at the end (an -ing subject like 'reasoning' is fine)."""
    low = word.lower()
    if low in STOPWORDS or low in _GENERIC or len(low) < 2:
        return False
    if low in _ING_NOUNS or word.isupper() or any(c.isupper() for c in word[1:]):
        return True
    return not (last and _NOT_AT_ENDS.search(low)) and not low.endswith("ed")


def _fit(words: list[str]) -> bool:
    if not words or any(w.lower() in STOPWORDS or len(w) < 2 for w in words):
        return False
    if len(words) == 1:
        return _subject_word(words[0], last=True)
    return _subject_word(words[0], last=False) and _subject_word(words[-1], last=True)


def tags(title: str, abstract: str) -> list[str]:
    """Up to six lower-case tags, best first: phrases and names from the text as written."""
    return list(_tags(title, abstract))


@lru_cache(maxsize=4096)
def _tags(title: str, abstract: str) -> tuple[str, ...]:
    text = _LLM.sub(_llm, strip_urls(f"{title}.\n{abstract}" if title else abstract))
    forms: dict[tuple[str, ...], Counter[str]] = {}
    for match in re.finditer(r"[^.;:,()\[\]!?\n]+", text):  # how often each form is written
        words = _WORD.findall(match.group(0))
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                forms.setdefault(tuple(stem(w) for w in gram), Counter())[
                    " ".join(gram).lower()
                ] += 1
    out: list[str] = []
    covered: set[str] = set()
    for phrase, _score in _EXTRACTOR.extract_keywords(text):
        words = _WORD.findall(phrase)
        if not _fit(words):
            continue
        key = tuple(stem(w) for w in words)
        if set(key) & covered:  # 'code' after 'code translation', 'llms' after 'llm'
            continue
        written = forms.get(key) or Counter({phrase.lower(): 1})
        # the most written form of the twins ('llms' over 'llm'); on a tie the shorter
        tag = min(written, key=lambda f: (-written[f], len(f), f))[:40].strip()
        out.append(tag)
        covered.update(key)
        if len(out) == MAX_TAGS:
            break
    return tuple(out)
