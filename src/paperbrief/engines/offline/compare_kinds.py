"""A paper's kind (method, survey, benchmark, dataset, position paper) for the offline
comparison: said only when the cues leave no doubt, and set apart for a pair (a paper of no sure
kind is a method against a benchmark when it proposes one; a method that builds data too is no
plain method against a dataset).

Hand rules over facts.contribution_type's cues: a paper's kind is read from its own words ('we
propose MMCOMPOSITION, a ... benchmark'), which a topic model or a classifier trained on other
labels does not give.
"""

from __future__ import annotations

import re
from dataclasses import replace

from paperbrief.engines.offline.compare_does import Profile
from paperbrief.engines.offline.compare_reasons import has_method
from paperbrief.engines.offline.facts import TYPE_CUES
from paperbrief.engines.offline.facts import contribution_type as classify
from paperbrief.models import Paper

_STRONG = ("survey", "benchmark", "dataset", "position")
# a title that evaluates is a benchmark's title too ('INCLUDE: Evaluating Multilingual Language
# Understanding ...', 'Comprehensive and Practical Evaluation of RAG Systems ...': round 18's
# readers missed the contribution-type row of such a benchmark against a method)
_EVALUATES = re.compile(r"(?:^|:\s*)(?:evaluating|benchmarking)\b|\bevaluation of\b", re.I)
_POSITION = re.compile(r"\bposition paper\b", re.IGNORECASE)


def kind(title: str, abstract: str) -> str:
    """The paper's kind when the cues leave no doubt, else '' (a comparison then says nothing
    of it): a survey, benchmark or dataset needs its cue in the title and in the abstract, a
    position paper the words 'position paper', a method paper the method cues and no cue of
    those four kinds anywhere; 'system' and 'analysis' are never claimed (a 'dual-system'
    policy is no systems paper)."""
    guess = classify(title, abstract)
    if guess == "position" or _POSITION.search(title + " " + abstract):
        return "position" if _POSITION.search(title + " " + abstract) else ""
    if guess == "survey" and re.search(r"\bsurvey\b", title, re.IGNORECASE):
        return "survey"  # 'A Comprehensive Survey of ...'
    if guess in ("benchmark", "dataset") and _named_artifact(title, abstract) == guess:
        return guess  # 'we propose MMCOMPOSITION, a novel human-annotated benchmark'
    if guess in ("benchmark", "dataset") and has_method(abstract):
        return ""  # W-Bench and VINE: a benchmark and a method, no benchmark-only paper
    if guess in ("survey", "benchmark", "dataset"):
        in_title, in_abstract = TYPE_CUES[guess]
        titled = in_title.search(title) or guess == "benchmark" and _EVALUATES.search(title)
        return guess if titled and in_abstract.search(abstract) else ""
    if guess == "method":
        for other in _STRONG:
            in_title, in_abstract = TYPE_CUES[other]
            if in_title.search(title) or in_abstract.search(abstract):
                return ""
        return "method"
    return ""


# 'we propose MMCOMPOSITION, a novel human-annotated benchmark': the paper's own name (the title's
# head) said to be a benchmark or dataset, a few describing words between (round 26's readers: a
# benchmark whose title says 'Revisiting the Compositionality of ...' got no benchmark-vs-method
# row or line); not 'a multilingual LLM trained on PangeaIns, a ... dataset'
# the verbs of a paper making something (stems: 'proposes', 'introducing', 'built')
_MAKING = r"propos|introduc|present|construct|build|buil|develop|curat|releas"
_ARTIFACT = (r"(?i)\b(?:" + _MAKING + r")\w*"
             r"\s+(?:the\s+)?{name}(?:\s+\([^()]{{1,40}}\))?,\s+(?:a|an|the first(?:-ever)?)\s+"
             r"(?:(?!(?:trained|on|with|for|that|which|to|of|and)\b)[\w\-(),~]+\s+){{0,8}}?"
             r"(benchmark|dataset|corpus)\b")  # fmt: skip


def _named_artifact(title: str, abstract: str) -> str:
    """'benchmark' or 'dataset' when the abstract says the title's name is one, else ''."""
    head = re.match(r"\s*([^:]{1,40}?)\s*:", title)
    if head and len(head.group(1).split()) <= 3:
        name = re.escape(head.group(1))
    elif _EVALUATES.search(title):
        # a title that says it benchmarks names no artifact: any name the abstract gives one
        # ('Benchmarking Agentic Workflow Generation': 'we introduce WorFBench, a unified
        # workflow generation benchmark', round 27's readers)
        name = r"[A-Z][\w.+-]*[A-Za-z0-9+]"
    else:
        return ""
    found = re.search(_ARTIFACT.format(name=name), abstract)
    if not found:
        return ""
    return "dataset" if found.group(1).lower() == "corpus" else found.group(1).lower()


# a dataset or benchmark the paper makes itself ('by creating a high-quality synthetic dataset',
# 'together with a massive synthetic dataset'), not one it uses ('leveraging a preference
# dataset of critiques': Critic-V)
_BUILDS = re.compile(r"(?i)\b(?:" + _MAKING + r"|creat|collect|generat)\w*\b[^.;]{0,160}?"
                     r"\b(?:a|an|our)\s+"
                     r"(?:(?!(?:with|on|of|in|for|to|the|and)\b)[\w-]+\s+){0,4}"
                     r"(?:dataset|benchmark|corpus)\b")  # fmt: skip


def kinds_set_apart(pa: Profile, pb: Profile, a: Paper, b: Paper) -> tuple[Profile, Profile]:
    """The profiles, a paper of no sure kind called a method when the other is a benchmark,
    dataset, survey or position paper and it proposes a method of its own that the cues call
    a method or a system (round 18's readers: ShadowKV against SCBench, a benchmark, had no
    contribution-type row and SCBench no 'a way to evaluate models' line); a method that builds
    a dataset or benchmark itself is of no sure kind against a benchmark or dataset paper."""
    def settled(me: Profile, other: Profile, paper: Paper) -> Profile:
        if me.kind in ("", "method") and other.kind in ("benchmark", "dataset") and _BUILDS.search(
                paper.abstract):
            # 'a data synthesis method ..., together with a massive synthetic dataset'
            # (MegaPairs against Infinity-MM: round 27's paired readers) builds one too
            return replace(me, kind="")
        if me.kind or other.kind not in _STRONG or not me.proposes:
            return me
        if any(TYPE_CUES[k][1].search(paper.abstract) for k in _STRONG):
            return me  # 'We propose a new dataset' too (MiSC): a method and a dataset
        guess = classify(paper.title, paper.abstract)
        return replace(me, kind="method") if guess in ("method", "system") else me

    return settled(pa, pb, a), settled(pb, pa, b)
