"""How strongly two papers are linked, and which shared phrases the shared-ground line names.

Blind readers called a pair loosely related when its only evidence was a word coincidence: single
words both stress ('heads' and 'avatars' of a talking-head video and a 3D hair paper,
'specialists and generalists') or an incidental phrase in two otherwise distant abstracts
('training objective'). Two measures settle it, both from the two papers alone (so `paperbrief
compare A B` and the digest give a pair one verdict):

- the pair's similarity: the cosine of the two abstracts' single-word stems, each weighted by
  its inverse document frequency over real abstracts (phrase_df.json, the table the shared
  phrases are judged by) and a title word a little more. scikit-learn's TfidfVectorizer would
  fit its idf on the two texts alone (two documents: every shared word gets the lowest
  weight), so the weights here come from the fixed table instead;
- where the shared evidence sits: a shared phrase in a title (what that paper is about), a
  shared single word in both titles, or neither.

The shared-ground line lists a phrase once: not again inside a longer listed one ('image
restoration' / 'image restoration tasks') or differing from one only in a head naming a kind
of thing ('recommendation task' / 'recommendation systems'), nor as the expansion of a listed
acronym ('GUI' /
'graphical user interface'), nor a phrase one paper uses once in passing when another listed
phrase both use repeatedly ('infinite batch size' beside 'batch sizes'). These are rules on the
engine's own phrase keys; no library knows which of a pair's phrases name the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from paperbrief.engines.offline.compare_phrases import Phrases

# below this similarity, shared phrases that no title names are a coincidence of wording (on the
# blind readings: a code infilling objective vs a survey of next-token prediction, both 'training
# objective', 0.11), unless both papers use a rare one repeatedly ('competitive programming',
# five times and twice); a phrase in a title ('Text-to-Video generation', 'formula recognition')
# is what that paper is about, and the other paper's use of it a link even between dissimilar
# abstracts
MIN_SIMILARITY = 0.12
RARE_SHARE = 0.003  # 'batch size' (0.6 % of papers) is no subject of its own, used twice or not
# single words alone (two distinctive ones, or one used at length: compare_ground) link two
# papers when the abstracts are this similar overall ('needles' and 'haystacks', 0.34; 'SAM' and
# 'segmentation', 0.25), or a little less when both titles have one ('Concurrent', 0.17); the
# readers rated 'heads' and 'avatars' (0.14) and 'specialists' and 'generalists' (0.13) loosely
# related
MIN_WORDS_SIMILARITY = 0.20
MIN_TITLE_WORD_SIMILARITY = 0.15
# a digest pairs a paper with a neighbour other than its nearest only when the two are at least
# this similar (or linked by a title or a benchmark: compare_ground.sure_subject)
SURE_SIMILARITY = 0.20
TITLE_WEIGHT = 1.5  # a word of the title says more about the paper than one of its abstract


def _vector(p: Phrases, idf: Callable[[tuple[str, ...]], float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, count in p.counts.items():
        if len(key) != 1:
            continue
        weight = (1 + math.log(count) if count >= 1 else 1.0) * idf(key)
        out[key[0]] = weight * (TITLE_WEIGHT if key in p.in_title else 1.0)
    norm = math.sqrt(sum(w * w for w in out.values())) or 1.0
    return {k: w / norm for k, w in out.items()}


def similarity(pa: Phrases, pb: Phrases, idf: Callable[[tuple[str, ...]], float]) -> float:
    """The cosine of the two papers' idf-weighted word stems (symmetric, 0..1)."""
    va, vb = _vector(pa, idf), _vector(pb, idf)
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(w * vb.get(k, 0.0) for k, w in va.items())


def weak(
    pa: Phrases,
    pb: Phrases,
    keys: Sequence[tuple[str, ...]],
    sim: float,
    uses: Callable[[tuple[str, ...]], int],
    share: Callable[[tuple[str, ...]], float],
) -> bool:
    """True when the shared ground (`keys`: the listed phrases and words) is too weak to
    compare the pair on: single words only in abstracts that are not similar (a little less
    similar will do when both titles have one of the words); or shared phrases in dissimilar
    abstracts when no title has one and no rare one is used repeatedly by both (`uses`: the
    lesser of the two papers' uses)."""
    phrase_keys = [k for k in keys if len(k) > 1]
    if not phrase_keys:
        if sim >= MIN_WORDS_SIMILARITY:
            return False
        titled = any(k in pa.in_title and k in pb.in_title for k in keys)
        return not (titled and sim >= MIN_TITLE_WORD_SIMILARITY)
    if sim >= MIN_SIMILARITY or any(k in pa.in_title or k in pb.in_title for k in phrase_keys):
        return False
    return not any(uses(k) >= 2 and share(k) <= RARE_SHARE for k in phrase_keys)


def _initials(key: tuple[str, ...], surface: str) -> str:
    words = surface.replace("-", " ").split()
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def listed(
    keys: Sequence[tuple[str, ...]],
    surface: Callable[[tuple[str, ...]], str],
    uses: Callable[[tuple[str, ...]], int],
    acronyms: set[str],
) -> list[tuple[str, ...]]:
    """The phrases the shared-ground line names, in the given order (best first): a phrase
    containing, or inside, one already listed, or differing from it only in a head such as
    'task' or 'systems', is the same subject (the longer one is listed when both papers use it
    repeatedly); the spelled-out form of an acronym written in a listed
    phrase ('RAG systems': 'retrieval-augmented generation') is that acronym; a phrase one paper
    uses only once (`uses`: the lesser of the two papers' uses) is left out when a listed one
    both use repeatedly."""
    chosen: list[tuple[str, ...]] = []
    for key in keys:
        shorter = [i for i, c in enumerate(chosen) if _inside(c, key)]
        if shorter and uses(key) >= 2:  # both write the longer one as much: it says more
            chosen[shorter[0]] = key  # ('adaptive parallel reasoning' for 'parallel reasoning')
            continue
        if shorter or any(_inside(key, c) or _same_core(key, c) for c in chosen):
            continue
        if _initials(key, surface(key)) in acronyms:
            continue
        chosen.append(key)
    if any(uses(k) >= 2 for k in chosen):
        chosen = [k for k in chosen if uses(k) >= 2]
    return chosen


# head nouns that name a kind of thing, not a subject (stems): 'recommendation task' and
# 'recommendation systems' are one subject, recommendation
_KIND_HEADS = frozenset("task system model method approach framework techniqu problem".split())


def _core(key: tuple[str, ...]) -> tuple[str, ...]:
    return key[:-1] if len(key) > 1 and key[-1] in _KIND_HEADS else key


def _same_core(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when two phrases differ only in a head noun that names a kind of thing."""
    return _core(a) == _core(b)


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return len(long) > n and any(long[i : i + n] == short for i in range(len(long) - n + 1))
