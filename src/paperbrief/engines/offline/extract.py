"""Extractive sentence work for the offline engine: clean, classify, compress and pick."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from paperbrief.text import STOPWORDS, sentences

# Cue phrases that say what a sentence does in an abstract.
_SUBJECT = r"(?:we|this (?:paper|work|study|article|note|report)|our (?:paper|work|study))"
METHOD_CUE = re.compile(
    _SUBJECT + r"\s+(?:also\s+|further\s+|first\s+|then\s+)?"
    r"(?:propose|present|introduce|develop|design|describe|devise|formulate|offer|build|construct"
    r"|provide|contribute|put forward|release|create|curate|collect|construct|establish|derive"
    r"|extend|leverage|employ|adopt|apply|frame|cast|model|train|learn|use|suggest|explore"
    r"|study|investigate|analy[sz]e|examine|evaluate|benchmark|consider|tackle|address|focus"
    r"|bridge|argue|revisit|aim|seek)\w*\b",
    re.IGNORECASE,
)
RESULT_CUE = re.compile(
    r"\b(?:results?|experiments?|evaluations?|empirical(?:ly)?|findings?|analysis)\b.{0,40}?"
    r"\b(?:show|demonstrate|indicate|suggest|confirm|reveal|verify|validate)|"
    r"\bwe (?:also )?(?:show|demonstrate|find|found|observe|prove|confirm|verify|achieve|obtain"
    r"|report)\b|"
    r"\b(?:outperform|surpass|achiev|improv|state-of-the-art|competitive|speedup|accuracy|reduc"
    r"|better|superior|gains?\b|faster)",
    re.IGNORECASE,
)
PROBLEM_CUE = re.compile(
    r"\b(?:however|challeng|problem|limitation|limited|remains?|difficult|hard|lack|suffer"
    r"|costly|expensive|bottleneck|fail|hinder|unclear|open question|little is known|struggle"
    r"|issue|gap|prohibitive|bias|vulnerab|require|impractical|inefficien|unreliable)",
    re.IGNORECASE,
)


def lowercase_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same case-insensitive search, for text lower-cased first: Python's re runs an
    IGNORECASE pattern two to four times slower (it folds the case of every character it
    tries). Only for a pattern that writes no upper-case letter: lower-casing \\S or [A-Z] would
    change what it means."""
    if any(c.isupper() for c in pattern.pattern):
        raise ValueError(f"not for a pattern with upper-case letters: {pattern.pattern[:40]!r}")
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


# the role cues as _split_sentences searches them, in the sentence lower-cased
_ROLE_CUES = (lowercase_twin(METHOD_CUE), lowercase_twin(RESULT_CUE), lowercase_twin(PROBLEM_CUE))

# Lead-ins that carry no content: dropped from the front of a sentence.
_LEAD_INS = re.compile(
    r"^(?:(?:in|with) (?:this|the present|our) (?:paper|work|study|article|note|report)"
    r"|here(?:in)?|to (?:this|that) end|to (?:address|tackle|solve|overcome|fill|bridge|close"
    r"|remedy|mitigate|alleviate|resolve|handle|answer) (?:this|these|that|those|such)"
    r"(?: \w+){0,3}|in (?:contrast|addition|particular|summary|conclusion|practice|short)"
    r"|specifically|concretely|moreover|furthermore|additionally|however|finally|overall"
    r"|in response|as a result|consequently|therefore|thus|hence|instead|importantly"
    r"|to (?:do so|this aim|achieve this)|for (?:this|that) purpose|notably|crucially"
    r"|in (?:this|our) (?:setting|framework|context)|building (?:on|upon) (?:this|these)"
    r"(?: \w+)?|motivated by (?:this|these)(?: \w+)?|inspired by (?:this|these)(?: \w+)?"
    r"|first|second|third|then|next|lastly|also|further)\s*,\s*",
    re.IGNORECASE,
)
# The section labels of structured abstracts (medical journals, The Art, Science, and Engineering
# of Programming: "Context: ... Inquiry: ... Importance: ..."), dropped from a sentence's start.
_LABEL_WORD = (r"(?:abstract|background|context|motivation|introduction|purpose|aims?|objectives?"
               r"|goals?|problem|inquiry|(?:research )?questions?|methods?|methodology|approach"
               r"|design|settings?|participants|materials|results?|main results?|findings"
               r"|knowledge|grounding|importance|significance|conclusions?|discussion"
               r"|implications|limitations|contributions?|summary|highlights|interventions?"
               r"|measurements|main outcomes?(?: and measures?)?)")  # fmt: skip
SECTION_LABEL = re.compile(
    r"^[*_]{0,2}" + _LABEL_WORD + r"(?:(?:,?\s+and\s+|,\s*|\s*&\s*|\s*/\s*)" + _LABEL_WORD
    + r"){0,3}(?:\s*[*_]{0,2}\s*:\s*[*_]{0,2}|\s+[-\u2013\u2014]\s+)\s*(?=[A-Z0-9\"'(])",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_URL = re.compile(r"\s*\b(?:https?://|www\.)\S+")
_LATEX_ARG = re.compile(r"\\[a-zA-Z]+\*?\{([^{}]*)\}")
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\*?\s?")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?])")
_MARK_BEFORE_MARK = re.compile(r"([,;:])(?=[,.;:])")
_CLAUSE_BREAK = re.compile(r"(?:,|;|:|\s--|\s—)\s+|\s+(?=(?:which|while|whereas|where|by|using"
                           r"|through|via|with|without|and|but|thus|so|as|that|to|for|on|in"
                           r")\s)")  # fmt: skip
_DANGLING = frozenset(
    """a an the and or but of to in on for with by as at from that which while whereas where
    via using through into than its their our this these those is are was were be can
    such both either whether when how respect according thanks regard regardless""".split()
)  # the last five need the word after them ('with respect to', 'according to', 'thanks to')


@dataclass(frozen=True)
class Sentence:
    """One abstract sentence with its position and role cues."""

    index: int
    text: str
    method: bool
    result: bool
    problem: bool


# a LaTeX "\times" whose backslash the listing lost: "128times128", "2.33times faster"
LOST_TIMES = re.compile(r"(?<=\d)times(?=\d|\b)")
_LOST_SIM = re.compile(r"(?<![A-Za-z])sim\s?!?\s?(?=\d)")


def clean(text: str) -> str:
    """Drop parentheticals, bracketed citations and URLs; tidy the spacing around punctuation."""
    # (each pattern is tried only where the character it needs is in the text: most sentences
    # have no bracket, address or LaTeX, and a regex pass costs as much as finding nothing)
    previous = None
    while previous != text and ("(" in text or "[" in text):
        previous, text = text, _PARENS.sub("", text)
    if "://" in text or "www." in text:
        text = _URL.sub("", text)
    if "\\" in text:
        text = _LATEX_ARG.sub(r"\1", text)
        text = _LATEX_CMD.sub("", text.replace("$", ""))  # "\times$x": the $ goes first
    else:
        text = text.replace("$", "")
    if "times" in text:  # '128\times128' whose backslash the listing lost: '128times128'
        text = LOST_TIMES.sub("×", text)
    if "sim" in text:  # '\sim\!30 FPS' whose backslashes the listing lost: 'sim!30 FPS'
        text = _LOST_SIM.sub("~", text)
    if "**" in text:  # Markdown bold an author typed: '**C**hinese **I**mage ... **CII-Bench**'
        text = text.replace("**", "")
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    text = _MARK_BEFORE_MARK.sub("", text)
    return " ".join(text.split())


def strip_lead_in(text: str) -> str:
    """Drop content-free lead-ins ("In this paper,", "To address this,", "Motivated by X, ")."""
    previous = None
    while previous != text:
        previous, text = text, _LEAD_INS.sub("", SECTION_LABEL.sub("", text))
    # "Motivated by ..., we present X" -> "we present X" when the we-clause starts early enough.
    m = re.search(r",\s+(we|this paper|this work)\s", text, re.IGNORECASE)
    if m and m.start() < len(text) * 0.6 and METHOD_CUE.match(text, m.start(1)):
        text = text[m.start(1) :]
    return text[:1].upper() + text[1:] if text else text


def split_sentences(abstract: str) -> list[Sentence]:
    """The abstract's sentences, cleaned, with their role cues."""
    return list(_split_sentences(abstract))


@lru_cache(maxsize=1024)  # the takeaway and the roles of one paper read the same sentences
def _split_sentences(abstract: str) -> tuple[Sentence, ...]:
    out = []
    for i, raw in enumerate(sentences(abstract)):
        text = clean(SECTION_LABEL.sub("", raw))
        if not any(c.isalnum() for c in text):
            continue  # only punctuation or LaTeX debris, e.g. a backslash pair and a full stop
        low = text.lower()
        method, result, problem = (bool(cue.search(low)) for cue in _ROLE_CUES)
        out.append(Sentence(index=i, text=text, method=method, result=result, problem=problem))
    return tuple(out)


def clip(text: str, max_words: int) -> str:
    """Shorten `text` to at most `max_words` words, at a clause boundary where one is near."""
    words = text.split()
    if len(words) <= max_words:
        return text.rstrip(" ,;:")
    cut_chars = len(" ".join(words[:max_words]))
    best = None
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > cut_chars:
            break
        if len(text[: m.start()].split()) >= max(6, max_words // 2):
            best = m.start()
    head = text[:best] if best is not None else " ".join(words[:max_words])
    kept = head.split()
    after = words[len(kept) : len(kept) + 8]  # what the cut left out, next
    kept = _undangled(kept)
    if any(w.lower() in ("and", "or") for w in after):
        kept = _pair_closed(kept)
    return " ".join(kept).rstrip(" ,;:-")


def _pair_closed(kept: list[str]) -> list[str]:
    """A pair whose second half the cut left out: 'for both navigation' reads 'for navigation',
    'between a reference model' goes ('both tasks', 'A and B' are left alone)."""
    for k in range(len(kept) - 1, max(3, len(kept) - 6) - 1, -1):
        word = kept[k].lower()
        if word in ("and", "or"):
            return kept
        if word == "between":
            return _undangled(kept[:k])
        if word in ("both", "either"):
            return kept[:k] + kept[k + 1 :]
    return kept


def _undangled(kept: list[str]) -> list[str]:
    """Words without a dangling tail ('... with respect', '... of the')."""
    while len(kept) > 3 and kept[-1].lower().strip(",;:") in _DANGLING:
        kept.pop()
    return kept


def as_line(text: str, max_words: int) -> str:
    """A clipped, capitalised line ending with a full stop."""
    line = clip(strip_lead_in(text), max_words)
    line = line.rstrip(" .,;:")
    if not line:
        return ""
    return line[:1].upper() + line[1:] + "."


# Cues that a sentence states the paper's own contribution or is a follow-up detail: features
# of the learned selector (offline_select.py).
SCORE_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "this_paper": r"\b(?:in )?this (?:paper|work|study|article|note)\b|\bhere,? we\b",
        "we_propose": r"\bwe (?:propose|present|introduce|develop|describe|design|devise)",
        "we_study": r"\bwe (?:study|investigate|analy[sz]e|examine|explore|consider|show how)",
        "novel": r"\b(?:novel|new)\b",
        "followup": r"\b(?:our|the proposed) (?:method|approach|model|framework|algorithm"
        r"|technique|system)|\b(?:experiment|outperform|state-of-the-art|we also"
        r"|further(?:more)?\b)",
    }.items()
}
CLAIM_LEAD = re.compile(
    r"^(?:we|(?:our )?(?:experimental |empirical )?(?:results|experiments|analysis|findings))\b"
    r"[^,]{0,40}?\b(?:show|demonstrate|find|observe|indicate|confirm|reveal|suggest|prove)s?\s+"
    r"(?:that\s+)?",
    re.IGNORECASE,
)
# SCORE_CUES as the selector searches them, in the sentence lower-cased
SCORE_CUES_LOWER = {name: lowercase_twin(cue) for name, cue in SCORE_CUES.items()}
NAME = re.compile(r"\b(?:[A-Z][a-z]+[A-Z][\w-]*|[A-Z]{2,}[\w-]*|[A-Za-z]+-\d[\w-]*)")


def recurring_names(text: str) -> set[str]:
    """Names (CamelCase, ACRONYMS, Model-7) the text uses more than once."""
    counts = Counter(NAME.findall(text))
    return {name for name, count in counts.items() if count > 1}


def decapitalise(text: str) -> str:
    """Lower-case the first word when it is an ordinary word ("The", "It"), not a name."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.lower() in STOPWORDS:
        return text[:1].lower() + text[1:]
    return text
