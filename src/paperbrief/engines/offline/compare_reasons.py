"""Distinguishing facts for the offline comparison's "when to prefer" lines, read from one
abstract's own wording: whether it proposes a method at all, and what a reader could act on
(it needs no training, it reports a speed-up, it runs on real robots, it proves a guarantee,
it works with a named system).

Hand rules over the abstract's words: no library reads "training-free" or "523x faster" as a
property of the paper's own method (a keyword or NER model finds the phrases, not whose they
are), so each rule asks for the paper's own voice ('we', 'our', the method's sentence) and is
tested on real abstracts (tests/test_compare_round5_facts.py). Each fact is said only when the
other paper lacks it (compare.py decides that).
"""

from __future__ import annotations

import re

from paperbrief.engines.offline.compare_built import built_reasons
from paperbrief.engines.offline.compare_costs import cost_reasons
from paperbrief.engines.offline.compare_facts import content_free, releases
from paperbrief.engines.offline.compare_prefer import (
    budget_reasons,
    data_reasons,
    own_claims,
    own_names,
    own_voice,
    title_training_free,
    trains_named,
)
from paperbrief.engines.offline.compare_text import mentions
from paperbrief.engines.offline.extract import LOST_TIMES
from paperbrief.text import sentences, squash

# nouns a method paper gives what it proposes
_METHOD_NOUNS = (r"(?:method|approach|framework|model|algorithm|technique|architecture|strategy"
                 r"|pipeline|paradigm|agent|tokenizer|optimizer|mechanism|module|scheme"
                 r"|system|recipe|policy|network|baseline)s?")  # fmt: skip
# words that end the object's head: 'a benchmark designed to evaluate ... methods' is no method
_NOT_HEAD = r"(?!(?:for|of|to|that|which|designed|with|on|in|and|or|by|from|across|against)\b)"
# 'we propose VINE, a watermarking method', 'we introduce a novel framework', 'we train a model'
_METHOD_CUE = re.compile(
    r"(?i:\b(?:we|this (?:paper|work))\s+(?:\w+\s+)?(?:propose|introduce|present|develop|design"
    r"|devise|put forward|train|build)\w*)\s+"
    r"(?:[A-Z][\w.+-]*(?:\s*\([^()]{0,80}\))?\s*,\s+)?"  # a name first: 'VINE, '
    r"(?i:(?:an?|the|our|two|three|new)\s+)?"
    r"(?i:(?:" + _NOT_HEAD + r"(?:[\w-]+|\([^()]{1,30}\))\s+){0,5}" + _METHOD_NOUNS + r")\b",
)


def has_method(abstract: str) -> bool:
    """True when the abstract says it proposes a method, model or framework of its own ('we
    propose VINE, a watermarking method'); a benchmark 'designed to evaluate ... methods'
    is not one."""
    return bool(_METHOD_CUE.search(squash(abstract)))


# 'training-free', 'without any training', 'requires no fine-tuning'
_TRAINING_FREE = re.compile(
    r"\btraining[- ]free\b|\btuning[- ]free\b|\bwithout (?:any |the need for |requiring |needing )?"
    r"(?:additional |extra |further |re-?)?(?:[\w-]+ )?(?:training|fine-?tuning)\b|\b(?:requires?|"
    r"needs?|with) no (?:additional |extra |further |re-?)?(?:[\w-]+ )?(?:training|fine-?tuning)\b",
    re.IGNORECASE,
)
# others' work: 'existing training-free methods', 'previous training-free approaches'
_OTHERS = re.compile(r"\b(?:existing|previous|prior|current|recent|other|conventional)\s+"
                     r"(?:\w+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
# 'we train', 'fine-tuning for', 'trained on', 'training data': the paper's method is learned
_TRAINS = re.compile(r"\bwe\s+(?:\w+\s+)?(?:train|fine-?tune|pre-?train)\b|\btrained\s+(?:on|with|"
                     r"using|atop|from)\b|\b(?:training|fine-?tuning)\s+(?:data|set|strategy|recipe|"
                     r"pipeline|objective|stage|scheme|on|for|with)\b|\bsupervised fine-?tuning\b"
                     r"|\breinforcement learning\b|\bfine-?tun(?:e|es|ed|ing)\b"
                     r"|\btraining (?:LLMs?|models?|the|a|an|our|it|them)\b",
                     re.IGNORECASE)  # fmt: skip
# '... LLMs that were not explicitly trained for Group Think': no training of its own
_NEGATED = re.compile(r"\b(?:not|no|without|never|nor)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# any word of a method that needs no training: the other paper 'lacks' training-freeness only
# when it has none of them (a wider net than the positive rule: when unsure, say nothing)
_NO_TRAINING_WORDS = re.compile(r"training[- ]free|tuning[- ]free|without\b[^.;]{0,40}(?:train|"
                                r"fine-?tun)|\bno\b[^.;]{0,20}(?:train|fine-?tun)|zero-shot|"
                                r"plug-and-play|off-the-shelf|out of the box|inference-time"
                                # ('at inference time', not HarmoniCa's 'per-step inference time')
                                r"|at inference time",
                                re.IGNORECASE)  # fmt: skip
# a learned model of its own: 'we propose the Mask-Aware Dual Diffusion (MADD) model'
_MODEL_CUE = re.compile(r"(?i:\bwe\s+(?:\w+\s+)?(?:propose|introduce|present|develop)\w*\s+)"
                        r"[^.;]{0,80}?\b(?i:model|network)\b(?!-)")  # fmt: skip


# a trained variant beside a training-free one (ComfyGen proposes both)
_TRAINED_ALSO = re.compile(r"\b(?:tuning|training|learning)-based\b|\blearns? from\b", re.I)


def _affirms_training(sentence: str) -> bool:
    return any(not _NEGATED.search(sentence[: m.start()]) for m in _TRAINS.finditer(sentence))


def training_free(abstract: str) -> bool:
    """True when the paper's own method needs no training ('a training-free approach', 'we
    ... without any fine-tuning'), not when it only says others' methods are training-free,
    nor when another of its own sentences trains something ('the challenges in training LLMs
    as world models ... we propose ...' beside 'improve policy selection without training')."""
    said = False
    for s in sentences(abstract):
        cues = [m for m in _TRAINING_FREE.finditer(s) if not _OTHERS.search(s[: m.start()])]
        if own_voice(s) and _TRAINED_ALSO.search(s):
            return False  # 'a tuning-based method that learns from ..., and a training-free one'
        if cues and own_voice(s):
            said = True
        elif not cues and own_voice(s) and _affirms_training(s):
            return False
    return said


def trains(abstract: str) -> bool:
    """True when the paper speaks of training in its own sentences ('we fine-tune', 'our
    training data') or proposes a model of its own (a model is learned), and never calls its
    method training-free."""
    if training_free(abstract):
        return False
    if _NO_TRAINING_WORDS.search(abstract):
        return False
    if any(own_voice(s) and (_affirms_training(s) or _TRAINED_ALSO.search(s))
           for s in sentences(abstract)):  # fmt: skip
        return True  # ('we propose HarmoniCa, ... a learning-based Caching framework')
    return bool(_MODEL_CUE.search(squash(abstract)))


# a speed-up the paper reports: '2.33x speedup', '523x efficiency', '3.5 times faster'
_SPEED = re.compile(
    r"(?<![\w.-])(?:up to |over |about |nearly |around |~\s?)?"
    r"(?:\d+(?:\.\d+)?\s*(?:×|x|X|times)?\s*(?:to|-|–)\s*)?"  # a range: '1.7x to 2x faster'
    r"\d+(?:\.\d+)?\s*(?:×|x|X|times)\s+"
    r"(?:(?:more|higher|greater)\s+)?(?:faster|speed-?ups?|acceleration|throughput|efficient"
    r"|(?:inference |decoding |training |generation )(?:speed|efficiency)|efficiency)\b"
    r"|\bspeed-?ups? of (?:up to |over |~\s?)?\d+(?:\.\d+)?\s*(?:×|x|X|times)(?![\w])",
)
# any speed claim with a number: the other paper 'lacks' a speed figure only when it has none
_ANY_SPEED = re.compile(
    r"\b(?:speed\w*|fast\w*|accelerat\w*|throughput|latency|FLOPs|slow\w*"
    r"|wall-?clock|real-?time|forward passes|\w+fold)\b"
    # 'runs in mere seconds', 'within 2 minutes' (FreeSplatter: round 18)
    r"|\b(?:in|within)\s+(?:(?:mere|just|only|a few|under|about|\d+(?:\.\d+)?)\s+)+"
    r"(?:seconds|minutes|milliseconds)\b",
    re.IGNORECASE,
)
# 'efficient' is a stock word: a speed claim only beside a number ('2x more efficient')
_EFFICIENT = re.compile(r"\befficien\w*", re.IGNORECASE)
_DEVICE = re.compile(r"\b(?:mobile|smartphones?|phones?|on-device|edge devices?)\b", re.I)


# what a speed-up is measured against: up to a clause break, ' and ', ' while ' or a figure
_AGAINST = re.compile(r"\s*((?:than|over|compared (?:to|with)|relative to|versus|vs\.?)\s+"
                      r"(?:(?!\s(?:and|while|with|on|in|at)\s)[^,;.()\d]){2,60}?)"
                      r"(?=\s+(?:and|while|with|on|in|at)\s|[,;.()]|\s*$)", re.I)  # fmt: skip


def speed_figure(abstract: str, names: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The speed-up the paper reports for its own method, as said after 'it reports' ('a
    2.33× speed-up', 'being 523x more efficient'), else '', and whether its sentence is about
    a phone or edge device ('~2x speedup on A100' is not, though the paper runs on phones
    elsewhere). A sentence about others' methods ('existing methods are 10x slower') has no
    'we'/'our' and is not read; `names`: what the paper calls itself ('CoDe achieves a 1.7x
    speedup' is its own claim)."""
    for s in sentences(abstract):
        m = _SPEED.search(s)
        if m and (own_voice(s) or mentions(s, names) or re.match(r"\s*(?:it|this)\b", s, re.I)):
            # '2.33times': a LaTeX '\times' whose backslash the listing lost
            said = LOST_TIMES.sub("×", squash(m.group(0)))
            # what it is measured against, when the sentence says ('higher throughput than
            # diffusion models'): not to be read as a gain over the other paper (round 6)
            against = _AGAINST.match(s[m.end() :])
            versus = f" {against.group(1).strip()}" if against else ""
            device = bool(_DEVICE.search(s))
            if re.search(r"\bconverg\w*\s+$", s[: m.start()], re.IGNORECASE):
                said = f"converging {said}"  # 'converges 3.5x faster' is training, not inference
                return said + versus, device
            if re.search(r"(?:faster|efficient)$", said):
                return f"being {said}{versus}", device
            if said.startswith(("up to", "over", "about", "nearly", "around")):
                return said + versus, device
            return f"a {said}{versus}", device
    return "", False


def speed_claim(abstract: str, title: str = "") -> bool:
    """True when the paper speaks of speed or cost at all ('Accelerating ...', 'a threefold
    on-device speedup', 'fewer forward passes'): a wider net than speed_figure, so a speed-up
    is a reason only against a paper that claims none."""
    return bool(_ANY_SPEED.search(title + " " + abstract)) or any(
        _EFFICIENT.search(s) and re.search(r"\d", s) for s in sentences(abstract)
    )


# experiments on physical robots, as opposed to simulation only
_REAL_ROBOT = re.compile(
    r"\breal[- ](?:world |robot )?(?:robot(?:ic)? )?experiments?\b"
    r"|\b(?:deploy|test|evaluat|validat|run|execut|demonstrat)\w*\b[^.;]{0,60}?\bon(?:to)? "
    r"(?:a |the |two |three |several )?(?:real|physical)(?:[- ]world)? (?:[\w-]+ ){0,2}"
    r"(?:robots?|humanoids?|arms?|hardware|platforms?)\b",
    re.IGNORECASE,
)
_SIMULATION = re.compile(r"\bsimulat(?:ion|ed|or)s?\b", re.IGNORECASE)
_ROBOT = re.compile(r"\brobot\w*|\bmanipulat\w+|\bembodied\b|\bhumanoid\b", re.IGNORECASE)


def real_robot(abstract: str) -> bool:
    """True when a robotics paper reports experiments on real robots ('real-world
    experiments', 'on a physical robot')."""
    return bool(_ROBOT.search(abstract) and _REAL_ROBOT.search(squash(abstract)))


def simulation_only(abstract: str) -> bool:
    """True when a robotics paper mentions simulation and no real-robot experiment."""
    robotics = bool(_ROBOT.search(abstract) and _SIMULATION.search(abstract))
    return robotics and not real_robot(abstract)


# a stated theoretical guarantee: 'we prove', 'provably', 'convergence guarantees'
_GUARANTEE = re.compile(
    r"\bwe (?:\w+ )?(?:prove|theoretically (?:show|prove|establish|demonstrate))\b|\bprovabl[ey]\b"
    r"|\b(?:theoretical|convergence|formal|approximation) guarantees?\b",
    re.IGNORECASE,
)


def guarantee(abstract: str) -> bool:
    """True when the paper states a theoretical guarantee of its own ('we prove that ...',
    'a provably convergent ...'); 'lack theoretical guarantees' (of others) is none."""
    for s in sentences(abstract):
        m = _GUARANTEE.search(s)
        if m and own_voice(s) and not re.search(
                r"\b(?:lack|lacks|lacking|without|no)\s+(?:\w+\s+)?$", s[: m.start()],
                re.IGNORECASE):  # fmt: skip
            return True
    return False


# 'compatible with 1-bit BitNet', 'compatible with existing FlashAttention kernels'
_COMPATIBLE = re.compile(
    r"\b(?:is|are|remains?|being|fully|also|naturally|readily|and)\s+"
    r"compatible with ((?:[\w.+/^-]+|\([^()]{1,20}\))(?:\s+(?:[\w.+/^-]+"
    r"|\([^()]{1,20}\))){0,9}?)(?=\s*(?:[,.;:]|\bwhile\b|\bwhich\b|$))"
)


_VAGUE = re.compile(r"(?:various|many|most|all|any|existing|different|diverse|other|several"
                    r"|a (?:wide )?(?:range|variety)|multiple|mainstream|popular|common)\b",
                    re.I)  # fmt: skip


def compatible_with(abstract: str) -> str:
    """What the paper says its own method is compatible with, when that is named (a
    capitalised name: '1-bit BitNet'), else ''."""
    for s in sentences(abstract):
        m = _COMPATIBLE.search(s)
        if m and own_voice(s) or m and re.match(r"\s*[A-Z][\w-]*\s+is\b", s):
            # '... compatible with various architectures | and outperforms ...': a new verb
            named = re.split(r"\s+and\s+(?=[a-z]+s\b)", m.group(1))[0].rstrip(" .,;:")
            # 'compatible with various architectures' names nothing a reader could check
            # (round 9's readers): a name has a capital or a digit, and no quantifier leads it
            if re.search(r"[A-Z0-9]", named) and not _VAGUE.match(named):
                return named
            return ""
    return ""


# runs in real time, as a claim of the paper's own ('achieves real-time rendering', 'processes
# video streams in real time'); not a frame rate of the output ('1440 frames at 24 FPS'), nor a
# hope ('its potential to enable real-time applications')
_REAL_TIME = re.compile(
    r"\b(?:achiev|enabl|run|support|deliver|allow|process|render|perform|operat|provid)\w*\b"
    r"[^.;]{0,60}?\breal[- ]time\b|\breal[- ]time (?:rendering|processing"
    r"|inference|performance|playback|editing|speed|conversation|interaction)\b", re.I)  # fmt: skip
_HOPE = re.compile(r"\b(?:potential|towards?|could|may|might|aim\w*|future|however|lack\w*"
                   r"|limited|cannot|fail\w*|struggl\w*)\b", re.IGNORECASE)  # fmt: skip
# needs no labels: 'without any human annotation', 'annotation-free', 'label-free'
_NO_LABELS = re.compile(
    r"\bwithout (?:any |the need for |requiring |relying on )?(?:human |manual |labeled |labelled "
    r"|ground[- ]truth )?(?:labels?|annotations?|supervision|labeled data|labelled data)\b"
    r"|\b(?:annotation|label)[- ]free\b|\bno (?:human |manual )?(?:labels|annotations) (?:are )?"
    r"(?:needed|required)\b", re.IGNORECASE)  # fmt: skip
# builds with open models only: 'without relying on proprietary models', 'only open-source'
_OPEN_ONLY = re.compile(
    r"\bwithout (?:relying on |using |any |access to )?(?:proprietary|closed[- ]source|commercial)"
    r"\s+(?:\w+\s+)?(?:models?|LLMs?|APIs?)\b|\b(?:only|solely|entirely|exclusively|fully)\s+"
    r"(?:on\s+|with\s+|using\s+)?open[- ](?:source|weight)s?\b", re.IGNORECASE)  # fmt: skip
# the other paper uses a proprietary model: 'distilled from GPT-4o', 'annotated by GPT-4'
_PROPRIETARY = re.compile(r"\b(?:using|with|by|from|via|prompting|querying|distill\w*(?: from)?"
                          r"|generated by|annotated by)\s+(?:the\s+)?(?:GPT-?4\w*|GPT-?3\.5\w*"
                          r"|ChatGPT|Claude|Gemini)\b", re.IGNORECASE)  # fmt: skip


def _own_claims(abstract: str) -> list[str]:
    """The sentences that claim something of the paper's own work: not of others' methods
    ('existing methods run in real time'), nor a hope or a gap."""
    return [s for s in sentences(abstract)
            if own_voice(s) and not _OTHERS_SAY.search(s) and not _HOPE.search(s)]  # fmt: skip


_OTHERS_SAY = re.compile(r"\b(?:existing|previous|prior|current|conventional)\s+(?:\w+\s+){0,2}"
                         r"(?:methods|approaches|works|models|systems)\b", re.I)  # fmt: skip


def more_reasons(mine: str, other: str) -> list[str]:
    """Three more facts a reader can act on (round 8's readers: prefer lines rested on releases
    alone), each only when the other paper lacks it: it runs in real time, it needs no labels,
    it builds with open models only where the other uses a proprietary one."""
    out = []
    claims = _own_claims(mine)

    def said(pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(s) for s in claims)

    if said(_REAL_TIME) and not _REAL_TIME.search(other):
        out.append("if you need real time: it reports running in real time")
    if said(_NO_LABELS) and not _NO_LABELS.search(other):
        out.append("if you lack labelled data: it needs no labels or annotations")
    if said(_OPEN_ONLY) and _PROPRIETARY.search(other) and not _OPEN_ONLY.search(other):
        out.append("if you cannot use proprietary models: it builds on open models only")
    return out


_NO_METHOD_KINDS = ("survey", "benchmark", "dataset", "position")


def reasons(mine: str, other: str, kinds: tuple[str, str] = ("", ""),
            titles: tuple[str, str] = ("", "")) -> list[str]:  # fmt: skip
    """The facts of `mine` (an abstract; `titles`: its title and the other's) that `other`
    lacks, each said as a reason a reader can act on; not between a method and a survey,
    benchmark or dataset (`kinds`: a speed-up or 'training-free' says nothing against a
    benchmark)."""
    if any(k in _NO_METHOD_KINDS for k in kinds):
        return []
    out = []
    if _free(mine, titles[0]) and _trained(other, titles[1]):
        out.append("if you cannot train a model: it is training-free, the other needs training")
    elif _free_by_name(titles[0], mine) and not _free_by_name(titles[1], other):
        # (when both need none, no fact sets either apart: GrounDiT and Regional Prompting)
        if re.search(r"\btraining\b|\btrains?\b|\bfine-?tun", other, re.IGNORECASE):
            # an abstract that speaks of its training says something of it (BitNet a4.8's
            # 'equivalent training costs'): the fact alone, nothing of the other (round 27)
            out.append("if you cannot train a model: it needs no training")
        elif not _INFERENCE_ONLY.search(other):
            # (round 22's readers missed STRING's 'without additional training' beside FoPE,
            # whose abstract says nothing of training either way)
            out.append("if you cannot train a model: it needs no training (the other does not "
                       "say whether it does)")  # fmt: skip
    speed, device = speed_figure(mine, own_names(titles[0], mine))
    where = " on a mobile device" if device else ""
    # a speed-up is over what the paper measures against, never over the other paper (round
    # 18's readers: 'it reports being 1.8x faster' read as a head-to-head claim)
    if speed and not re.search(r"\b(?:than|over|compared|relative|versus|vs)\b(?!\s+\d)", speed):
        faster = re.search(r"\b(?:faster|efficient|more|higher|greater)\b", speed)
        speed += " than its baselines" if faster else " over its baselines"
    if speed and not speed_claim(other, titles[1]):
        out.append(f"if speed{where} matters: it reports {speed}")
    elif speed and not _speed_number(other):
        # the same paper gets its speed-up wherever it is compared (round 9: CSpD's 2.33x in
        # one pair, not in another whose paper also accelerates but gives no figure; round 20's
        # paired readers kept these lines, said over the paper's own baselines)
        out.append(f"if speed{where} matters: it reports {speed} (the other gives no figure)")
    out += budget_reasons((titles[0], mine), (titles[1], other))
    out += cost_reasons((titles[0], mine), (titles[1], other))
    # needing little data is a reason only against a paper that trains too (SmoothCache
    # calibrates on 'a small calibration set' and trains nothing: CLEAR's 'only 10K
    # self-generated samples' says nothing against it); data scale only for data a reader can
    # use, released or the paper's subject (round 18's readers: AC3D's '20K diverse dynamic
    # videos with stationary cameras' and VisOnlyQA's synthetic training data were no reason)
    usable = bool(re.search(r"\bdata\b|\bbenchmark", releases(mine))) or bool(
        re.search(r"\b(?:dataset|corpus|data)\b", titles[0], re.IGNORECASE))
    out += [r for r in data_reasons((titles[0], mine), (titles[1], other))
            if (not r.startswith("if data is scarce") or _trained(other, titles[1]))
            and (not r.startswith("if you need data:") or usable)]  # fmt: skip
    out += built_reasons((titles[0], mine), (titles[1], other))
    if real_robot(mine) and simulation_only(other):
        out.append("for real robots: it reports real-world robot experiments, the other "
                   "simulation only")  # fmt: skip
    if guarantee(mine) and not re.search(r"\bprov|\bproof|\btheor|\bguarantee|\bbound",
                                         other, re.IGNORECASE):  # fmt: skip
        out.append("if theory matters: it proves a theoretical result about its method")
    out += more_reasons(mine, other)
    named = compatible_with(mine)
    if named and "compatib" not in other.lower():
        out.append(f"for use with {named}: it reports being compatible")
    return out


def _speed_number(abstract: str) -> bool:
    """True when a sentence speaks of speed or cost with a figure of any kind ('reduces the
    number of model forward passes by up to 91%', 'a threefold on-device speedup'): a wider net
    than speed_figure, so 'the other gives no figure' is said only when it gives none."""
    return any(_ANY_SPEED.search(s) and re.search(r"\d|\b(?:twice|half|\w+fold)\b", s, re.I)
               for s in sentences(abstract))  # fmt: skip


def _free(abstract: str, title: str) -> bool:
    """Training-free in the abstract's own words, or in the title when no sentence of its own
    trains (round 9: Stable Flow says 'Training-Free' in its title only)."""
    if training_free(abstract):
        return True
    if not title_training_free(title, abstract):
        return False
    return not any(own_voice(s) and (_affirms_training(s) or _TRAINED_ALSO.search(s))
                   for s in sentences(abstract))  # fmt: skip


# a part of the method, not the method: 'Second, we propose a training-free method called NASA'
# (SNOOPI's distillation trains); a sentence on training in several settings ('across
# training-free, training-from-scratch, and post-training settings': SepLLM)
_PART = re.compile(r"^(?:second|third|finally|additionally|moreover|furthermore|also|besides)\b"
                   r"|\b(?:called|named|dubbed|termed)\b", re.IGNORECASE)  # fmt: skip
_TRAINING_WORD = re.compile(r"\btrain|\bfine-?tun", re.IGNORECASE)


# the other paper may need no training either: a decoding method, an inference framework, an
# agent loop, or models 'not explicitly trained for' it (round 25's paired readers: 'DeCoRe
# needs no training' beside DeCo's decoding and GenMAC's agents set up a false contrast; the
# same readers kept it beside ChatGen, whose prompts are no such cue, and PAR's 'inference')
_INFERENCE_ONLY = re.compile(_NO_TRAINING_WORDS.pattern + r"|\bdecod\w*|\binference (?:framework"
                             r"|engine|method)|\btest-time\b|\bagents?\b|\b(?:not|never|no)\s+"
                             r"(?:\w+\s+){0,2}(?:trained|training|fine-?tun\w*)",
                             re.IGNORECASE)  # fmt: skip


def _free_by_name(title: str, abstract: str) -> bool:
    """Training-free said of the paper's whole method in its own claims ('without additional
    training, STRING dramatically improves ...', 'we introduce Add-it, a training-free
    approach'), not of a part of it nor beside other training, and no sentence of the paper's
    own trains."""
    names = own_names(title, abstract)
    said = False
    for s in own_claims(title, abstract):
        m = _TRAINING_FREE.search(s)
        if m is None or _OTHERS.search(s[: m.start()]):
            continue
        part = _PART.search(s)
        if part and not (part.group(0)[0].islower() and mentions(s[part.end() :], names)):
            continue
        if _TRAINING_WORD.search(_TRAINING_FREE.sub(" ", s)):
            continue
        said = True
    return said and not any(own_voice(s) and (_affirms_training(s) or _TRAINED_ALSO.search(s))
                            for s in sentences(abstract))  # fmt: skip


def _trained(abstract: str, title: str) -> bool:
    """The paper's method needs training: compare_reasons' own cues, or its named sentences
    ('achieved by training on ...', '~0.1% additional parameters': OminiControl), and nothing
    says it needs none."""
    if trains(abstract):
        return True
    if _free(abstract, title) or _NO_TRAINING_WORDS.search(abstract):
        return False
    return trains_named(title, abstract)


# the paper's name right after its verb, before an appositive ('introduces Divot, a ...'), or
# after 'named' / 'called': a name only. An acronym elsewhere is content ('proposes a KD
# framework for pre-training LMs'; dropping every capitalised word turned away 31 of the 80
# main-contribution clauses the summaries of the held-out digest lost, round 13, and approach
# cells such as 'We introduce the Retrieval Augmented Personalization framework for MLLMs'
# personalization.', round 14)
# (a name's words: capitalised, or with a capital inside, 'ShifTed Rotray position embeddING',
# one lower-case word between two of them)
_NAME_WORD = r"(?:[A-Z][\w.^+-]*|[a-z]\w*[A-Z][\w.^+-]*)"
_NAME_AFTER_VERB = re.compile(r"^(?:(?:puts forward|[a-z]\S*)\s+)?(?:the\s+)?" + _NAME_WORD
                              + r"(?:\s+(?:[a-z]+\s+(?=[a-z]\w*[A-Z]))?(?:" + _NAME_WORD
                              + r"|[0-9][\w.^+-]*)){0,5}"
                              r"(?:\s+(?:model|framework|method|approach|system|pipeline"
                              r"|architecture|algorithm))?\s*(?=,|$)")  # fmt: skip
_NAME_AFTER_NAMED = re.compile(r"\b(?:named|called|dubbed|termed|coined)\s+(?:[A-Z][\w.^+-]*\s*)+")


def names_only(body: str) -> bool:
    """True when what a paper does says no more than that it has something with a name
    ('introduces a method named Visuals Music Bridge'): no approach, no reason for a prefer line;
    'presents Motion DUSt3R, a geometry-first approach' says what it is (two content words past
    the name and stock words; a compound counts as two)."""
    return content_free(_NAME_AFTER_NAMED.sub(" ", _NAME_AFTER_VERB.sub(" ", body)), least=2)
