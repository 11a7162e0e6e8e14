"""Readable topic names: the noun phrases a cluster's papers share, titles first.

Candidates are runs of one to three content words (never across punctuation, stopwords or
numbers), long forms collapsed to acronyms ('large language models' -> LLMs). A phrase scores by
how many members share it, how rare it is outside the cluster, and whether it stands in titles;
a name never ends on a generic word, an adjective or a verb form, never pairs a word with its
plural or root, and fits in 40 characters. The runs and the word rules (adjective, adverb, verb
form, same root) are the phrase toolkit's (`paperbrief.phrases`), shared with the comparison
wording; the lists here are the topic names' own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from paperbrief.models import Paper
from paperbrief.phrases import is_adjective, is_adverb, is_verb_form, ngrams, runs, same_root
from paperbrief.text import stem

OTHER_TOPIC = "Other papers"

# a phrase in a member's title says more about the topic than one in its abstract
_ABSTRACT_WEIGHT = 0.35
_MAX_NAME_CHARS = 40
_MAX_PHRASE_WORDS = 3
# a second term is shown only when it scores at least this share of the first
_SECOND_TERM_SHARE = 0.5
_PHRASE_BONUS = {1: 1.0, 2: 1.6, 3: 1.7}
_TRUNCATED_SHARE = 0.8  # a phrase this often extended by one same word is shown extended
_HEAD_WEIGHT = 0.5  # bonus of a phrase whose last word is shared by the whole cluster

# words a topic name must not end on (any form): too vague to say what the papers share
_GENERIC = frozenset(
    """model models instance instances definition definitions parameter parameters approach
    approaches result results performance method methods framework frameworks system systems
    task tasks problem problems data technique techniques solution solutions tool tools setting
    settings way ways number numbers set sets type types level levels process processes paradigm
    paradigms capability capabilities ability abilities challenge challenges opportunity
    opportunities issue issues application applications aspect aspects feature features step
    steps scale quality design state art field fields domain domains area areas end part parts
    case cases example examples experiment experiments baseline baselines improvement improvements
    gap gaps cost costs size time times use user users work paper study research researcher
    researchers idea ideas terms term manner presence amount variety range order form forms
    component components module modules mechanism mechanisms strategy strategies scheme schemes
    property properties factor factors value values function functions effect effects evidence
    insight insights analysis analyses setup practice practices question questions need needs
    version versions effort efforts goal goals purpose architecture architectures pipeline
    pipelines benchmark benchmarks dataset datasets network networks algorithm algorithms
    et al one ones lot kind kinds""".split()
)
# words that end a phrase well but say too little alone ('Reinforcement Learning', not 'Learning')
_VAGUE_ALONE = frozenset(
    """learning language generation training class classes label labels target targets input
    inputs output outputs representation representations information knowledge understanding
    theory behavior behaviour structure structures object objects project projects program
    image images text texts token tokens content contents context contexts signal signals
    accuracy efficiency evaluation optimization improvement rate rates change changes test tests
    phenomenon phenomena source sources""".split()
)
# judging or vague adjectives a name does not start with ('Traditional CNNs', 'Simple Baselines')
_WEAK_START = frozenset(
    """traditional conventional standard typical popular common usual classic classical simple
    efficient effective robust modern current previous prior recent good better best strong
    various certain general whole entire overall key main important original small large high
    low wide broad promising powerful competitive""".split()
)
@dataclass
class PaperTerms:
    """Phrases of one paper by key: weight (1 in the title), forms as written, whole or not."""

    weight: dict[str, float]
    forms: dict[str, dict[str, int]]
    words: set[str]  # every content word (stemmed), nameable or not
    whole: set[str]  # phrases seen at least once not followed by another content word




@lru_cache(maxsize=1 << 16)
def _traits(word: str) -> tuple[bool, bool, bool, bool, bool]:
    """What a word allows in a name: (bad end, bad start, vague alone, too short, modifier)."""
    low = word.lower()
    modifier = is_adjective(word) or is_adverb(word)
    verb = is_verb_form(low)
    return (
        low in _GENERIC or modifier or verb,
        verb or low in _WEAK_START or is_adverb(low),
        low in _VAGUE_ALONE,
        len(word) < 3 and low not in _ACRONYMS and not word.isupper(),
        modifier,
    )


def _nameable(traits: Sequence[tuple[bool, bool, bool, bool, bool]]) -> bool:
    """A phrase fit for a topic name, from its words' `_traits`: ends on a specific noun, not on
    a vague or describing word."""
    last, first = traits[-1], traits[0]
    if last[0] or first[1] or (len(traits) == 1 and last[2]):
        return False
    if any(t[3] for t in traits):
        return False
    return not first[4] or len(traits) > 1


def paper_terms(paper: Paper) -> PaperTerms:
    """Nameable phrases of up to three words from a paper's title and abstract."""
    terms = PaperTerms({}, {}, set(), set())
    weights, forms, whole = terms.weight, terms.forms, terms.whole
    for text, weight in ((paper.title, 1.0), (paper.abstract, _ABSTRACT_WEIGHT)):
        for run in runs(text):
            stems = [stem(w.lower()) for w in run]
            terms.words.update(stems)
            traits = [_traits(w) for w in run]  # what _nameable reads, once a word
            n = len(run)
            for i, size in ngrams(run, _MAX_PHRASE_WORDS):
                if not _nameable(traits[i : i + size]):
                    continue
                key = " ".join(stems[i : i + size])  # plural and singular, any case, meet
                if weights.get(key, 0.0) < weight:
                    weights[key] = weight
                written = forms.setdefault(key, {})
                form = " ".join(run[i : i + size])
                written[form] = written.get(form, 0) + 1
                if i + size == n:
                    whole.add(key)
    return terms


def _topic_names(members: list[int], terms: list[PaperTerms], df: Counter[str]) -> list[str]:
    """Candidate names of a cluster, best first: its top phrase, with a second one when it adds."""
    n = len(terms)
    need = 2 if len(members) > 1 else 1
    support: Counter[str] = Counter()
    present: Counter[str] = Counter()
    heads: Counter[str] = Counter()  # members using a word anywhere
    whole: set[str] = set()
    for m in members:
        for key, weight in terms[m].weight.items():
            support[key] += weight
            present[key] += 1
        heads.update(terms[m].words)
        whole.update(terms[m].whole)
    extended = _extension_support(support)

    def score(key: str) -> float:
        words = key.split()
        idf = math.log(n / df[key] + 1)
        value = support[key] / len(members) * idf * _PHRASE_BONUS[len(words)]
        if len(words) > 1:  # 'distributed training' in a cluster where most papers say 'training'
            value *= 1 + _HEAD_WEIGHT * heads[words[-1]] / len(members)
        return value

    eligible = [
        k
        for k in support
        if present[k] >= need
        and extended.get(k, 0.0) < _TRUNCATED_SHARE * support[k]
        and k in whole
    ]
    ranked = sorted(eligible, key=lambda k: (-score(k), k))
    if not ranked:
        ranked = sorted(support, key=lambda k: (-score(k), k))
    chosen: list[str] = []
    for key in ranked:
        if not any(_overlaps(key, c) for c in chosen):
            chosen.append(key)
        if len(chosen) == 4:
            break
    if not chosen:
        return []
    shown = {k: _display(k, members, terms) for k in chosen}  # each reads every paper's forms
    top = shown[chosen[0]]
    pairs = [
        (f"{top} · {shown[k]}", score(k))
        for k in chosen[1:]
        if len(top) + 3 + len(shown[k]) <= _MAX_NAME_CHARS
    ]
    strong = [name for name, value in pairs[:1] if value >= _SECOND_TERM_SHARE * score(chosen[0])]
    return list(dict.fromkeys([*strong, top, *(name for name, _ in pairs)]))


def topic_name(
    members: list[int], terms: list[PaperTerms], df: Counter[str], taken: set[str]
) -> str:
    """The best candidate name of a cluster that no earlier topic has taken."""
    candidates = _topic_names(members, terms, df) or [OTHER_TOPIC]
    for name in candidates:
        if name not in taken and name != OTHER_TOPIC:
            return name
    k = 2
    while f"{candidates[0]} ({k})" in taken:
        k += 1
    return f"{candidates[0]} ({k})"


def _extension_support(support: Counter[str]) -> dict[str, float]:
    """For each phrase, the highest support of a longer phrase starting with it.

    A phrase whose extension is nearly as supported is cut, like 'stochastic gradient'
    (descent): it is shown whole or not at all.
    """
    best: dict[str, float] = {}
    for key, value in support.items():
        words = key.split()
        for end in range(1, len(words)):
            prefix = " ".join(words[:end])
            if value > best.get(prefix, 0.0):
                best[prefix] = value
    return best


def _overlaps(a: str, b: str) -> bool:
    """Two phrase keys that share a word or a word's root ('convolution', 'convolutional'), or
    one is the other's acronym ('rag', 'retrieval-augmented generation')."""
    if _initials(a) == b or _initials(b) == a:
        return True
    return any(same_root(x, y) for x in a.split() for y in b.split())


def _initials(key: str) -> str:
    """The initials of a phrase of two or more words, hyphenated parts counted apart."""
    parts = [part for word in key.split() for part in word.split("-") if part]
    return "".join(part[0] for part in parts) if len(parts) > 1 else ""


def _display(key: str, members: list[int], terms: list[PaperTerms]) -> str:
    """The phrase as the members write it most often, title-cased with acronyms kept."""
    forms: Counter[str] = Counter()
    for m in members:
        forms.update({f.lower(): c for f, c in terms[m].forms.get(key, {}).items()})
    written, _ = max(forms.items(), key=lambda fc: (fc[1], fc[0])) if forms else (key, 0)
    casing: dict[str, Counter[str]] = {}
    for t in terms:
        for form, count in t.forms.get(key, {}).items():
            for w in form.split():
                casing.setdefault(w.lower(), Counter())[w] += count
    return " ".join(_title_case(w, casing.get(w, Counter())) for w in written.split())


def _title_case(word: str, seen: Counter[str] | None = None) -> str:
    """'llms' as LLMs, 'openmp' as OpenMP (when written so), other words capitalised."""
    kept = [(c, w) for w, c in (seen or Counter()).items() if any(ch.isupper() for ch in w[1:])]
    if kept and sum(c for c, _ in kept) * 2 >= sum((seen or Counter()).values()):
        return max(kept)[1]
    if word.endswith("s") and word[:-1] in _ACRONYMS:
        return word[:-1].upper() + "s"
    if word in _ACRONYMS:
        return word.upper()
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


_ACRONYMS = set(
    """llm llms gpu gpus cpu rag ai nlp rl kv hpc jit sql mlp vlm asr tts gnn cnn rnn moe api ir
    qa sft mpi lmm mllm vlm vqa ocr swe sae ppo dpo grpo rlhf cuda fpga tpu npu simd gan vae vit
    gpt bert lstm gru sgd mcmc ode pde svm knn pca nerf slam rgb sota iot ml dl nl cv sat smt
    hf os vm""".split()
)
