"""The English phrase toolkit: one set of word lists and rules for every phrase paperbrief writes.

Two uses read phrases out of titles and abstracts: the offline comparison's wording
(`engines.offline.compare_phrases`: the subject two papers share, each one's focus) and the
topic headings (`relate.topic_names`). Both take candidate phrases from runs of content words
(`runs`, `ngrams`: never across punctuation, stopwords or numbers) and judge a phrase's words
with the same checks (`is_adjective`, `is_adverb`, `is_verb_form`, `is_ing_verb`, `noun_like`,
`same_root`). Where the two uses differ on purpose, the difference is a keyword option
(`runs(..., digits_break=True)`, `is_verb_form(..., noun_verbs=False, participles=False)`), and
the lists that only one use reads live with it (the comparison's vague words, the topic names'
generic heads). `engines.offline.tags` reads `ING_NOUNS` too.

The rules are by hand, by list and by ending, with the exceptions listed: no part-of-speech
tagger small enough to ship runs without downloading a model at run time (NLTK's and spaCy's
taggers both fetch one), and an ending rule with its exceptions is all a short phrase needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from paperbrief.text import STOPWORDS, strip_urls

# Words that never stand in a phrase: stop words, and prepositions the stop list misses
NOT_CONTENT = STOPWORDS | frozenset(
    """including include includes beyond regarding despite respectively compared whereby
    thereof around along amongst alongside besides inside outside""".split()
)

# Nouns every paper in the field uses: fine inside a phrase, too broad to be a subject alone.
FIELD_NOUNS = frozenset(
    """model models llm llms lm lms language languages task tasks data performance framework
    frameworks system systems problem problems solution solutions approach technique techniques
    benchmark benchmarks dataset datasets code codes agent agents accuracy quality
    work works paper papers research field area areas domain domains application applications
    process method methods tool tools setting settings number numbers scale size sizes
    analysis study studies training inference evaluation evaluations""".split()
)

# Adjectives that do not look like one by their ending
ADJECTIVES = frozenset(
    """large small big fast slow deep shallow high low long short old good bad better best strong
    weak robust efficient different consistent recent relevant important simple complex hard easy
    open closed sparse dense parallel multiple single multi full general accurate precise true
    false real fair safe secure unsafe human latent random compact joint unified versatile hybrid
    unseen clear wide narrow broad rich common rare key main major minor modern current future
    past early late entire whole overall diverse complete similar standard independent sufficient
    persistent transparent dependent intelligent apparent frequent excellent prominent salient
    inherent convergent divergent equivalent subsequent fluent significant redundant dominant
    abundant distant elegant brilliant aware free able capable certain specific direct correct
    due top zero lightweight much many few little less least fewer greater higher lower larger
    smaller faster slower stronger weaker cheaper longer shorter wider deeper easier harder
    emerging underlying challenging promising interesting increasing growing varying competing
    leading resulting corresponding remaining surprising outstanding missing existing
    ongoing upcoming compelling demanding appealing striking convincing misleading encouraging
    evolving self cross non semi pre post implicit explicit recurrent concurrent coherent adjacent
    evident transient permanent confident decent neural open automatic automated functional
    computational empirical practical structural optimal natural several global local temporal
    spatial external internal additional original potential total central critical formal
    logical asynchronous synchronous visual textual multimodal novel new fine daily weekly
    monthly yearly friendly costly likely unlikely timely elderly""".split()
)
_ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ic", "able", "ible", "ful", "less", "ary", "ish", "ly",
                      "ed", "ar")  # fmt: skip
# Nouns that end like an adjective, adverb or verb
NOUNS_LOOKING_OTHERWISE = frozenset(
    """retrieval signal interval proposal survival rehearsal trial arrival removal tutorial
    material journal animal terminal hospital manual capital principal rival ritual festival
    approval referral withdrawal renewal dismissal disposal denial portal metal crystal pedal
    individual potential mammal appraisal reversal traversal residual numeral mineral
    objective alternative perspective primitive derivative incentive directive detective archive
    narrative initiative executive relative representative motive collective
    logic topic music arithmetic metric rhetoric traffic clinic graphic mechanic magic fabric
    critic mimic epic ethic diagnostic heuristic
    table variable cable vegetable syllable timetable deliverable observable
    boundary vocabulary dictionary library summary glossary adversary commentary secretary diary
    salary sanctuary beneficiary itinerary
    scalar radar lidar grammar calendar seminar webinar pillar dollar sugar collar guitar avatar
    exemplar nectar vinegar mortar altar hangar pulsar registrar
    medal canal petal scandal pedestal cathedral decimal arsenal fractal polynomial monomial
    spiral tribunal editorial memorial professional criminal recital cereal
    anomaly family assembly supply reply apply monopoly butterfly ally rally
    speed seed need feed embed bed shed hundred
    candidate update template estimate rate state gate aggregate substrate climate plate
    debate surrogate""".split()
)
# 'real-world', 'zero-shot', 'domain-specific': a hyphenated word ending so is a modifier
_MODIFIER_TAILS = frozenset(
    """world time scale shot source art free aware level driven like wise context resource order
    range term step end agent modal domain turn stage grained based oriented agnostic guided
    augmented efficient specific intensive dependent invariant bound""".split()
)
# -ing words that name a subject ('parallel reasoning'), unlike verbs ('fusing', 'favoring')
ING_NOUNS = frozenset(
    """reasoning programming learning training scheduling checkpointing computing processing
    encoding decoding modeling modelling planning engineering testing debugging coding
    fine-tuning pretraining pre-training post-training sampling parsing mining
    understanding networking rendering matching ranking routing caching streaming threading
    tracking triggering indexing prompting thinking writing reading embedding serving tuning
    hashing scaling forecasting labeling labelling clustering pruning compiling profiling
    solving differencing merging""".split()
)
# Verbs common in abstracts, base forms; NOUN_VERBS are also everyday nouns ('a design')
VERBS = frozenset(
    """put solve detect create require augment allow enable improve obtain perform apply
    consider evaluate outperform achieve reduce increase propose demonstrate introduce develop
    leverage utilize employ exploit investigate explore examine study build design generate
    enhance boost mitigate address tackle identify predict estimate compute train learn
    synthesize synchronize standardize unify bridge release remain become make provide produce
    help lead yield combine extend capture exhibit suffer fail rely assume focus aim seek
    attempt try manage support ensure guarantee preserve maintain scale empower unleash break
    close catch refine share collaborate decouple distill steer edit stitch parse verify
    discover encode extract offer show struggle pave shed hold""".split()
)
NOUN_VERBS = frozenset(
    """study build design estimate train bridge release focus aim attempt scale break close
    catch share edit help lead guarantee capture increase address offer boost extract
    show""".split()
)


def _verb_forms(base: str) -> set[str]:
    """A verb's base, third-person and past forms ('create': creates, created)."""
    root = base[:-1] if base.endswith("e") else base
    third = root + "ies" if base.endswith("y") and base[-2:-1] not in "aeiou" else base + "s"
    return {base, third, base + "es", root + "ed", base + "d"}


_ING_VERBS = frozenset(
    """creating putting solving detecting requiring augmenting allowing enabling obtaining
    evaluating outperforming achieving reducing proposing demonstrating introducing
    leveraging utilizing employing exploiting investigating exploring examining improving
    enhancing boosting mitigating addressing tackling identifying making providing producing
    helping yielding combining extending capturing exhibiting building""".split()
)
VERB_FORMS = frozenset(f for v in VERBS for f in _verb_forms(v)) | _ING_VERBS
_NOUN_VERB_FORMS = frozenset(f for v in NOUN_VERBS for f in {v, v + "s", v + "es"})
# '-ize' verbs in any form ('normalize', 'optimizing'), British '-ised' and '-ising' (not
# 'premise'); the root before has four letters or more: 'size', 'prize' are nouns
_IZE_VERB = re.compile(r"^[a-z]{4,}i(?:z(?:e|es|ed|ing)|s(?:ed|ing))$")
# '-ify' verbs ('classify', 'verified'); 'ify' alone is no word
_IFY_VERB = re.compile(r"^[a-z]{3,}if(?:y|ies|ied|ying)$")
# '-ate' verbs and adjectives ('generate', 'accurate'); the nouns are NOUNS_LOOKING_OTHERWISE
_ATE = re.compile(r"^[a-z]{3,}ate[sd]?$")


@lru_cache(maxsize=1 << 16)
def is_adjective(word: str) -> bool:
    """An adjective or participle by list or by ending ('parallel', 'adaptive', 'zero-shot');
    a noun that only ends like one ('retrieval', 'topic') is not."""
    w = word.lower()
    if "-" in w:
        head, _, tail = w.rpartition("-")
        return (
            "-to-" in w
            or head in {"multi", "cross", "non", "semi"}
            or tail in _MODIFIER_TAILS
            or is_adjective(tail)
        )
    if w in ADJECTIVES:
        return True
    if w in NOUNS_LOOKING_OTHERWISE or len(w) <= 4 or w.endswith("eed"):
        return False
    return w.endswith(_ADJECTIVE_ENDINGS)


@lru_cache(maxsize=1 << 16)
def is_adverb(word: str) -> bool:
    """'directly', 'jointly', 'fully'; not a noun, verb or adjective ending in -ly ('anomaly',
    'supply', 'early', 'daily')."""
    w = word.lower()
    return len(w) >= 5 and w.endswith("ly") and w not in NOUNS_LOOKING_OTHERWISE and (
        w not in ADJECTIVES
    )


@lru_cache(maxsize=1 << 16)
def is_verb_form(word: str, *, noun_verbs: bool = True, participles: bool = True) -> bool:
    """A form of a common verb ('improves', 'created', 'utilizing'), an -ize or -ify verb in any
    form. With `noun_verbs=False`, words that are as often nouns ('design', 'study', 'support')
    do not count; with `participles=False`, neither do -ed and -ing forms, which read as
    adjectives and nouns inside a noun phrase ('supervised fine-tuning', 'rectified flow',
    'building blocks')."""
    w = word.lower()
    if not participles and w.endswith(("ed", "ing")) and w not in VERBS:  # not 'shed'
        return False
    if w in VERB_FORMS:
        return noun_verbs or w not in _NOUN_VERB_FORMS
    if w in NOUNS_LOOKING_OTHERWISE:
        return False
    return bool(_IZE_VERB.match(w) or _IFY_VERB.match(w))


def is_ing_verb(word: str) -> bool:
    """An -ing word that reads as a verb ('fusing'), not a subject ('reasoning')."""
    w = word.lower()
    return w.endswith("ing") and w not in ING_NOUNS


def noun_like(word: str) -> bool:
    """A word that can be a subject: not an adjective, adverb, (unambiguous) verb form or an
    -ate word that is no noun ('generate', 'accurate'; not 'candidate')."""
    if is_adjective(word) or is_adverb(word):
        return False
    if is_verb_form(word, noun_verbs=False, participles=False):
        return False
    w = word.lower()
    return w in NOUNS_LOOKING_OTHERWISE or not _ATE.match(w)


def same_root(a: str, b: str) -> bool:
    """Words alike up to their ending: 'program' and 'programming', 'safety' and 'safes',
    'generative' and 'generation' (a shared start of four letters that is most of the shorter
    word, or of six letters)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    n = min(len(a), len(b))
    common = next((i for i in range(n) if a[i] != b[i]), n)
    return common >= 4 and (common >= min(6, n) or common >= 0.75 * n)


# Long forms the field writes as an acronym; a run holding one gets the acronym instead
_COLLAPSE = {
    ("large", "language", "model"): "LLM",
    ("large", "language", "models"): "LLMs",
    ("vision-language", "model"): "VLM",
    ("vision-language", "models"): "VLMs",
    **{
        (*long.split(), noun): short + ("s" if noun.endswith("s") else "")
        for long, short in (
            ("graph neural", "GNN"),
            ("convolutional neural", "CNN"),
            ("recurrent neural", "RNN"),
            ("generative adversarial", "GAN"),
        )
        for noun in ("network", "networks")
    },
}
_COLLAPSE_FIRST = frozenset(long_form[0] for long_form in _COLLAPSE)
# a long form with a stopword inside, which no run of content words holds
_MIXTURE_OF_EXPERTS = re.compile(r"\bmixtures?[- ]of[- ]experts?\b", re.IGNORECASE)
_RUN_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d/|]|\s[-\u2013\u2014]+\s|--")
_DIGIT_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d/|]|\s[-\u2013\u2014]+\s|--|\d")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-+]*[A-Za-z0-9+]|[A-Za-z0-9]")


def runs(text: str, *, digits_break: bool = False) -> list[list[str]]:
    """Runs of adjacent content words (case kept), broken at punctuation, stopwords and numbers,
    long forms collapsed to the field's acronym ('large language models' -> 'LLMs', 'mixture of
    experts' -> 'MoE'). A word starting with a digit breaks a run; with `digits_break`, so does
    any digit ('Qwen2.5' leaves 'Qwen')."""
    out: list[list[str]] = []
    text = _MIXTURE_OF_EXPERTS.sub("MoE", text) if "xperts" in text else text
    split = _DIGIT_BREAK if digits_break else _RUN_BREAK
    for segment in split.split(strip_urls(text)):
        run: list[str] = []
        for word in [*_WORD.findall(segment), ""]:
            low = word.lower()
            if len(low) > 1 and low not in NOT_CONTENT and not low[0].isdigit():
                run.append(word)
                continue
            if run:
                out.append(_collapse(run))
            run = []
    return out


def _collapse(run: list[str]) -> list[str]:
    low = [w.lower() for w in run]
    if _COLLAPSE_FIRST.isdisjoint(low):
        return run
    for long_form, short in _COLLAPSE.items():
        k = len(long_form)
        for i in range(len(low) - k + 1):
            if tuple(low[i : i + k]) == long_form:
                return _collapse(run[:i] + [short] + run[i + k :])
    return run


def ngrams(run: list[str], max_words: int = 3) -> Iterator[tuple[int, int]]:
    """(start, length) of every phrase of 1..`max_words` words inside a run, shortest first."""
    for size in range(1, max_words + 1):
        for i in range(len(run) - size + 1):
            yield i, size


def candidates(text: str, *, max_words: int = 3, digits_break: bool = False) -> list[list[str]]:
    """Every candidate phrase of `text` (1..`max_words` content words in a row, as written)."""
    return [run[i : i + n] for run in runs(text, digits_break=digits_break)
            for i, n in ngrams(run, max_words)]  # fmt: skip
