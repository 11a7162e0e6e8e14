"""Which of an abstract's sentences fills which row of the offline comparison: its main
contribution (the approach cell and the summary's clause) and what is no approach at all.

The main contribution is the sentence a TLDR would be written from. The takeaway selector
(select.py: a linear model fitted on SciTLDR-A train, the sentence closest to the human TLDR
as its target) already scores every sentence for that, so among the sentences that say what the
paper does, the one it ranks highest is the paper's main contribution, and a side component
('we introduce denoising trajectory alignment and token pre-filling methods') ranks below the
sentence that states the idea ('This work generalizes the speculative decoding algorithm from
discrete tokens to continuous space'). Measured by bench/approach_roles.py on SciTLDR-A dev.

Two hand rules keep a sentence out of the approach row whatever its score, each a clear case a
blind reader flagged (rounds 8 and 9) and no library tells apart (a sentence-role tagger would
need training data with these roles, which SciTLDR does not have): the experiments sentence
('We conduct experiments for our proposed SJD on multiple ... models') and a list of challenges
('..., identifying two main challenges: (i) ...').
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperbrief.engines.offline.compare_text import tidy
from paperbrief.engines.offline.extract import clean
from paperbrief.engines.offline.select import ranked
from paperbrief.text import content_tokens, squash

# the experiments or evaluation of the paper's own method: what is tested, not what is done
# ('We conduct experiments for our proposed SJD on ...', 'We validate our method on ...',
# 'Extensive experiments on three benchmarks ...'); a study paper's 'We evaluate 15 LLMs on
# X' is its contribution and is not matched (its object is not the paper's own method)
_EXPERIMENTS = re.compile(
    r"^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|finally\s+)?"
    r"(?:conduct|perform|carry out|carried out|run)\w*\s+(?:[\w-]+\s+){0,3}?(?:experiments?"
    r"|evaluations?|ablations?|ablation studies|empirical studies)\b"
    r"|^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|finally\s+)?"
    r"(?:evaluate|validate|verify|test|assess)\w*\s+(?:the\s+)?(?:effectiveness\s+of\s+)?"
    r"(?:our|the proposed|its|this)\b"
    # 'We implement discrete baselines for each variant and ...': the baselines are compared to
    r"|^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|first\s+)?"
    r"(?:implement|build|train|construct|establish)\w*\s+(?:[\w-]+\s+){0,2}?baselines?\b"
    # 'We compare DreamRunner with various SVG baselines, demonstrating ...' (round 16)
    r"|^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+)?compare\w*\s+"
    r"[^.]{0,60}?\b(?:with|against|to)\s+(?:[\w-]+\s+){0,3}(?:baselines?|methods|approaches"
    r"|models|state-of-the-art|competitors)\b"
    r"|^(?:extensive|comprehensive|experimental|empirical|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:experiments?|evaluations?|results?|studies|analys[ie]s)\b",
    re.IGNORECASE,
)
# '... and evaluated their performance on SG3D': what was measured, anywhere in the sentence
_MEASURED = re.compile(r"\bevaluat\w*\s+(?:their|its|the)\s+performance\b", re.IGNORECASE)
# a list of challenges or limitations the paper names before its answer to them ('identifying
# two main challenges: (i) Ambiguous spatial distribution ...'): the problem, not the approach
_CHALLENGES = re.compile(
    r"\b(?:two|three|four|several|key|main|major|critical|fundamental|primary)\s+(?:[\w-]+\s+)?"
    r"(?:challenges|limitations|issues|problems|obstacles|bottlenecks|difficulties)\s*[:(]"
    r"|\b(?:identif\w+|highlight\w*|face\w*|reveal\w*)\s+(?:[\w-]+\s+){0,3}(?:challenges"
    r"|limitations|issues|problems|obstacles|bottlenecks|difficulties)\s*:",
    re.IGNORECASE,
)


# the problem the paper takes on, not how ('We tackle the problem of generating highly realistic
# mirror reflections ...', 'This study addresses the challenge of accurately segmenting ...');
# with 'by ...' or 'with ...' it says how and stays an approach
_TAKES_ON = re.compile(
    r"^(?:we|this (?:paper|work|study))\s+(?:\w+ly\s+)?(?:tackle|address|consider|study"
    r"|investigate|focus on)\w*\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:problem|challenge|task"
    r"|issue|question)s?\s+of\b(?![^.]*\b(?:by|with|through|via)\s)",
    re.IGNORECASE,
)
# a concession opens a finding, not what the paper does ('Despite being only trained on crops
# from the same image, MUMU learns to compose inputs from different images ...')
_CONCEDES = re.compile(r"^(?:despite|although|though|even though|even if)\b", re.IGNORECASE)


def never_approach(text: str) -> bool:
    """True for a sentence that is never the approach: the experiments sentence, a list of
    challenges, the problem taken on without how, or a finding after a concession."""
    text = text.strip()
    return bool(_EXPERIMENTS.match(text) or _MEASURED.search(text) or _CHALLENGES.search(text)
                or _TAKES_ON.match(text) or _CONCEDES.match(text))  # fmt: skip


@lru_cache(maxsize=1024)
def _ranked_words(abstract: str, title: str) -> tuple[frozenset[str], ...]:
    """The content words of each abstract sentence, most TLDR-like first (the selector's
    order)."""
    return tuple(frozenset(content_tokens(s.text)) for s in ranked(abstract, title))


def main_rank(line: str, abstract: str, title: str) -> int:
    """The selector's rank (0: most TLDR-like) of the abstract sentence `line` was taken from
    (the one holding most of its content words; a cleaned or cut line keeps most of them)."""
    words = set(content_tokens(line))
    found = _ranked_words(abstract, title)
    if not found or not words:
        return len(found)
    return max(range(len(found)), key=lambda r: (len(words & found[r]), -r))


# an argument, a motivation or what ought to be, not a finding of the paper's ('The more
# critical training target is to achieve a first-order approximate ODE path', 'we found that the
# effect of densification should be enhanced when ...', 'we argue that ...': round 9's readers).
# Modal and argument verbs are the cue; no parser or library labels a sentence's stance.
_ARGUMENT = re.compile(
    r"\b(?:should|must|ought to|needs? to be|has to be|have to be)\b"
    r"|\b(?:target|goal|objective|aim|key|crux|point|question|challenge)\s+(?:[\w-]+\s+)?"
    r"(?:is|are|lies|remains)\s+(?:to|in|whether|how)\b"
    r"|^the (?:more |most )?(?:critical|important|crucial|essential|key|central|real)\s"
    r"|\bwe\s+(?:\w+ly\s+)?(?:argue|posit|contend|hypothesi[sz]e|conjecture|advocate|highlight"
    r"|believe|suggest|speculate|envision)\w*\b",
    re.IGNORECASE,
)
# a claim reached by theory or analysis ('Using Discrete Signal Processing theory, we show that
# RoPE enables periodic attention'): the paper's analysis, shown as its headline finding only
# when no measured finding is there (then it is the paper's result)
_THEORY = re.compile(
    r"\btheor(?:y|ies|etical|etically)\b|\bwe\s+(?:\w+ly\s+)?prove\b|\banalytical(?:ly)?\b"
    r"|\bin closed form\b|\bformal(?:ly)? (?:show|prove|analy)",
    re.IGNORECASE,
)
# boilerplate: 'Extensive evaluations against strong recent baselines demonstrate the superior
# performance of our method' says no more than that the paper reports results: past the stock
# words of such sentences it names nothing (no measure, no task, no baseline, no figure)
_STOCK = frozenset("""extensive comprehensive experimental empirical thorough qualitative
    quantitative experiments experiment evaluations evaluation results result studies study
    analyses analysis comparisons comparison visualizations demonstrate demonstrates
    demonstrated show shows showed shown confirm confirms validate validates verify verifies
    indicate indicates reveal reveals prove proves superior superiority effectiveness
    efficacy effective effectively performance performs method methods approach approaches
    framework model models technique proposed state-of-the-art state art sota existing current
    previous prior baseline baselines competitors competing counterparts strong recent
    significantly significant substantially consistently clearly notably remarkably
    outperforms outperform outperforming surpasses surpass compared against various multiple
    several diverse wide range benchmarks benchmark datasets dataset tasks improvements
    improvement better remarkable impressive promising excellent competitive favorable
    favorably advantages advantage achieves achieve superb""".split())  # fmt: skip
_BOILERPLATE = re.compile(
    r"^(?:extensive|comprehensive|experimental|empirical|thorough|our|the|qualitative"
    r"|quantitative|both)\s+(?:[\w-]+\s+){0,3}?(?:experiments?|evaluations?|results?|studies"
    r"|analys[ie]s|comparisons?)\b",
    re.IGNORECASE,
)


def argument(text: str) -> bool:
    """True for an argument, a motivation or an 'ought' ('X should be enhanced'), no result."""
    return bool(_ARGUMENT.search(text))


def theory_claim(text: str) -> bool:
    """True for a claim reached by theory or analysis with no figure measured."""
    return bool(_THEORY.search(text)) and not re.search(r"\d", text)


def boilerplate(text: str, names: tuple[str, ...] = ()) -> bool:
    """True for 'Extensive experiments demonstrate the superiority of our method': a results
    sentence that, past its stock words and the paper's own names (`names`), names no
    benchmark, baseline or model, at most one other thing and no figure."""
    text = text.strip()
    if not _BOILERPLATE.match(text) or re.search(r"\d", text):
        return False
    for name in names:
        if name:
            text = text.replace(name, "")
    if any(w[:1].isupper() for w in text.split()[1:]):
        return False  # a benchmark, a baseline or a model named ('on ScanNet')
    return len([w for w in content_tokens(text) if w not in _STOCK]) <= 1


# the object of a preposition or participle, one to three words, that the abstract goes on with
# 'and' or 'or': a list cut in two ('a systemic evaluation protocol utilizing subsequence | and
# subgraph matching algorithms', 'examines how different levels of language informativeness |
# and diversity impact ...': round 9's cut summaries). A word-level check on the abstract's own
# text: a parser would need the whole sentence, which the cut clause no longer has.
_OBJECT_END = re.compile(
    r"\b(?:of|for|with|by|via|on|in|from|to|using|utilizing|leveraging|including|such as"
    r"|between|among|across|combining|integrating)\s+(?:[\w-]+\s+){0,2}[\w-]+$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)  # asked for each cut of each clause of a paper
def _flat(abstract: str) -> str:
    return squash(tidy(clean(abstract))).lower()


def cut_list(clause: str, abstract: str) -> bool:
    """True when the clause ends inside a list the abstract goes on with: a short object of a
    preposition or participle followed there by 'and' or 'or'."""
    text = clause.rstrip(" .")
    if not _OBJECT_END.search(text):
        return False
    flat = _flat(abstract)
    tail = " ".join(text.split()[-3:]).lower()
    return any(re.match(r"\s+(?:and|or)\s+(?!" + _VERB + r")", flat[m.end() :]) for m in
               re.finditer(re.escape(tail), flat))  # fmt: skip


# after 'and', a verb starts a second predicate ('we explore control encoding for AR models | and
# propose a lightweight control encoder') and a preposition a second modifier ('of various sizes
# | and at different training levels'): the first one is whole
_VERB = (
    r"(?:(?:we|at|in|on|with|for|from|by|to|under|across|without|over|via|through)\b"
    r"|(?:also\s+)?(?:propose|introduce|present|develop|design|build|train|use|apply"
    r"|show|demonstrate|find|evaluate|achieve|release|provide|create|construct|employ"
    r"|leverage|adopt|extend|outperform|improve|reduce|enable|explore|study|analy[sz]e"
    r"|investigate|establish|curate|collect|conduct|perform|obtain|reach|yield|offer"
    r"|allow|make|learn|generate|incorporate|integrate|combine|identify|reveal|open"
    r"|mitigate|address|tackle|maintain|preserve)\w*\b)"
)
