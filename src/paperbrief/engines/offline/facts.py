"""Facts the offline engine reads off an abstract: roles, key numbers, contribution type, tags."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from paperbrief.engines.offline.extract import (
    CLAIM_LEAD,
    Sentence,
    clip,
    split_sentences,
    strip_lead_in,
)
from paperbrief.engines.offline.select import ranked as ranked_sentences
from paperbrief.engines.offline.standalone import dangles, part_of_name, repeats
from paperbrief.models import FIELD_MAX_CHARS, MAX_KEY_NUMBERS, KeyNumber
from paperbrief.numbers import find_numbers, mentions
from paperbrief.text import sentences, squash

FIELD_WORDS = 45
_NOT_STATED = "Not stated in the abstract."


@dataclass(frozen=True)
class Roles:
    """The abstract's problem, method and result sentences (cleaned, one line each)."""

    problem: str
    method: str
    result: str


def fit(text: str, max_chars: int = FIELD_MAX_CHARS, max_words: int = FIELD_WORDS) -> str:
    """`text` as one line within `max_words` words and `max_chars` characters, never mid-word."""
    text = clip(squash(text), max_words)
    while len(text) > max_chars - 1:
        text = clip(text, max(1, len(text.split()) - 3))
        if len(text.split()) <= 1:
            text = text[: max_chars - 1]
            break
    text = text.rstrip(" .,;:")
    return text + "." if text else ""


def _sentence_line(s: Sentence) -> str:
    text = strip_lead_in(s.text)
    return fit(text[:1].upper() + text[1:])


def roles(title: str, abstract: str) -> Roles:
    """Pick the motivation, approach and outcome sentences of an abstract."""
    sents = split_sentences(abstract)
    fallback = fit(abstract) or _NOT_STATED  # never the title: a field is not the title again
    if not sents:
        return Roles(fallback, fallback, fallback)
    ranked = list(ranked_sentences(abstract, title))
    method = next((s for s in ranked if s.method), ranked[0])
    before = [s for s in sents if s.index < method.index]
    problem = next((s for s in before if s.problem), before[0] if before else None)
    after = [s for s in sents if s.index > method.index]
    outcomes = [s for s in after if s.result] or after
    result = max(outcomes, key=lambda s: (bool(find_numbers(s.text)), s.index), default=None)
    problem_line = _sentence_line(problem) if problem else ""
    result_line = _sentence_line(result) if result else _sentence_line(method)
    if result is not None:
        claim = CLAIM_LEAD.sub("", strip_lead_in(result.text))
        if len(claim.split()) >= 4:
            result_line = fit(claim[:1].upper() + claim[1:])
    fields = [problem_line, _sentence_line(method), result_line]
    # a field is never the title again ('Youtu-LLM: Unlocking ...'), and a result opening on
    # 'This'/'It' (what does it refer to?) is left unsaid rather than read out of context
    fields = ["" if repeats(f, title) else f for f in fields]
    if dangles(fields[2]):
        fields[2] = ""
    return Roles(*(f or _NOT_STATED for f in fields))


# --- key numbers -------------------------------------------------------------------------

_CLAUSE = re.compile(r"[;:]|,\s|\s[(\[]|[)\]]|\s(?:while|whereas|and)\s")
CONTEXT_WORDS = 5


def _context(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause of `sentence` around [start, end), widened until it says
    something, its brackets balanced."""
    breaks = list(_CLAUSE.finditer(sentence))
    starts = [0] + [m.end() for m in breaks if m.end() <= start]
    ends = [m.start() for m in breaks if m.start() >= end] + [len(sentence)]
    i, j = len(starts) - 1, 0
    while len(sentence[starts[i] : ends[j]].split()) < CONTEXT_WORDS and (
        i > 0 or j < len(ends) - 1
    ):
        i, j = (i - 1, j) if i > 0 else (i, j + 1)
    left, right = _balanced(sentence, starts[i], ends[j], start, end)
    while right - left > 200:  # drop whole words from the longer side, never the number
        if start - left > right - end:
            left = sentence.find(" ", left + 1, start) + 1 or start
        else:
            cut = sentence.rfind(" ", end, right - 1)
            right = cut if cut > 0 else end
    while left < start and sentence[left] in " ,;:.([":
        left += 1
    while right > end and sentence[right - 1] in " ,;:.([":
        right -= 1
    return left, right


def _balanced(sentence: str, left: int, right: int, start: int, end: int) -> tuple[int, int]:
    """[left, right) grown to take in the partner of a bracket it opens or closes ("competitive
    (0.9x-1.7x" -> "... (0.9x-1.7x)"), or shrunk past it when the partner is too far."""
    for opening, closing in ("()", "[]"):
        depth = 0
        for k in range(left, right):
            if sentence[k] == opening:
                depth += 1
            elif sentence[k] == closing:
                if depth:
                    depth -= 1
                elif k < start:  # an unmatched ')' before the number: start after it
                    left = k + 1
                else:  # an unmatched ')' after it: stop before it
                    right = k
                    break
        if depth:
            close = sentence.find(closing, right)
            if 0 <= close < right + 80:
                right = close + 1
            else:
                cut = sentence.rfind(opening, left, right)
                if cut < start:
                    left = cut + 1
                else:
                    right = cut
    return left, right


def key_numbers(abstract: str) -> list[KeyNumber]:
    """Up to five headline numbers as written, each with the clause that says what it measures."""
    found: list[tuple[int, int, int, int, str]] = []  # priority, sentence, start, end, value
    seen: set[str] = set()
    texts = sentences(abstract)
    for index, sentence in enumerate(texts):
        for start, end, n in mentions(sentence):
            value = sentence[start:end].strip()
            if value in seen or len(value) > 40:
                continue
            if not n.unit and part_of_name(sentence, start, end):
                continue  # 'Llama 2', 'Stage 1', 'Apache 2.0': a name, not a measurement
            seen.add(value)
            priority = 0 if n.unit else 1 if n.value >= 1000 or "." in n.text else 2
            found.append((priority, index, start, end, value))
    # the context search reads the whole sentence: only for the five kept, so that an abstract
    # of 20,000 numbers costs linear time, not 20,000 sentence scans
    best = sorted(sorted(found, key=lambda item: item[:3])[:MAX_KEY_NUMBERS],
                  key=lambda item: item[1:3])  # fmt: skip
    spans = [_context(texts[index], start, end) for _, index, start, end, _ in best]
    # numbers of one sentence whose clauses nest or overlap share their union ("by 1.56" inside
    # "by 1.56 and 6.92 in BLEU"): the digest then shows that clause once, every number bold
    changed = True
    while changed:
        changed = False
        for a, b in combinations(range(len(best)), 2):
            (la, ra), (lb, rb) = spans[a], spans[b]
            union = (min(la, lb), max(ra, rb))
            if (best[a][1] == best[b][1] and la < rb and lb < ra and spans[a] != spans[b]
                    and union[1] - union[0] <= 200):  # fmt: skip
                spans[a] = spans[b] = union
                changed = True
    first: dict[tuple[int, int, int], int] = {}  # a shown clause -> where its first number is
    for (_, index, start, _, _), (left, right) in zip(best, spans, strict=True):
        key = (index, left, right)
        first[key] = min(start, first.get(key, start))
    return [
        KeyNumber(value=value, context=_opening_dropped(texts[index], left, right,
                                                        first[index, left, right]) or value)
        for (_, index, _, _, value), (left, right) in zip(best, spans, strict=True)
    ]  # fmt: skip


# What a clause cut out of its sentence may open with that says nothing about the number: a
# joining word ("and with more than 0.9 ...", "which covers 220 APIs") or a report of the finding
# ("We show that Nightjar programs achieve ...", "demonstrates that MPIrigen excels ..."). A hand
# rule: the libraries that parse clauses (spaCy, Stanza) need downloaded models.
_OPENING = re.compile(
    r"(?:(?:and|or|but|while|whereas|which|that|thus|hence|thereby|e\.g\.,?|i\.e\.,?)\s+)?"
    r"(?:(?:[\w-]+\s+){0,4}?(?:show|demonstrate|find|found|observe|reveal|indicate|confirm|"
    r"suggest)(?:s|ed|ing)?\s+that\s+)?"
)
_FUNCTION_WORD_CAPITAL = re.compile(r"(?:Our|We|The|This|These|Its|Their|On|In|For|With)\b")


def _opening_dropped(sentence: str, left: int, right: int, number: int) -> str:
    """sentence[left:right] without an opening that says nothing about the number (never past
    the clause's first number, and only where three words stay), and a capitalised function
    word that opened its sentence in lower case, as it reads after "; "."""
    m = _OPENING.match(sentence, left, number)
    if m is not None and len(sentence[m.end() : right].split()) >= 3:  # more than the number
        left = m.end()
    clause = sentence[left:right]
    if _FUNCTION_WORD_CAPITAL.match(clause):
        clause = clause[0].lower() + clause[1:]
    return clause


# --- contribution type -------------------------------------------------------------------

_MAKE = r"(?:(?:we|this (?:paper|work))\s+(?:\w+\s+)?(?:introduce|present|propose|release|build"
_MAKE += r"|construct|create|develop|curate|collect|contribute|design)\w*\b"
_MAKE += r"(?:(?!\b(?:on|from|using|with|across|against|in|of)\b)[^.;:]){0,60}?"
_MAKE += r"|\b[A-Z][\w-]*[A-Za-z0-9], (?:a|an) (?:[\w-]+ ){0,4}?)"
# what an abstract says it makes, by type; also the words without which its cue cannot match
_MADE = {
    "benchmark": r"\b(?:benchmark|evaluation suite|test suite)\b",
    "dataset": r"\b(?:dataset|corpus|data set)\b",
    "system": r"\b(?:system|library|platform|compiler|runtime|toolkit|infrastructure"
              r"|open-source tool)\b",
}  # fmt: skip
TYPE_CUES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # type: (cue in the title, cue in the abstract)
    "survey": (re.compile(r"\b(?:survey|review|overview|taxonomy)\b", re.I),
               re.compile(r"\b(?:this survey|we survey|we review|systematic (?:literature )?review"
                          r"|comprehensive (?:survey|overview|review))\b", re.I)),
    "benchmark": (re.compile(r"bench\b|\bbenchmark|\bleaderboard\b|\barena\b", re.I),
                  re.compile(_MAKE + _MADE["benchmark"], re.I)),
    "dataset": (re.compile(r"\b(?:dataset|corpus|data set)\b", re.I),
                re.compile(_MAKE + _MADE["dataset"], re.I)),
    "position": (re.compile(r"\b(?:position|manifesto|perspective|call for|should we|is all|"
                            r"upending|barbarians)\b", re.I),
                 re.compile(r"\b(?:this position paper|we argue|this essay|we call for"
                            r"|we advocate)\b", re.I)),
    "system": (re.compile(r"\b(?:system|library|platform|compiler|runtime|engine|toolkit|"
                          r"infrastructure|serving|checkpointing|framework for)\b", re.I),
               re.compile(_MAKE + _MADE["system"], re.I)),
    "analysis": (re.compile(r"\?|\b(?:analysis|understanding|on the|evaluation of|empirical"
                            r"|study|towards understanding|revisiting|why|how)\b", re.I),
                 re.compile(r"\b(?:we (?:study|analy[sz]e|investigate|examine|characteri[sz]e)"
                            r"|empirical study|our analysis"
                            r"|we conduct (?:a|an)\b)", re.I)),
    "method": (re.compile(r"\b(?:learning|via|towards?|efficient|improving|training|method)\b",
                          re.I),
               re.compile(_MAKE + r"\b(?:method|approach|algorithm|model|technique|framework"
                          r"|architecture|loss|objective|strategy|mechanism|pipeline)\b"
                          r"|\bwe (?:propose|present|introduce)\b", re.I)),
}  # fmt: skip
_TITLE_WEIGHT = {"survey": 4, "benchmark": 4, "dataset": 3, "position": 2, "system": 2,
                 "analysis": 1, "method": 1}  # fmt: skip
_ABSTRACT_WEIGHT = {"survey": 3, "benchmark": 3, "dataset": 3, "position": 3, "system": 2,
                    "analysis": 1.5, "method": 2}  # fmt: skip


# words without which an abstract cue cannot match: its slow search is skipped when they are absent
_CUE_NEEDS = {kind: re.compile(made, re.I) for kind, made in _MADE.items()}


def contribution_type(title: str, abstract: str) -> str:
    """The kind of contribution (method, benchmark, dataset, ..., other), by cue words."""
    scores: Counter[str] = Counter()
    for kind, (in_title, in_abstract) in TYPE_CUES.items():
        if title and in_title.search(title):
            scores[kind] += _TITLE_WEIGHT[kind]
        needs = _CUE_NEEDS.get(kind)
        absent = needs is not None and not needs.search(abstract)  # then findall finds none
        found = 0 if absent else min(2, len(in_abstract.findall(abstract)))
        scores[kind] += _ABSTRACT_WEIGHT[kind] * found
    if not scores or max(scores.values()) == 0:
        return "other"
    order = list(TYPE_CUES)
    return max(order, key=lambda kind: (scores[kind], -order.index(kind)))
