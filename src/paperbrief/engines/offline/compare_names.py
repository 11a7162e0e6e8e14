"""Names for the offline comparison: what a reader would call each paper.

The title's head before a colon, the name the paper gives its own artifact, or a short cut
of the title, always grounded in the abstracts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperbrief.engines.offline.compare_text import initials, squeeze, trim
from paperbrief.models import Paper
from paperbrief.numbers import ungrounded
from paperbrief.text import sentences, squash

_CUT_TITLE = re.compile(r"\s(?:for|via|with|through|using|by|in|on|to|from|towards?)\s", re.I)
_HEAD_SPLIT = re.compile(r":|\s[-–—]{1,2}\s")
_INTRO_VERB = (r"(?:propose|present|introduce|develop|design|build|release|call|name|dub|term"
               r"|curate|construct|create)\w*")  # fmt: skip
_INTRODUCED = re.compile(
    r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?" + _INTRO_VERB + r"\s+"
    r"(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,5}?(?:called|named|dubbed|termed)\s+)?"
    r"([A-Z][\w.+-]*[A-Za-z0-9])(?![\w.+-]*[A-Za-z0-9])(?!\s+[A-Z])"
)
# a sentence in which the paper introduces something of its own ('we propose', 'this work presents')
_INTRO_SENTENCE = re.compile(r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?" + _INTRO_VERB,
                             re.IGNORECASE)  # fmt: skip
_ACRONYM = re.compile(r"((?:[A-Z][\w-]*\s+){1,6})\(([A-Z][A-Za-z0-9-]{1,11})\)")
_NAME_LIKE = re.compile(r"^[A-Z].*(?:[A-Z0-9]|\.[a-z]+$)")


def named(paper: Paper) -> str | None:
    """The name the paper gives its own artifact ('LLMCompiler', 'APR'), if the title uses it."""
    title = squeeze(paper.title)
    abstract = squash(paper.abstract)
    for m in _INTRODUCED.finditer(abstract):
        name = m.group(1)
        if _NAME_LIKE.match(name) and len(name) > 2 and squeeze(name) in title:
            return name
    for sentence in sentences(abstract):
        if not _INTRO_SENTENCE.search(sentence):
            continue
        for m in _ACRONYM.finditer(sentence):
            expansion, acronym = m.group(1), m.group(2)
            capitals = "".join(c for c in acronym if c.isupper())
            if len(capitals) < 3 or abstract.count(acronym) < 2:
                continue
            if initials(expansion).endswith(capitals):
                words = expansion.split()[-len(capitals) :]
                if squeeze(" ".join(words)) in title:
                    return acronym
    return None


def introduced(paper: Paper) -> tuple[str, ...]:
    """Every name the abstract gives its own artifact and uses again, in the title or not: 'We
    introduce ShifTed Rotray position embeddING (STRING). STRING shifts ...' gives STRING (a
    sentence led by it says what the paper does); `named` keeps only a name the title uses."""
    return _introduced(squash(paper.abstract))


@lru_cache(maxsize=4096)  # asked for each cell of each pair a paper is in
def _introduced(abstract: str) -> tuple[str, ...]:
    found = [m.group(1) for m in _INTRODUCED.finditer(abstract)
             if _NAME_LIKE.match(m.group(1)) and len(m.group(1)) > 2]  # fmt: skip
    for sentence in sentences(abstract):
        if _INTRO_SENTENCE.search(sentence):
            found += [m.group(2) for m in _ACRONYM.finditer(sentence)
                      if sum(c.isupper() for c in m.group(2)) >= 3]  # fmt: skip
    return tuple(n for n in dict.fromkeys(found)
                 if len(re.findall(rf"(?<![\w-]){re.escape(n)}(?![\w-])", abstract)) >= 2)


def described_by(abstract: str, line: str) -> str:
    """The sentence that says what `line`'s sentence only names: the next one or the one after,
    led by a name the line's sentence (the abstract's sentence sharing most words with it: a
    cleaned line lost its '(SL-HyDE)') introduces. 'We introduce a novel approach called
    Self-Learning Hypothetical Document Embeddings (SL-HyDE) to tackle this issue. SL-HyDE
    leverages large language models (LLMs) as generators ...' gives the second; '' when no
    sentence follows so."""
    flat = [squash(s) for s in sentences(abstract)]
    words = set(line.lower().split())
    if not flat or not words:
        return ""
    at = max(range(len(flat)), key=lambda i: len(words & set(flat[i].lower().split())))
    names = [n for n in _introduced(squash(abstract))
             if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", flat[at])]  # fmt: skip
    for sentence in flat[at + 1 : at + 3]:
        if any(re.match(re.escape(n) + r"(?:\s*\([^()]{1,40}\))?,?\s+[a-z]", sentence)
               for n in names):  # fmt: skip
            return sentence
    return ""


def short_name(paper: Paper, grounding: str) -> str | None:
    """What a reader would call the paper: the title's head before a colon, the name it gives
    its own artifact, or a short cut of the title; None if none is short and grounded."""
    title = squash(paper.title)
    candidates: list[str] = []
    head = _HEAD_SPLIT.split(title, maxsplit=1)[0].strip()
    if head != title and 1 <= len(head.split()) <= 5:
        candidates.append(head)
    name = named(paper)
    if name:
        candidates.append(name)
    if len(title.split()) <= 6:
        candidates.append(title)
    cuts = [head[: m.start()] for m in _CUT_TITLE.finditer(head)]
    candidates += [cut for cut in cuts if 2 <= len(cut.split()) <= 6][:1]
    candidates.append(" ".join(trim(title.split()[:5])))
    for candidate in candidates:
        candidate = candidate.strip(" ,;:-")
        if candidate and not ungrounded(candidate, grounding):
            return candidate
    return None
