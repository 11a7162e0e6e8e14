"""The reference server's answers: a grounded, schema-valid takeaway or comparison built from the
papers quoted in the prompt (between <paper> tags), spoilt on purpose by the content faults
('ungrounded', 'sloppy'); and the token count its usage reports.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from paperbrief.models import (
    LINE_MAX_CHARS,
    MAX_KEY_NUMBERS,
    TAKEAWAY_MAX_WORDS,
    ComparisonDraft,
    TakeawayDraft,
)
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.text import content_tokens, sentences

_PAPER_RE = re.compile(
    r"<paper(?: label=\"(?P<label>[AB])\")?>\s*<title>(?P<title>.*?)</title>\s*"
    r"<abstract>\s*(?P<abstract>.*?)\s*</abstract>\s*</paper>",
    re.DOTALL,
)
_CONTRIBUTION_RE = re.compile(
    r"\b(?:we (?:propose|present|introduce|develop|release|build)|this (?:paper|work))\b", re.I
)
_FAKE_NUMBER = "987.65%"
_TYPES = [
    ("survey", "survey"),
    ("benchmark", "benchmark"),
    ("dataset", "dataset"),
    ("position", "position"),
    ("system", "system"),
    ("analy", "analysis"),
]


def _words(text: str, limit: int) -> str:
    return " ".join(text.split()[:limit]).rstrip(",;:")


def _chars(text: str, limit: int) -> str:
    out = ""
    for word in text.split():
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out} {word}" if out else word
    return out or text[:limit]


def _grounded(text: str, source: str, fallback: str) -> str:
    return text if text and not ungrounded(text, source) else fallback


def _paper_parts(abstract: str) -> tuple[list[str], str, str, str]:
    sents = sentences(abstract) or [abstract or "No abstract."]
    contribution = next((s for s in sents if _CONTRIBUTION_RE.search(s)), sents[0])
    with_numbers = [s for s in sents if find_numbers(s)]
    result = with_numbers[-1] if with_numbers else sents[-1]
    return sents, contribution, result, sents[0]


def _tags(text: str, n: int = 3) -> list[str]:
    counts = Counter(t for t in content_tokens(text) if len(t) > 3 and len(t) <= 40)
    return [word for word, _ in counts.most_common(n)] or ["research"]


def takeaway_draft(title: str, abstract: str) -> TakeawayDraft:
    """A grounded, schema-valid takeaway built from the paper's own sentences."""
    source = f"{title}\n{abstract}"
    _, contribution, result, first = _paper_parts(abstract)
    generic = "The paper describes its contribution in the abstract."
    key_numbers = []
    for sent in sentences(abstract):
        for number in find_numbers(sent):
            if len(key_numbers) < MAX_KEY_NUMBERS and not ungrounded(number.text, source):
                context = _grounded(_chars(sent, 200), source, number.text)
                key_numbers.append({"value": number.text[:40], "context": context})
    lower = abstract.lower()
    kind = next((t for word, t in _TYPES if word in lower), "method")
    return TakeawayDraft.model_validate(
        {
            "takeaway": _grounded(
                _chars(_words(contribution, TAKEAWAY_MAX_WORDS), LINE_MAX_CHARS), source, generic
            ),
            "problem": _grounded(_chars(first, 400), source, generic),
            "method": _grounded(_chars(contribution, 400), source, generic),
            "result": _grounded(_chars(result, 400), source, generic),
            "key_numbers": key_numbers,
            "contribution_type": kind,
            "tags": _tags(source),
        }
    )


def comparison_draft(a: tuple[str, str], b: tuple[str, str]) -> ComparisonDraft:
    """A grounded, schema-valid comparison of papers a and b, each (title, abstract)."""
    source = f"{a[0]}\n{a[1]}\n{b[0]}\n{b[1]}"
    _, method_a, result_a, _ = _paper_parts(a[1])
    _, method_b, result_b, _ = _paper_parts(b[1])
    shared = sorted(set(_tags(a[1], 8)) & set(_tags(b[1], 8)))[:3]
    topic = ", ".join(shared) if shared else "related questions"
    generic = "Described in the paper's abstract."
    return ComparisonDraft.model_validate(
        {
            "summary": f"Both papers work on {topic}, with different approaches.",
            "shared_ground": f"Both papers address {topic}.",
            "differences": [
                {
                    "aspect": "approach",
                    "a": _grounded(_chars(method_a, 400), source, generic),
                    "b": _grounded(_chars(method_b, 400), source, generic),
                },
                {
                    "aspect": "results",
                    "a": _grounded(_chars(result_a, 400), source, generic),
                    "b": _grounded(_chars(result_b, 400), source, generic),
                },
            ],
            "prefer_a_when": f"Read paper A for {', '.join(_tags(a[1]))}.",
            "prefer_b_when": f"Read paper B for {', '.join(_tags(b[1]))}.",
        }
    )


def answer_content(messages: list[dict[str, Any]], fault: str | None = None) -> str:
    """The JSON text the server answers with for these messages (a fault may spoil it)."""
    prompt = next((m.get("content") or "" for m in messages if m.get("role") == "user"), "")
    papers = [(m.group("title"), m.group("abstract")) for m in _PAPER_RE.finditer(prompt)]
    if len(papers) >= 2:
        comparison = comparison_draft(papers[0], papers[1])
        if fault == "ungrounded":
            comparison.summary = _words(comparison.summary, 20) + f" Gains reach {_FAKE_NUMBER}."
        return comparison.model_dump_json()
    title, abstract = papers[0] if papers else ("", prompt or "No paper.")
    takeaway = takeaway_draft(title, abstract)
    if fault == "ungrounded":
        takeaway.takeaway = _words(takeaway.takeaway, 22) + f", reaching {_FAKE_NUMBER} gains"
    if fault == "sloppy":
        data = takeaway.model_dump()
        data["method"] = "  " + data["method"].replace(" ", "\n   ", 2) + "  "
        long_tag = "a topic tag that goes on for far too many characters"
        data["tags"] = [*data["tags"], long_tag, *(f"extra tag {i}" for i in range(6))]
        return json.dumps(data)
    return takeaway.model_dump_json()


def token_count(text: str) -> int:
    return max(1, len(text) // 4)
