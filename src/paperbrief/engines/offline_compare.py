"""Pairwise comparison for the offline engine, built from the two papers' extracted structure."""

from __future__ import annotations

from dataclasses import dataclass

from paperbrief.engines.offline_extract import recurring_names, term_weights
from paperbrief.engines.offline_facts import Roles, fit, key_numbers, roles
from paperbrief.engines.offline_facts import contribution_type as classify
from paperbrief.models import LINE_MAX_CHARS, MAX_DIFFERENCES, ComparisonDraft, Difference, Paper
from paperbrief.numbers import ungrounded

_DOES = {
    "method": "proposes a method", "benchmark": "builds a benchmark",
    "dataset": "releases a dataset", "system": "builds a system",
    "analysis": "analyses how things behave", "survey": "surveys the field",
    "position": "argues a position", "other": "reports its own work",
}  # fmt: skip
_READ_FOR = {
    "method": "a technique to apply", "benchmark": "a way to evaluate models",
    "dataset": "data to train or test on", "system": "a system to build on or deploy",
    "analysis": "evidence about how existing approaches behave",
    "survey": "an overview of the literature", "position": "an argument about the field",
    "other": "its particular angle",
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """What the comparison needs to know about one paper."""

    label: str
    roles: Roles
    kind: str
    terms: list[str]
    names: set[str]


def label(paper: Paper, fallback: str, grounding: str) -> str:
    """A short human name for the paper: its title up to the colon, if that is short and safe."""
    title = " ".join(paper.title.split())
    head = title.split(":", 1)[0].strip()
    if not head or len(head.split()) > 5:
        head = " ".join(title.split()[:5])
    if not head or ungrounded(head, grounding):  # titles may hold numbers the abstracts lack
        return fallback
    return f"{fallback} ({head})"


def profile(paper: Paper, fallback: str, grounding: str) -> Profile:
    """Profile one paper for comparison; `grounding` is the text every number must come from."""
    weights = term_weights(paper.abstract, paper.title)
    ranked = [term for term, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Profile(
        label=label(paper, fallback, grounding),
        roles=roles(paper.title, paper.abstract),
        kind=classify(paper.title, paper.abstract),
        terms=ranked,
        names={name.lower() for name in recurring_names(paper.title + " " + paper.abstract)},
    )


def _listing(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " and " + terms[-1]


def _headline(paper: Paper) -> str:
    numbers = key_numbers(paper.abstract)
    if not numbers:
        return ""
    first = numbers[0]
    return f"; it reports {first.value} ({first.context})"


def compare_papers(a: Paper, b: Paper) -> ComparisonDraft:
    """Shared ground, differences by aspect and when to prefer each, from the abstracts alone."""
    grounding = a.abstract + "\n" + b.abstract
    pa, pb = profile(a, "A", grounding), profile(b, "B", grounding)
    shared = [t for t in pa.terms[:40] if t in set(pb.terms[:40])][:5]
    shared_names = sorted(pa.names & pb.names)[:2]
    only_a = [t for t in pa.terms if t not in set(pb.terms)][:4]
    only_b = [t for t in pb.terms if t not in set(pa.terms)][:4]
    topic = _listing(shared_names + [t for t in shared if t not in shared_names][:4])

    if topic:
        summary = f"Both work on {topic}: {pa.label} {_DOES[pa.kind]}, {pb.label} {_DOES[pb.kind]}."
        ground = f"Both papers concern {topic}"
    else:
        summary = (
            f"{pa.label} {_DOES[pa.kind]} and {pb.label} {_DOES[pb.kind]}, on unrelated topics."
        )
        ground = "Little beyond both being research papers"
    if pa.kind == pb.kind:
        ground += f"; both are {pa.kind} papers"

    differences = [
        Difference(aspect="problem", a=pa.roles.problem, b=pb.roles.problem),
        Difference(aspect="approach", a=pa.roles.method, b=pb.roles.method),
        Difference(aspect="results", a=pa.roles.result, b=pb.roles.result),
    ]
    if pa.kind != pb.kind:
        differences.append(Difference(aspect="contribution type", a=pa.kind, b=pb.kind))
    if only_a and only_b:
        differences.append(
            Difference(aspect="focus", a=_listing(only_a) + ".", b=_listing(only_b) + ".")
        )

    def prefer(p: Profile, only: list[str], paper: Paper) -> str:
        focus = f", in particular on {_listing(only)}" if only else ""
        return fit(f"Read {p.label} for {_READ_FOR[p.kind]}{focus}{_headline(paper)}")

    return ComparisonDraft(
        summary=fit(summary, LINE_MAX_CHARS, 50),
        shared_ground=fit(ground),
        differences=differences[:MAX_DIFFERENCES],
        prefer_a_when=prefer(pa, only_a, a),
        prefer_b_when=prefer(pb, only_b, b),
    )
