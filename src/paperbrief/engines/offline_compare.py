"""Pairwise comparison for the offline engine, built from the two papers' extracted structure.

The assembly: short names (compare_names), shared subject and focus (compare_phrases), what
each paper does (compare_clauses) and its headline number (compare_headline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperbrief.engines.compare_clauses import clause, fallback_clause
from paperbrief.engines.compare_headline import headline
from paperbrief.engines.compare_names import named, short_name
from paperbrief.engines.compare_phrases import (
    Phrases,
    lead,
    noun_like,
    own_phrases,
    phrases,
    shared_phrases,
    shared_text,
)
from paperbrief.engines.compare_text import balanced, tidy
from paperbrief.engines.offline_facts import Roles, fit, roles
from paperbrief.engines.offline_facts import contribution_type as classify
from paperbrief.models import LINE_MAX_CHARS, MAX_DIFFERENCES, ComparisonDraft, Difference, Paper
from paperbrief.text import squash

_READ_FOR = {
    "method": "a technique to apply", "benchmark": "a way to evaluate models",
    "dataset": "data to train or test on", "system": "a system to build on or deploy",
    "analysis": "evidence about how existing approaches behave",
    "survey": "an overview of the literature", "position": "an argument about the field",
    "other": "its particular angle",
}  # fmt: skip
_BOTH_ARE = {
    "method": "both propose methods", "benchmark": "both build benchmarks",
    "dataset": "both release datasets", "system": "both build systems",
    "analysis": "both are analyses", "survey": "both are surveys",
    "position": "both are position papers",
}  # fmt: skip
_EMPTY_RESULT = "No result stated in the abstract."
_EMPTY_CELL = "Not stated in the abstract."


@dataclass(frozen=True)
class Profile:
    """What the comparison needs to know about one paper."""

    label: str
    roles: Roles
    kind: str
    phrases: Phrases


def _listing(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " and " + terms[-1]


def _cell(text: str, words: int = 28) -> str:
    """One sentence of at most `words` words (a role can hold two glued at 'etc.'); a role
    that cleans to nothing (LaTeX debris such as '\\\\.') reads 'Not stated in the abstract.'"""
    first = re.split(r"(?<=[a-z0-9)]\.)\s+(?=[A-Z])", tidy(text), maxsplit=1)[0]
    return fit(balanced(first), max_words=words) or _EMPTY_CELL


def _result_cell(text: str) -> str:
    cell = _cell(text)
    return cell if len(cell.split()) >= 5 else _EMPTY_RESULT


def compare_papers(a: Paper, b: Paper) -> ComparisonDraft:
    """Shared ground, differences by aspect and when to prefer each, from the abstracts alone."""
    grounding = a.abstract + "\n" + b.abstract
    name_a, name_b = short_name(a, grounding), short_name(b, grounding)
    if not name_a or not name_b or name_a.lower() == name_b.lower():
        name_a, name_b = "the first paper", "the second paper"
    pa = Profile(name_a, roles(a.title, a.abstract), classify(a.title, a.abstract),
                 phrases(a.title, a.abstract))  # fmt: skip
    pb = Profile(name_b, roles(b.title, b.abstract), classify(b.title, b.abstract),
                 phrases(b.title, b.abstract))  # fmt: skip
    # a lone shared word that is no noun ('iteratively') is no common subject
    shared = [t for t in shared_phrases(pa.phrases, pb.phrases) if noun_like(t)]
    names = [name_a, name_b, named(a) or "", named(b) or ""]
    only_a = own_phrases(pa.phrases, pb.phrases, {*names, *shared})
    only_b = own_phrases(pb.phrases, pa.phrases, {*names, *shared})

    summary = _summary(a, b, pa, pb, shared, only_a, only_b)
    if shared:
        listed = [shared_text(term, pa.phrases, pb.phrases) for term in shared]
        ground = f"Both deal with {_listing(listed)}"
    elif only_a and only_b:
        ground = f"No common subject: {name_a} is about {only_a[0]}, {name_b} about {only_b[0]}"
    else:
        ground = "No common subject beyond the field"
    if pa.kind == pb.kind and pa.kind in _BOTH_ARE:
        ground += f"; {_BOTH_ARE[pa.kind]}"

    differences = [
        Difference(aspect="problem", a=_cell(pa.roles.problem), b=_cell(pb.roles.problem)),
        Difference(aspect="approach", a=_cell(pa.roles.method), b=_cell(pb.roles.method)),
        Difference(aspect="results", a=_result_cell(pa.roles.result),
                   b=_result_cell(pb.roles.result)),
    ]  # fmt: skip
    if pa.kind != pb.kind:
        differences.append(Difference(aspect="contribution type", a=pa.kind, b=pb.kind))
    if only_a and only_b:
        differences.append(
            Difference(aspect="focus", a=_listing(only_a) + ".", b=_listing(only_b) + ".")
        )

    def prefer(p: Profile, only: list[str], paper: Paper) -> str:
        focus = f", with a focus on {_listing(only[:2])}" if only else ""
        number = headline(paper.abstract, grounding)
        figure = f"; headline result: {number}" if number else ""
        return fit(f"Read {p.label} for {_READ_FOR[p.kind]}{focus}{figure}")

    return ComparisonDraft(
        summary=summary,
        shared_ground=fit(ground),
        differences=differences[:MAX_DIFFERENCES],
        prefer_a_when=prefer(pa, only_a, a),
        prefer_b_when=prefer(pb, only_b, b),
    )


def _summary(
    a: Paper, b: Paper, pa: Profile, pb: Profile, shared: list[str], only_a: list[str],
    only_b: list[str],
) -> str:  # fmt: skip
    """One line: the shared subject, then what each paper does about it."""
    text = ""
    for words in (18, 14, 10, 7):
        first = clause(a, pa.label, pa.roles, None, words)
        if not first:
            first = fallback_clause(pa.label, pa.kind, (only_a or shared or ["it"])[0], None)
        verb = first[len(pa.label) :].split()[0]
        second = clause(b, pb.label, pb.roles, verb, words)
        if not second:
            second = fallback_clause(pb.label, pb.kind, (only_b or shared or ["it"])[0], verb)
        body = first + ", while " + second
        opening = lead(shared, pa.phrases, pb.phrases)
        text = opening + body if opening else _capital(body)
        text = squash(text).rstrip(".") + "."
        text = balanced(text)
        if len(text) <= LINE_MAX_CHARS:
            return text
    return fit(text, LINE_MAX_CHARS, 50)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
