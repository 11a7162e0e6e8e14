"""The subject two papers share, or the finding that they share none.

Two papers share a subject when both abstracts (or titles) use a distinctive phrase: a run of
2-3 content words (compare_phrases.phrases) that few papers use, or, failing one, at least two
distinctive single words each paper stresses (in its title, or twice in its abstract), or one
rare word both use at length ('checkpointing', four times each, a title counting two). How
distinctive a phrase is comes from phrase_df.json (document frequencies of the phrases over
real abstracts, counted by scikit-learn's CountVectorizer in bench/build_phrase_df.py), not from
the listing: the verdict depends on the two papers alone, so `paperbrief compare A B` and the
digest say the same about a pair, whichever order they name it in.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from paperbrief.engines.offline.compare_central import (
    BACKGROUND,
    CENTRAL,
    Placement,
    definitions,
    joined,
    placement,
    verb_led,
)
from paperbrief.engines.offline.compare_facts import Reported, shared_results
from paperbrief.engines.offline.compare_phrases import (
    Phrases,
    generic_phrase,
    has_verb,
    head_complete,
    noun_like,
    phrases,
    shared_text,
)
from paperbrief.engines.offline.pair_strength import SURE_SIMILARITY, listed, similarity, weak
from paperbrief.models import Paper
from paperbrief.phrases import FIELD_NOUNS as GENERIC_NOUNS
from paperbrief.phrases import is_adjective as adjective
from paperbrief.phrases import same_root as same_stem
from paperbrief.text import stem

# a phrase in more than this share of the corpus's papers is the field's, not a subject
MAX_PHRASE_SHARE = 0.01
# a phrase in both titles is what both papers are about even when commoner ('Gaussian
# splatting', 1.2 % of papers; round 9's readers wanted it named, not 'neural radiance field')
MAX_TITLE_PHRASE_SHARE = 0.02
MAX_WORD_SHARE = 0.03  # a lone word must be rarer still to count (with another one)
MIN_WORDS_ALONE = 2  # distinctive single words needed when no phrase is shared
MAX_LISTED = 3
# a word this rare in both titles (not a name) is named beside the phrases: 'medical' of two
# papers on medical reasoning (round 9 pair 10), 'Arabic', 'acoustic'
ALSO_SHARE = 0.015
STRONG_USES = 4
# what kind of document a paper is ('technical report') is no subject: stems
_GENRE = frozenset("technic report paper articl survey review studi work preprint card".split())
# and a phrase naming the document at all ('this survey aims to serve as a valuable resource':
# 'survey aims') is boilerplate, whatever the other word
_DOCUMENT = frozenset("paper articl survey preprint".split())


@lru_cache(maxsize=1)
def _table() -> tuple[int, dict[str, int]]:
    data = json.loads(Path(__file__).with_name("phrase_df.json").read_text("utf-8"))
    return int(data["documents"]), {str(k): int(v) for k, v in data["df"].items()}


def phrase_keys(title: str, abstract: str) -> list[str]:
    """The phrase keys (stems joined by spaces) of a paper, as phrase_df.json counts them."""
    return [" ".join(key) for key in phrases(title, abstract).counts]


def share(key: tuple[str, ...]) -> float:
    """The share of the corpus's papers that use this phrase (0 for one it never met)."""
    documents, df = _table()
    return df.get(" ".join(key), 0) / documents


def idf(key: tuple[str, ...]) -> float:
    documents, df = _table()
    return math.log((documents + 1) / (df.get(" ".join(key), 0) + 1))


def _uses(p: Phrases, key: tuple[str, ...]) -> int:
    """How strongly a paper uses a phrase: its abstract's count, plus 2 when in its title."""
    return p.counts.get(key, 0) + 2 * (key in p.in_title)


@dataclass(frozen=True)
class Ground:
    """What two papers share: the distinctive phrases (as written), most distinctive first."""

    phrases: list[str]
    words: list[str]  # distinctive single words both stress (counted only without a phrase)

    @property
    def nouns(self) -> list[str]:
        return [w for w in self.words if w not in self.adjectives]

    strong: bool = False  # one rare word both papers use at length ('checkpointing')

    @property
    def related(self) -> bool:
        return bool(self.phrases) or self.strong or len(self.words) >= MIN_WORDS_ALONE

    adjectives: list[str] = field(default_factory=list)  # shared words that are no subject alone
    keys: list[tuple[str, ...]] = field(default_factory=list)  # the phrases' and words' stems
    # rare words central to both, one title's, beside the phrases ('Arabic' of an Arabic LMM
    # benchmark and a bilingual Arabic-English medical LMM: round 9 pair 18)
    also: list[str] = field(default_factory=list)

    @property
    def named(self) -> list[str]:
        """What the shared ground line names: the phrases, else the nouns among the words."""
        return self.phrases or self.words


def _surface(key: tuple[str, ...], pa: Phrases, pb: Phrases) -> str:
    """The phrase as the two papers write it most (the same whichever paper is first)."""
    forms: dict[str, int] = {}
    for p in (pa, pb):
        for form, n in (p.surface.get(key) or {}).items():
            forms[form] = forms.get(form, 0) + n
    if not forms:
        return " ".join(key)
    return min(forms.items(), key=lambda fc: (-fc[1], fc[0]))[0]


def ground(pa: Phrases, pb: Phrases, texts: tuple[str, str] | None = None,
           placed: tuple[Placement, Placement] | None = None,
           defined: dict[str, str] | None = None) -> Ground:  # fmt: skip
    """The distinctive phrases and words both papers use (symmetric in the two papers). With
    the two papers' texts, a phrase counts only when one of them writes it as a whole noun
    phrase ('training generalist' of 'training generalist robots' does not), never as a verb
    phrase ('to assess VLMs'). With where each paper uses its phrases (`placed`: compare_central),
    a phrase one paper uses only as background is no shared ground, phrases central to both
    come first, and when some are, only those are named."""

    def weight(k: tuple[str, ...]) -> int:
        return min(placed[0].weight(k), placed[1].weight(k)) if placed else CENTRAL

    def rare(k: tuple[str, ...]) -> bool:
        both = k in pa.in_title and k in pb.in_title
        return share(k) <= (MAX_TITLE_PHRASE_SHARE if both else MAX_PHRASE_SHARE)

    common = sorted(k for k in set(pa.counts) & set(pb.counts) if weight(k) > BACKGROUND)
    # a phrase inside a longer one both share that is the field's ('space model' inside 'state
    # space model') is that phrase cut, not a subject of its own
    broad = [k for k in common if len(k) > 1
             and (not rare(k) or generic_phrase(_surface(k, pa, pb)))]
    multi = [k for k in common if len(k) > 1 and rare(k)
             and not set(k) <= _GENRE and not set(k) & _DOCUMENT
             and not generic_phrase(_surface(k, pa, pb))
             and not has_verb(_surface(k, pa, pb))
             and not any(len(b) > len(k) and _inside(k, b) for b in broad)]  # fmt: skip
    if texts is not None:
        multi = [k for k in multi if any(head_complete(_surface(k, pa, pb), t) for t in texts)
                 and not verb_led(_surface(k, pa, pb), texts)]  # fmt: skip
    # in both titles first, then one both use more than once, then longest, rarest and most
    # used ('bronze medal', once in each abstract, comes after 'GUI agents'); a phrase inside a
    # chosen longer one is not repeated
    multi.sort(key=lambda k: (-weight(k), -(k in pa.in_title and k in pb.in_title),
                              -(min(_uses(pa, k), _uses(pb, k)) >= 2),
                              -len(k) * idf(k) - min(_uses(pa, k), _uses(pb, k)), k))
    chosen: list[tuple[str, ...]] = []
    for key in multi:
        if not any(set(key) <= set(c) or _same_words(key, c) for c in chosen):
            chosen.append(key)  # 'robot data' after 'robot datasets' is the same phrase
    # the line names each subject once, and not a phrase used in passing (pair_strength)
    caps = {w.lower() for k in chosen for w in _surface(k, pa, pb).split()
            if w.isupper() and 2 <= len(w) <= 6}  # fmt: skip
    chosen = listed(chosen, lambda k: _surface(k, pa, pb),
                    lambda k: min(_uses(pa, k), _uses(pb, k)), caps)  # fmt: skip
    if any(weight(k) == CENTRAL for k in chosen):
        chosen = [k for k in chosen if weight(k) == CENTRAL]
    # an acronym's expansion is named as the papers' own phrase with the acronym when there is
    # one ('GUI agents', not 'graphical user interface')
    for acronym, expansion in (defined or {}).items():
        long = max(phrases("", expansion).counts, key=len, default=())
        short = stem(acronym.lower())
        if long in chosen:
            alt = [k for k in multi if short in k and k not in chosen]
            chosen = [alt[0] if k == long and alt else k for k in chosen]
    taken = {w for k in chosen for w in k}
    singles = [
        k for k in common
        if len(k) == 1 and k[0] not in taken and share(k) <= MAX_WORD_SHARE
        and min(_uses(pa, k), _uses(pb, k)) >= 2
        and pa.first_word(k) not in GENERIC_NOUNS
    ]  # fmt: skip
    singles.sort(key=lambda k: (-idf(k) - min(_uses(pa, k), _uses(pb, k)), k))
    nouns, adjectives, seen = [], [], []
    for k in singles:
        word = _surface(k, pa, pb)
        parts = [w for s in seen for w in s.split("-")] + seen
        if has_verb(word) or _verb_use(word, texts) or any(
                same_stem(word, w) or same_stem(x, w) for w in parts
                                 for x in word.split("-")):  # fmt: skip
            continue  # 'safety' and 'safes' are one word, 'offer' no subject
        seen.append(word)
        if len(seen) > MAX_LISTED:
            break
        if noun_like(word) and not adjective(pa.first_word(k)):
            nouns.append(_as_written(shared_text(word, pa, pb), word, pa, pb))
        else:  # 'concurrent': counted, never pluralised into 'concurrents'
            adjectives.append(word)
    strong = any(
        share(k) <= MAX_PHRASE_SHARE and min(_uses(pa, k), _uses(pb, k)) >= STRONG_USES
        and _surface(k, pa, pb) in seen
        for k in singles
    ) or any(  # a distinctive noun both titles write ('Motion Prompting', 'Human Motion')
        k in pa.in_title and k in pb.in_title and "-" not in k[0] and _surface(k, pa, pb) in nouns
        for k in singles
    )
    named = {w for k in chosen[:MAX_LISTED] for w in k}
    # (or a modifier of the subject one title names, 'parallel' and 'autoregressive' beside
    # 'visual generation', 'multilingual' beside 'evaluation suite': round 18's readers found
    # the phrase alone too broad)
    also = [_surface(k, pa, pb) for k in singles if _surface(k, pa, pb) in seen
            and k[0] not in named and weight(k) > BACKGROUND
            and (share(k) <= ALSO_SHARE and k in pa.in_title and k in pb.in_title
                 or _surface(k, pa, pb) in adjectives and adjective(_surface(k, pa, pb))
                 and (k in pa.in_title or k in pb.in_title))
            and not _negated(_surface(k, pa, pb), texts)
            and k[0] not in _names(texts) and k[0] not in _GENRE and not set(k) & _DOCUMENT
            and not _spelled_in(k[0], named, defined)]  # fmt: skip
    return Ground(
        also=also if chosen else [],
        phrases=[_surface(k, pa, pb) for k in chosen[:MAX_LISTED]],
        words=[*nouns, *adjectives],
        adjectives=adjectives,
        strong=strong,
        keys=[*chosen[:MAX_LISTED], *[k for k in singles if _surface(k, pa, pb) in seen]],
    )


# a word more than this share of the corpus's papers use is common: a phrase of common words
# only ('dynamic environments', 'text prompts', 'video data') is thin ground on its own
COMMON_WORD_SHARE = 0.02


def loose(pa: Phrases, pb: Phrases, shared: Ground, results: bool,
          titles: tuple[str, str] = ("", "")) -> bool:  # fmt: skip
    """True when two related papers share little: no benchmark both report, no shared phrase or
    word in either title (nor a word of it in both: 'Multi-Garments' and 'Multi-Garment'), and
    either only single words or one phrase made of common words ('dynamic environments'). A
    comparison then says the link is loose."""
    if not shared.related or results or not shared.keys:
        return False
    if any(k in pa.in_title or k in pb.in_title for k in shared.keys):
        return False
    words = [set(re.findall(r"[a-z0-9]+", t.lower())) for t in titles]
    if any(all(any(w.startswith(stem) for w in ws) for ws in words)
           for k in shared.keys for stem in k if len(stem) >= 4):  # fmt: skip
        return False
    if not shared.phrases:
        return True
    if len(shared.phrases) > 1:
        return False
    key = shared.keys[0]
    return all(share((word,)) > COMMON_WORD_SHARE for word in key)


def _negated(word: str, texts: tuple[str, str] | None) -> bool:
    """True when a text says the word's opposite: 'non-autoregressive' (Meissonic) beside
    another paper's 'autoregressive' is no shared word (round 20's paired readers)."""
    return any(re.search(r"\b(?:non|not)[- ]" + re.escape(word), t, re.IGNORECASE)
               for t in texts or ())  # fmt: skip


def _spelled_in(word: str, named: set[str], defined: dict[str, str] | None) -> bool:
    """True when the word is an acronym, or part of an expansion, whose other form the named
    phrases already hold ('VLMs' beside 'vision language models', 'in-context' beside 'ICL')."""
    parts = set(word.split("-"))
    for acronym, expansion in (defined or {}).items():
        spelled = {stem(w.lower()) for w in re.findall(r"[A-Za-z0-9]+", expansion)}
        short = stem(acronym.lower())
        if (word == short and spelled & named) or (parts & spelled and short in named):
            return True
        if parts & spelled and spelled & named:
            return True
    return False


def _names(texts: tuple[str, str] | None) -> set[str]:
    """The stems of the words before a title's colon ('Seeker: Towards ...'): a paper's name."""
    titles = [t.split(". ", 1)[0] for t in texts or ()]
    heads = [t.split(":", 1)[0] for t in titles if ":" in t]
    return {stem(w.lower()) for h in heads for w in re.findall(r"[A-Za-z][\w-]*", h)}


def _as_written(text: str, word: str, pa: Phrases, pb: Phrases) -> str:
    """The shared word as the papers write it: a plural neither abstract writes of a hyphenated
    modifier or an adjective-like word ('training-frees', 'zero-shots', 'moleculars') is the
    word itself; a count noun keeps its plural ('heads and avatars')."""
    if text.lower() == word.lower() or text.lower() in pa.lowercase | pb.lowercase:
        return text
    if "-" in word or word.lower().endswith(("ular", "al", "ic", "ary", "motor", "ive", "ous")):
        return word
    return text


# a word written as a verb: 'Draft Model Knows When to Stop', 'LLMs Know More Than They Show'
_VERB_NEXT = r"\s+(?:when|what|how|where|why|whether|more\s+than|less\s+than|better\s+than)\b"


def _verb_use(word: str, texts: tuple[str, str] | None) -> bool:
    """True when a text writes the shared word as a verb (its next words 'when', 'what', 'more
    than': 'knows when to stop'): a verb form is no subject."""
    if texts is None:
        return False
    stem = re.escape(word.lower().rstrip("s"))
    return any(re.search(rf"\b{stem}s?{_VERB_NEXT}", t, re.IGNORECASE) for t in texts)


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(x == y or same_stem(x, y) for x, y in zip(a, b, strict=True))


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


@lru_cache(maxsize=4096)
def _phrases(title: str, abstract: str) -> Phrases:
    return phrases(title, abstract)


def paper_phrases(paper: Paper) -> Phrases:
    """A paper's phrases, cached (a digest asks for a paper's once per candidate pair)."""
    return _phrases(paper.title, paper.abstract)


@dataclass(frozen=True)
class Link:
    """How two papers are linked: their shared ground, the benchmarks both report (as
    `shared_results` gives them, first paper first) and whether the link is thin (`loose`)."""

    ground: Ground
    results: list[tuple[Reported, Reported]]
    thin: bool
    similarity: float = 0.0  # pair_strength.similarity of the two abstracts
    titled: bool = False  # a shared phrase or word is in both titles


def link(a: Paper, b: Paper) -> Link:
    """The link between two papers, computed once per ordered pair (the digest asks for a
    pair's before it compares it, the comparison asks again). Callers do not mutate it."""
    return _link(a.title, a.abstract, b.title, b.abstract)


@lru_cache(maxsize=4096)
def _link(title_a: str, abstract_a: str, title_b: str, abstract_b: str) -> Link:
    pa, pb = _phrases(title_a, abstract_a), _phrases(title_b, abstract_b)
    # an acronym either abstract defines counts as its expansion in both ('3DGS')
    defined = {**definitions(abstract_b), **definitions(abstract_a)}
    pa, pb = joined(pa, title_a, abstract_a, defined), joined(pb, title_b, abstract_b, defined)
    placed = (placement(title_a, abstract_a, defined), placement(title_b, abstract_b, defined))
    shared = ground(pa, pb, _texts(title_a, abstract_a, title_b, abstract_b), placed, defined)
    results = shared_results(abstract_a, abstract_b)
    thin = loose(pa, pb, shared, bool(results), (title_a, title_b))
    sim = similarity(pa, pb, idf)
    # a related pair with no benchmark in common is thin too when its evidence is weak: single
    # words, or phrases in two dissimilar abstracts that no title names (pair_strength)
    if shared.related and not results and not thin:
        thin = weak(pa, pb, shared.keys, sim, lambda k: min(_uses(pa, k), _uses(pb, k)), share)
    # and when they share modifiers alone ('multi-granularity' of a tool-use benchmark and an
    # image generator: 0.19; 'text-rich' of two text-rich image models is 0.33)
    if shared.related and not results and not thin and sim < SURE_SIMILARITY:
        thin = not (shared.phrases or shared.nouns)
    titled = any(k in pa.in_title and k in pb.in_title for k in shared.keys)
    return Link(shared, results, thin, sim, titled)


def shares_subject(a: Paper, b: Paper) -> bool:
    """True when the two papers share a distinctive subject that is not thin (the digest
    compares only those): a loosely linked pair ('both mention generative AI') is left out of
    the digest rather than compared under a verdict the engine cannot be sure of; a benchmark
    both report links them (`loose` is then False)."""
    if (a.id, a.title) > (b.id, b.title):
        a, b = b, a  # the order `compare_papers` asks in, so the comparison finds it cached
    found = link(a, b)
    return found.ground.related and not found.thin


def sure_subject(a: Paper, b: Paper) -> bool:
    """True when the two papers share a subject (`shares_subject`) surely: a benchmark both
    report, or a shared phrase (not single words: 'Mind' of 'Do great minds think alike?' and
    'Mind Your Step') with a link in both titles or similar abstracts. A digest pairs a paper
    with a neighbour other than its nearest one only on such a link: further down its
    neighbours, a shared phrase is more often a coincidence."""
    if not shares_subject(a, b):
        return False
    if (a.id, a.title) > (b.id, b.title):
        a, b = b, a
    found = link(a, b)
    if found.results:
        return True
    return bool(found.ground.phrases) and (found.titled or found.similarity >= SURE_SIMILARITY)


def texts(a: Paper, b: Paper) -> tuple[str, str]:
    """The two papers' titles and abstracts, in a fixed order (the verdict is symmetric)."""
    return _texts(a.title, a.abstract, b.title, b.abstract)


def _texts(title_a: str, abstract_a: str, title_b: str, abstract_b: str) -> tuple[str, str]:
    pair = sorted((title_a + ". " + abstract_a, title_b + ". " + abstract_b))
    return pair[0], pair[1]
