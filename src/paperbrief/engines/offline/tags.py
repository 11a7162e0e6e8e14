"""Topic tags for the offline engine: the title's and abstract's keyphrases by TF-IDF, kept only
when they read as a subject (no stop word, no vague or verb-like word at either end), lower-cased,
with singular and plural (and acronym) twins merged under one Snowball stem.

A phrase (one or two words) scores by how often the paper writes it (a title mention counts
extra) times how rare its words are across papers: the document frequencies of term_df.json,
counted over 4,194 real abstracts by bench/build_term_df.py. (YAKE, used before, scored a word by
its spread within one text only and took 15 ms a paper, half an offline takeaway's time; this
takes a fraction of a millisecond and knows that 'model' is common and 'speculative' is not.)"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from paperbrief.models import MAX_TAGS
from paperbrief.phrases import ING_NOUNS
from paperbrief.text import STOPWORDS, stem, strip_urls

_LLM = re.compile(r"\b[Ll]arge [Ll]anguage [Mm]odels?\b")
# a word starts with a letter not glued to a digit ('90th' is no word 'th'); 'CUDA.jl' is one
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-'.][A-Za-z0-9]+)*")
# Words every paper uses: too broad to tag a paper with on their own or at a phrase's end.
# Hand-listed: no maintained list of 'generic research nouns' exists, and document frequency
# alone would also drop words that are common but specific ('diffusion', 'retrieval').
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
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")  # '\textsc{...}' tags as its content, not 'textsc'
# Citation and comparison shorthand: words no tag starts or ends with
_SHORTHAND = frozenset({"et", "al", "vs", "etc", "e.g", "i.e", "cf", "w.r.t"})
_CLAUSE = re.compile(r"(?:[^.;:,()\[\]!?\n]|\.(?=\w))+")  # up to a mark or a full stop
TITLE_WEIGHT = 2  # a phrase of the title counts as this many mentions more


@lru_cache(maxsize=1)
def _df() -> tuple[int, dict[str, int]]:
    table = json.loads((Path(__file__).with_name("term_df.json")).read_text("utf-8"))
    return int(table["documents"]), table["df"]


def _idf(word_stem: str) -> float:
    """Smoothed inverse document frequency (scikit-learn's formula) over the shipped corpus; a
    stem the corpus never saw twice counts as seen once."""
    documents, df = _df()
    return math.log((documents + 1) / (df.get(word_stem, 1) + 1)) + 1


def term_stems(text: str) -> set[str]:
    """The stems of a text's words, as tags count them (bench/build_term_df.py counts these)."""
    return {stem(word) for word in _WORD.findall(_LLM.sub(_llm, strip_urls(text)))}


def _llm(match: re.Match[str]) -> str:
    return "LLMs" if match.group(0).endswith("s") else "LLM"


def _subject_word(word: str, last: bool) -> bool:
    """A word fit to start or end a tag: content, not vague, not an adjective or a verb form
    at the end (an -ing subject like 'reasoning' is fine)."""
    low = word.lower()
    if low in STOPWORDS or low in _GENERIC or len(low) < 2:
        return False
    if low in ING_NOUNS or word.isupper() or any(c.isupper() for c in word[1:]):
        return True
    return not (last and _NOT_AT_ENDS.search(low)) and not low.endswith("ed")


@lru_cache(maxsize=1 << 16)
def _word(word: str) -> tuple[str, bool, bool, bool]:
    """A word as tags read it: (stem, usable in a tag, fit to start one, fit to end one)."""
    low = word.lower()
    usable = low not in STOPWORDS and low not in _SHORTHAND and len(word) >= 2
    return stem(word), usable, _subject_word(word, last=False), _subject_word(word, last=True)


def tags(title: str, abstract: str) -> list[str]:
    """Up to six lower-case tags, best first: phrases and names from the text as written."""
    return list(_tags(title, abstract))


@lru_cache(maxsize=4096)
def _tags(title: str, abstract: str) -> tuple[str, ...]:
    mentions: Counter[tuple[str, ...]] = Counter()
    first: dict[tuple[str, ...], int] = {}
    forms: dict[tuple[str, ...], dict[str, int]] = {}  # how often each form is written
    for weight, part in ((1 + TITLE_WEIGHT, title), (1, abstract)):
        text = _LLM.sub(_llm, _LATEX_COMMAND.sub(" ", strip_urls(part)))
        for clause in _CLAUSE.finditer(text):
            words = _WORD.findall(clause.group(0))
            read = [_word(w) for w in words]
            # single words, then pairs: (stem, usable, fit to start, fit to end) of each word
            grams = [
                ((r[0],), w) for r, w in zip(read, words, strict=True) if r[1] and r[2] and r[3]
            ]
            grams += [
                ((a[0], b[0]), f"{words[i]} {words[i + 1]}")
                for i, (a, b) in enumerate(zip(read, read[1:], strict=False))
                if a[1] and b[1] and a[2] and b[3]
            ]
            for key, gram in grams:
                mentions[key] += weight
                first.setdefault(key, len(first))
                written = forms.setdefault(key, {})
                form = gram.lower()
                written[form] = written.get(form, 0) + 1

    def score(key: tuple[str, ...]) -> float:
        return mentions[key] * sum(_idf(s) for s in key)

    # a two-word phrase written once, outside the title, is more often a chance neighbourhood
    # ('direct consequence') than a subject
    candidates = [k for k in mentions if len(k) == 1 or mentions[k] > 1]

    out: list[str] = []
    covered: set[str] = set()
    for key in sorted(candidates, key=lambda k: (-score(k), first[k])):
        if set(key) & covered:  # 'code' after 'code translation', 'llms' after 'llm'
            continue
        written = forms[key]
        # the most written form of the twins ('llms' over 'llm'); on a tie the shorter
        tag = min(written, key=lambda f: (-written[f], len(f), f))[:40].strip()
        out.append(tag)
        covered.update(key)
        if len(out) == MAX_TAGS:
            break
    return tuple(out)
