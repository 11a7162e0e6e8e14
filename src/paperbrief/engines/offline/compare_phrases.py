"""Phrases for the offline comparison: the subject two papers share and each one's own focus.

Candidate phrases are runs of 1-3 content words; vague words, broad field nouns and verb
forms are kept out of them. The word rules (adjective, adverb, verb form, noun) and the runs are
the phrase toolkit's (`paperbrief.phrases`), shared with the topic names; what is here is the
comparison's own: its vague words, how a phrase is scored and picked, and how a shared term reads.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from paperbrief.engines.offline.compare_text import tidy
from paperbrief.engines.offline.extract import clean
from paperbrief.phrases import (
    FIELD_NOUNS,
    is_adjective,
    is_adverb,
    is_ing_verb,
    is_verb_form,
    ngrams,
    runs,
)
from paperbrief.phrases import noun_like as _noun_like_word
from paperbrief.text import STOPWORDS, sentences, stem

# Words that say nothing about a subject on their own: never a focus or topic term by themselves,
# never the first or last word of a phrase.
VAGUE = frozenset(
    """vs average comparable find finds found finding results including include includes
    enable enables enabling allow allows allowing designed design effectiveness effective
    efficient efficiently improve improves improved improving improvement improvements require
    requires required requiring challenging challenge challenges high higher highest low lower
    large larger small smaller best better consistent consistently compared compare comparing
    make making key main strong stronger diverse wide range set sets way ways time state art
    level levels generated generate generates generating leading lead leads increasing increased
    substantial extensive experiments experiment experimental evaluate evaluated evaluates
    evaluating outperform outperforms outperforming surpass surpasses surpassing remains remain
    critical crucial important novel simple standard general specific common current future
    prior previous traditional modern popular widely widespread growing increasingly relative
    respectively approximately nearly roughly up despite due overall end-to-end real-world
    large-scale state-of-the-art fine-grained high-quality well-known cutting-edge
    yields yield yielding obtain obtains obtained reach reaches reaching deliver delivers
    delivering achieved achieve achieves showing shows reveal reveals demonstrating
    like making makes made called named ability abilities capability capabilities similar
    faster slower different gap gaps emerging shared identify train trained learn empower
    empowers boost boosting enhance enhances enhancing towards toward""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


@dataclass
class Phrases:
    """The candidate phrases (1-3 content words) of one paper, counted, with a surface form."""

    counts: Counter[tuple[str, ...]]
    surface: dict[tuple[str, ...], Counter[str]]  # forms as written, counted
    in_title: set[tuple[str, ...]]
    # a key's words in lower case as written, counted: keys are Snowball stems ('languag'),
    # the word lists (FIELD_NOUNS, adjectives) hold words
    lower: dict[tuple[str, ...], Counter[tuple[str, ...]]]
    # every word the paper writes in lower case somewhere: a word it never does is a name
    lowercase: frozenset[str] = frozenset()
    # words written with a capital, lower case -> the first form written ('ai' -> 'AI')
    capitals: dict[str, str] = field(default_factory=dict)

    def first_word(self, key: tuple[str, ...]) -> str:
        """The key's first word in its most frequent written form."""
        forms = self.lower.get(key)
        return max(forms.items(), key=lambda fc: fc[1])[0][0] if forms else key[0]

    def text(self, key: tuple[str, ...]) -> str:
        forms = self.surface.get(key)
        # the most frequent form; on a tie the first written (a Counter keeps insertion order)
        return max(forms.items(), key=lambda fc: fc[1])[0] if forms else " ".join(key)


_TOO_BROAD = {("natural", "language"), ("language", "model"), ("programming", "language")}


def _acceptable(key: tuple[str, ...]) -> bool:
    if key[:2] == ("state", "space") and len(key) == 3:
        # 'state' is vague ('state of the art') but not in 'state space model' (round 26's
        # readers: 'Both deal with space model' for two Mamba papers)
        key = key[1:]
    if key[0] in VAGUE or key[-1] in VAGUE or is_ing_verb(key[0]) or key in _TOO_BROAD:
        return False
    if len(key) > 1 and is_adverb(key[0]):
        return False
    if len(key) > 1 and is_adjective(key[-1]):
        return False
    if any(word in VAGUE for word in key) and len(key) == 2:
        return False
    return not all(word in FIELD_NOUNS for word in key)


def phrases(title: str, abstract: str) -> Phrases:
    """Count the acceptable 1-3 word phrases of a paper's abstract and title."""
    counts: Counter[tuple[str, ...]] = Counter()
    in_title: set[tuple[str, ...]] = set()
    proper = _proper_nouns(abstract)
    surface: dict[tuple[str, ...], Counter[str]] = {}
    lower: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
    for source, text in (("abstract", abstract), ("title", title)):
        for sentence in sentences(clean(text)) if source == "abstract" else [clean(text)]:
            for run in runs(tidy(sentence), digits_break=True):
                for i, n in ngrams(run, 3):
                    words = run[i : i + n]
                    lowered = tuple(w.lower() for w in words)
                    if not _acceptable(lowered):
                        continue
                    key = tuple(stem(w) for w in lowered)
                    lower.setdefault(key, Counter())[lowered] += 1
                    if source == "title":
                        in_title.add(key)
                        counts[key] += 0  # present, even if only in the title
                    else:
                        counts[key] += 1
                    surface.setdefault(key, Counter())[_cased(words, proper)] += 1
    lowercase: set[str] = set()
    capitals: dict[str, str] = {}
    for word in _WORD.findall(f"{title} {abstract}"):
        if word[:1].islower():
            lowercase.add(word)
        else:
            capitals.setdefault(word.lower(), word)
    return Phrases(counts, surface, in_title, lower, frozenset(lowercase), capitals)


def _proper_nouns(abstract: str) -> set[str]:
    """Title-case words the abstract never writes in lower case, met mid-sentence between
    lower-case words ('the Linux kernel'): proper nouns that keep their capital."""
    text = tidy(clean(abstract))
    words = text.split()
    lower = {w.lower() for w in _WORD.findall(text) if w[:1].islower()}
    out = set()
    for i in range(1, len(words) - 1):
        word = words[i].strip(",.;:")
        prev, nxt = words[i - 1], words[i + 1]
        if (
            re.fullmatch(r"[A-Z][a-z0-9]+", word)
            and prev.islower()
            and prev[-1:].isalpha()
            and (nxt[:1].islower() or words[i][-1] in ",.;:")
            and word.lower() not in lower
        ):
            out.add(word)
    return out


def _cased(words: list[str], proper: set[str]) -> str:
    """Title-case words lowered ('Parallel' -> 'parallel'); acronyms, CamelCase, names kept."""
    return " ".join(
        w.lower() if w[:1].isupper() and w[1:] == w[1:].lower() and w not in proper else w
        for w in words
    )


def _score(p: Phrases, key: tuple[str, ...]) -> float:
    weight = 0.5 if len(key) == 1 else 1 + 0.6 * (len(key) - 1)
    return (p.counts[key] + 2 * (key in p.in_title)) * weight


def _overlaps(key: tuple[str, ...], chosen: list[tuple[str, ...]]) -> bool:
    return any(set(key) & set(other) for other in chosen)


def _pick(
    keys: list[tuple[str, ...]], score: Callable[[tuple[str, ...]], float],
    count: Callable[[tuple[str, ...]], int], limit: int,
) -> list[tuple[str, ...]]:  # fmt: skip
    """Best-scored keys, none repeating a word of another; a key gives way to a longer one
    that accounts for at least half its uses ('parallel reasoning' -> 'adaptive ...')."""
    ranked = sorted(keys, key=lambda k: (-score(k), k))
    chosen: list[tuple[str, ...]] = []
    for key in ranked:
        longer = [k for k in keys if len(k) == len(key) + 1 and key in (k[1:], k[:-1])]
        longer = [k for k in longer if 2 * count(k) >= count(key)]
        key = max(longer, key=lambda k: (count(k), k), default=key)
        if len(chosen) < limit and not _overlaps(key, chosen):
            chosen.append(key)
    return chosen


def own_phrases(mine: Phrases, other: Phrases, exclude: set[str], limit: int = 3) -> list[str]:
    """Phrases one paper stresses and the other never uses, its own name and the topic left out."""
    banned = {stem(w.lower()) for text in exclude for w in _WORD.findall(text)}

    def fits(key: tuple[str, ...]) -> bool:
        if key in other.counts or set(key) & banned:
            return False
        if len(key) > 1:
            return mine.counts[key] >= 2 or key in mine.in_title
        word = mine.first_word(key)
        return (
            key in mine.in_title
            and mine.counts[key] >= 2
            and word not in FIELD_NOUNS
            and not is_adjective(word)
        )

    chosen = _pick(
        [k for k in mine.counts if fits(k)],
        lambda k: _score(mine, k),
        lambda k: mine.counts[k],
        limit,
    )
    return [mine.text(k) for k in chosen]


# Single nouns read without an article ('Both concern software'); other singular nouns are
# counted and read as plurals ('program' -> 'programs').
_UNCOUNTED = frozenset(
    """software hardware code data knowledge information research video audio retrieval
    evidence feedback supervision memory security privacy safety attention text speech
    vision language math mathematics robotics physics music""".split()
)


def shared_text(term: str, pa: Phrases, pb: Phrases) -> str:
    """A shared term as a summary names it: a name as the papers write it ('Qwen', 'AI'; never
    'qwens'), another single count noun as its plural (`readable`)."""
    low = term.lower()
    if " " in term or low in pa.lowercase or low in pb.lowercase:
        return readable(term)
    # 'Qwen' is written only inside 'Qwen2' and 'Qwen2.5': capitalised as a name then
    return pa.capitals.get(low) or pb.capitals.get(low) or term[:1].upper() + term[1:]


def readable(term: str) -> str:
    """A shared term as it reads on its own: a singular count noun as its plural."""
    word = term.lower()
    if " " in term or word in _UNCOUNTED or word.endswith(("ing", "s")):
        return term
    if word.endswith(("tion", "sion", "ment", "ance", "ence", "ity", "ness", "ics", "ware")):
        return term
    if word.endswith("y") and word[-2:-1] not in set("aeiou"):
        return term[:-1] + "ies"
    return term + ("es" if word.endswith(("s", "sh", "ch", "x", "z")) else "s")


def noun_like(term: str) -> bool:
    """A phrase, or a lone word that can be a subject (not an adverb, adjective or verb)."""
    if " " in term:
        return True
    return term.lower() in _UNCOUNTED or _noun_like_word(term)


# Words of the field's prose: a phrase made of these and FIELD_NOUNS alone ('computational
# demands', 'multi-agent framework', 'comprehensive survey') names no subject two papers share.
GENERIC_RESEARCH = frozenset(
    """comprehensive computational computation computations demand demands cost costs efficiency
    efficient overhead resource resources multi-agent survey surveys review reviews overview
    real-world large-scale end-to-end state-of-the-art novel new existing key main significant
    extensive experiment experiments result results capability capabilities limitation
    limitations challenge challenges step steps reasoning generation understanding
    high-quality effective robust general unified simple strong various diverse recent current
    future potential practical complex specific deep neural network networks learning
    fine-grained open-source user users human humans world billion billions million millions
    trillion parameter parameters token tokens research researches facilitate facilitates
    facilitating effectiveness insight insights performance gain gains improvement improvements
    advancement advancements advance advances progress community field fields area areas
    direction directions avenue avenues""".split()
)  # the last lines: boilerplate ('facilitate future research', 'performance gain')

def generic_phrase(term: str) -> bool:
    """True when every word of `term` is the field's prose or a generic noun."""
    words = [w.lower() for w in _WORD.findall(term)]
    return all(w in FIELD_NOUNS or w in GENERIC_RESEARCH or w in STOPWORDS for w in words)


def has_verb(term: str) -> bool:
    """A verb glued onto a name reads as a phrase ('Mamba offer', 'model achieve')."""
    return any(is_verb_form(w, noun_verbs=False, participles=False) for w in _WORD.findall(term))


@lru_cache(maxsize=4096)
def _flat(text: str) -> str:
    return " ".join(tidy(clean(text)).split())


def head_complete(term: str, text: str) -> bool:
    """True when `term` is a whole noun phrase somewhere in `text`: written there as is and
    followed by punctuation, a stopword or the end (not 'sharp monocular | depth', 'image-to |
    -3D'), ending on a noun-like word."""
    words = term.split()
    if not words or words[-1].endswith("-") or re.search(r"-(?:to|of|and|for|in|on)$", words[-1]):
        return False
    if not noun_like(words[-1]) or is_adjective(words[-1]) or has_verb(term):
        return False
    flat = _flat(text)
    written = r"(?<![\w-])" + re.escape(term) + r"(?:e?s)?(?![\w-])"  # 'problem(s)'
    for m in re.finditer(written, flat, re.IGNORECASE):
        after = _WORD.match(flat, m.end() + 1) if flat[m.end() : m.end() + 1] == " " else None
        if after is None or after.group(0).lower() in STOPWORDS:
            return True
    return False
