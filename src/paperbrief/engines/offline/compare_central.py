"""Where a paper uses a phrase: centrally, in passing, or only as background it sets itself against.

Blind readers (rounds 8 and 9) found the shared-ground line built on words both abstracts happen
to write rather than on what both papers are about: 'radiance field' for an acoustics paper that
names radiance fields only in a 'While volume rendering has been successful in modeling radiance
fields ...' clause, 'text prompt' for a paper whose 'existing video generation models rely mainly
on text prompts', 'neural radiance field' for two 3D Gaussian Splatting papers (one writing
'3DGS'), and focus cells such as 'explicit CoT' for a paper about implicit CoT. Here a paper's
phrase keys (compare_phrases' stems) get a weight by where they occur:

- CENTRAL (2): in the title or in a sentence saying what the paper does ('we propose ...',
  'this paper introduces ...': compare_cells.approach_sentence). Not the takeaway too: the pair
  gate would run the takeaway selector again for every candidate (1,000 papers: 6.7 s -> 5.5 s
  end to end without it; 5 of the held-out digest's 521 shared-ground lines change);
- PASSING (1): elsewhere in the abstract;
- BACKGROUND (0): only inside a clause the paper sets itself against or builds on ('unlike X',
  'instead of X', 'rather than X', 'existing/previous/traditional X ...', 'inspired by X', a
  leading 'While X ...,' clause), or a phrase whose modifier is the opposite of a title word
  ('explicit CoT' in a paper titled '... Implicit Reasoning').

An acronym the abstract defines ('3D Gaussian Splatting (3DGS)') counts as its expansion, in
either paper of a pair (`joined`). These are rules over the abstract's own wording: no library
tells a paper's contribution from its background, and a part-of-speech tagger small enough to
ship needs a model download at run time (paperbrief.phrases).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from paperbrief.engines.offline.compare_cells import approach_sentence
from paperbrief.engines.offline.compare_phrases import Phrases, generic_phrase, phrases
from paperbrief.engines.offline.extract import clean, strip_lead_in
from paperbrief.phrases import is_adjective, is_verb_form
from paperbrief.text import STOPWORDS, sentences

BACKGROUND, PASSING, CENTRAL = 0, 1, 2

# a cue opening a span the paper does not claim as its own, to the end of the clause
_CUE = re.compile(
    r"\b(?:unlike|instead of|rather than|in contrast to|as opposed to|inspired by|borrow(?:s|ed"
    # 'without Learned Priors', 'without relying on externally learned priors' (round 11)
    r"|ing)? from|adopted from|without(?: (?:relying on|using|requiring|any|the need for))?"
    r"|(existing|previous|prior|traditional|conventional|classical"
    r"|vanilla))\b",
    re.IGNORECASE,
)
# after 'existing', 'prior' ... the noun phrase is the kind of thing the paper makes too ('prior
# GUI agents often trained with ...' of a GUI agent paper); what those do is the foil ('most
# existing video generation models rely mainly on text prompts'): the span starts past it
_NP_WORD = re.compile(r"\s*([A-Za-z0-9][\w-]*)")
# a leading concessive clause ('While volume rendering has been successful in modeling radiance
# fields ..., IRs present unique challenges'), to its first comma
_CONCESSIVE = re.compile(r"^(?:while|although|though|whereas|despite)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:]|\s(?:but|however|whereas|which|we|our)\s")
# pairs of opposite modifiers: a phrase with one of them in a paper whose title has the other is
# what the paper contrasts itself with ('explicit CoT' of 'LLMs Do Not Think Step-by-step In
# Implicit Reasoning'); a short hand list, as no offline library knows antonyms (WordNet is a
# download)
_OPPOSITES = (
    ("implicit", "explicit"), ("discrete", "continuous"), ("online", "offline"),
    ("supervised", "unsupervised"), ("dense", "sparse"), ("static", "dynamic"),
    ("synchronous", "asynchronous"), ("autoregressive", "non-autoregressive"),
    ("white-box", "black-box"), ("single-agent", "multi-agent"), ("training-free", "trained"),
)  # fmt: skip
_OPPOSITE = {a: b for pair in _OPPOSITES for a, b in (pair, pair[::-1])}


@dataclass(frozen=True)
class Placement:
    """A paper's phrase keys by where they occur (keys as compare_phrases counts them)."""

    central: frozenset[tuple[str, ...]]
    passing: frozenset[tuple[str, ...]]  # used outside background clauses (central ones too)
    contrasted: frozenset[tuple[str, ...]]  # carrying the opposite of a title word

    def weight(self, key: tuple[str, ...]) -> int:
        if key in self.contrasted:
            return BACKGROUND
        if key in self.central:
            return CENTRAL
        return PASSING if key in self.passing else BACKGROUND


def _keys(text: str) -> set[tuple[str, ...]]:
    # read as a title: runs never cross punctuation, so the sentences need no splitting again
    return set(phrases(text, "").counts) if text.strip() else set()


def own_text(sentence: str) -> str:
    """The sentence without the clauses it sets itself against ('unlike X, ...', 'existing X
    ...', a leading 'While X ...,')."""
    text = sentence
    if _CONCESSIVE.match(text):
        comma = text.find(",")
        text = text[comma + 1 :] if comma > 0 else ""
    out, at = [], 0
    for m in _CUE.finditer(text):
        if m.start() < at:
            continue
        out.append(text[at : m.start()])
        start = _past_noun_phrase(text, m.end()) if m.group(1) else m.end()
        out.append(text[m.end() : start])
        end = _CLAUSE_END.search(text, start)
        at = end.start() if end else len(text)
    out.append(text[at:])
    return " ".join(out)


def placement(title: str, abstract: str, defined: dict[str, str] | None = None) -> Placement:
    """Where the paper's phrases occur; an acronym of `defined` it writes counts as its
    expansion (only those: the cache then holds one placement per paper, not one per pair)."""
    text = f"{title} {abstract}"
    used = {a: e for a, e in (defined or {}).items() if re.search(rf"\b{re.escape(a)}", text)}
    return _placement(title, abstract, tuple(sorted(used.items())))


def _past_noun_phrase(text: str, at: int, most: int = 4) -> int:
    """Where the noun phrase starting at `at` ends: before a stopword, a verb form or an -ly
    adverb, at most `most` words on."""
    for _ in range(most):
        m = _NP_WORD.match(text, at)
        if not m:
            break
        word = m.group(1).lower()
        if word in STOPWORDS or is_verb_form(word) or (word.endswith("ly") and len(word) > 4):
            break
        at = m.end()
    return at


@lru_cache(maxsize=4096)
def _placement(title: str, abstract: str, defined: tuple[tuple[str, str], ...]) -> Placement:
    def keys(text: str) -> set[tuple[str, ...]]:
        """The text's keys, as written and with each acronym spelled out."""
        spelled = text
        for acronym, expansion in defined:
            spelled = re.sub(r"(?<![\w-])" + re.escape(acronym) + r"s?(?![\w])", expansion, spelled)
        return _keys(text) | (_keys(spelled) if spelled != text else set())

    said = sentences(clean(abstract))
    main = [s for s in said if approach_sentence(strip_lead_in(s), ())]
    central = keys(own_text(title)) | keys(" ".join(main))
    passing = central | keys(" ".join(own_text(s) for s in said))
    titled = {w.lower() for w in re.findall(r"[A-Za-z][\w-]*", title)}
    opposite = {_OPPOSITE[w] for w in titled if w in _OPPOSITE} - titled
    lower = phrases(title, abstract).lower if opposite else {}  # most titles have no such word
    contrasted = {k for k, forms in lower.items()
                  if len(k) > 1 and any(opposite & set(f) for f in forms)}  # fmt: skip
    return Placement(frozenset(central), frozenset(passing), frozenset(contrasted))


# what makes the next words a verb phrase: 'designed to assess VLMs', 'which dynamically
# estimates token budgets', 'can generate'; 'to' alone does not ('robust to unseen degradations',
# 'applied to video generation'): only after a word of purpose ('designed to', 'able to')
_MODALS = frozenset("can could may might will would should must cannot".split())
_RELATIVE = frozenset("which that who".split())
_TO_VERB = frozenset(
    """designed developed built trained proposed introduced created used employed required
    aims aim aiming able unable how ability order seeks seek tries try attempts attempt learn
    learns learning want wants need needs strive strives""".split()
)
_DETERMINER = frozenset("the a an of for our its their this these with in on by".split())


def _verb_here(before2: str, before: str, first: str) -> bool:
    """True when `first`, after the words `before2 before`, reads as a verb."""
    third_person = first.endswith("s") and not first.endswith("ss")
    if before in _MODALS:
        return True
    if before == "to":
        return before2 in _TO_VERB
    if before in _RELATIVE or (before.endswith("ly") and before2 in _RELATIVE):
        return third_person
    return False


def verb_led(term: str, texts: tuple[str, ...]) -> bool:
    """True when `term` opens on a verb wherever it is written ('assess VLMs' of 'a benchmark
    designed to assess VLMs', 'estimates token budgets' of 'which dynamically estimates token
    budgets') and its first word never follows an article or preposition; not 'unseen
    degradations' of 'robust to unseen degradations'."""
    words = term.split()
    if len(words) < 2:
        return False
    found = [
        (m.group(1) or "", m.group(2))
        for text in texts
        for m in re.finditer(
            r"(?:([A-Za-z]+)\s+)?([A-Za-z]+)\s+" + re.escape(term) + r"\b", text, re.IGNORECASE
        )
    ]
    if not found or not all(_verb_here(b2.lower(), b.lower(), words[0]) for b2, b in found):
        return False
    first = re.escape(words[0])
    return not any(
        re.search(rf"\b(?:{'|'.join(_DETERMINER)})\s+{first}\b", t, re.IGNORECASE) for t in texts
    )


# an acronym defined in parentheses after its expansion: '3D Gaussian Splatting (3DGS)',
# 'Retrieval-Augmented Generation (RAG)', 'Chain-of-Thought (CoT)'
_DEFINED = re.compile(r"((?:[A-Za-z0-9][\w-]*\s+){1,6})\(([A-Za-z0-9][A-Za-z0-9-]{1,9})\)")


def _spells(acronym: str, parts: list[str]) -> bool:
    """True when each part gives the acronym its next letters, at least its first ('3D
    Gaussian Splatting' -> '3DGS', 'Neural Radiance Fields' -> 'NeRF', 'Chain-of-Thought' ->
    'CoT')."""
    if not parts:
        return not acronym
    head = parts[0].lower()
    return any(acronym.startswith(head[:n]) and _spells(acronym[n:], parts[1:])
               for n in range(len(head), 0, -1))  # fmt: skip


@lru_cache(maxsize=4096)
def definitions(abstract: str) -> dict[str, str]:
    """The acronyms an abstract defines, each with its expansion as written (cached: callers
    do not mutate it)."""
    out: dict[str, str] = {}
    for m in _DEFINED.finditer(" ".join(abstract.split())):  # clean() drops parentheses
        acronym = m.group(2)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        short = acronym.lower().rstrip("s") if acronym.endswith("s") else acronym.lower()
        words = m.group(1).split()
        for n in range(1, len(words) + 1):
            parts = [p for w in words[-n:] for p in w.split("-") if p]
            if any(_spells(a, parts) for a in {acronym.lower(), short}):
                out.setdefault(acronym.rstrip("s") if short != acronym.lower() else acronym,
                               " ".join(words[-n:]))  # fmt: skip
                break
    return out


def joined(p: Phrases, title: str, abstract: str, defined: dict[str, str]) -> Phrases:
    """The paper's phrases with each defined acronym's uses counted as uses of its expansion
    (a title's '3DGS-DET' is a title use of '3D Gaussian Splatting')."""
    counts, in_title = Counter(p.counts), set(p.in_title)
    changed = False
    for acronym, expansion in defined.items():
        key = max(phrases("", expansion).counts, key=len, default=())
        if len(key) < 2:
            continue
        use = re.compile(r"(?<![\w-])" + re.escape(acronym) + r"s?(?![\w])")
        uses = len(use.findall(abstract)) - abstract.count(f"({acronym})")
        if uses > 0:
            counts[key] += uses
            changed = True
        if use.search(title) and key not in in_title:
            in_title.add(key)
            counts[key] += 0
            changed = True
    if not changed:
        return p
    surface = dict(p.surface)
    for expansion in defined.values():
        key = max(phrases("", expansion).counts, key=len, default=())
        if key in counts and key not in surface:  # counted from the acronym alone
            surface[key] = Counter({_plain(expansion): 1})
    return replace(p, counts=counts, in_title=in_title, surface=surface)


def _plain(expansion: str) -> str:
    """'Neural Radiance Fields' -> 'neural radiance fields'; '3D' and acronyms kept."""
    return " ".join(w.lower() if w[1:].islower() else w for w in expansion.split())


# heads that name no subject however they are modified ('a unified perspective', 'the inherent
# force of video diffusion models'): a focus cell of one says nothing (round 9's readers)
_VAGUE_HEADS = frozenset(
    """perspective perspectives force forces lens viewpoint angle manner nature aspect aspects
    way ways sense notion power potential""".split()
)


def focus_term(term: str, title: str, abstract: str) -> bool:
    """True when `term` can be a paper's focus: a noun phrase (not 'estimates token budgets'),
    not the field's prose ('complex tasks'), not a vague head ('unified perspective'), and not
    what the paper sets itself against ('explicit CoT' of an implicit-reasoning paper)."""
    words = term.split()
    if not words or words[-1].lower() in _VAGUE_HEADS:
        return False
    if generic_phrase(term) and is_adjective(words[0]):  # 'reasoning agents' is a subject
        return False
    if verb_led(term, (abstract,)):
        return False
    key = max(phrases("", term).counts, key=len, default=())
    return not key or placement(title, abstract, definitions(abstract)).weight(key) > BACKGROUND


def with_digits(term: str, text: str) -> str:
    """The term with the digit-led word every use of it follows ('object generation' ->
    '3D object generation'): phrases break at digits (compare_phrases), which cuts them off."""
    before = re.findall(r"(?<![\w-])([0-9][\w-]*)?\s*(?<![\w-])" + re.escape(term) + r"\b", text,
                        re.IGNORECASE)  # fmt: skip
    if before and len(set(before)) == 1 and before[0] and re.fullmatch(r"[0-9][A-Za-z]", before[0]):
        return f"{before[0]} {term}"
    return term
