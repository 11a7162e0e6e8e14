"""Candidate takeaway lines of one abstract sentence: the whole sentence, and its heads cut where a
clause or a trailing modifier ends, so the learned selector (offline_select.py) can pick the
sentence and where to cut it in one choice.

A cut is made only where what is kept stays a readable clause: before punctuation (", which",
"; ", ": "), a relative or result clause ("which", "where", "while", "thereby"), a "by ...ing"
phrase or a trailing means phrase ("using", "via", "through", "based on"). Never before a bare
"to", "that", "for" or "and", which would leave a verb or a noun without its object. These are
hand rules: the libraries that find clause boundaries properly (spaCy, benepar, Stanza) need
downloaded parsing models, which the offline engine must not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperbrief.engines.offline.extract import Sentence, clip, strip_lead_in

MAX_WORDS = 30  # a takeaway is at most 30 words (models.TAKEAWAY_MAX_WORDS)
_REL = r"(?:which|where|whereas|while|whose|thereby|thus|hence)"
_MEANS = r"(?:using|via|through|without|based on|in order to|so as to|leading to|resulting in)"
_SAFE_BREAK = re.compile(
    rf"\s*(?P<punct>[,;:]|\s--|\s\u2014)\s+"
    rf"|\s+(?=(?P<rel>{_REL})\s)"
    rf"|\s+(?=(?P<by>by)\s+\w+ing\b)"
    rf"|\s+(?=(?P<means>{_MEANS})\s)",
    re.IGNORECASE,
)
# An opening adverbial ("On a large benchmark, we ...", "Unlike prior work, ...") ends at the
# sentence's first comma: cutting there would keep only the adverbial.
_OPENING = re.compile(
    r"^(?:on|in|for|by|to|with|using|based|given|although|though|while|since|because|unlike"
    r"|despite|as|if|when|whereas|compared|through|via|from|after|before|motivated|inspired"
    r"|building|leveraging|towards?|among|across|under|at|during|instead|rather)\b",
    re.IGNORECASE,
)
# Words a readable line does not end on (an article, a preposition, a conjunction, a copula).
_DANGLING = frozenset(
    """a an the and or but of to in on for with by as at from that which while whereas where
    via using through into than its their our this these those is are was were be been being
    can could may might will would should must such both either whether when how very more
    most not also""".split()
)
CUT_KINDS = ("whole", "clipped", "punct", "rel", "by", "means")


@dataclass(frozen=True)
class Candidate:
    """One possible takeaway line: a sentence, whole or cut, as a capitalised line with a stop."""

    sentence: Sentence
    text: str
    kind: str  # one of CUT_KINDS: the whole sentence, a forced clip, or where it was cut
    words: int


def _line(text: str) -> str:
    text = text.rstrip(" .,;:-")
    return text[:1].upper() + text[1:] + "." if text else ""


def _readable_head(head: str) -> bool:
    words = head.split()
    if words[-1].lower().strip(",;:\"'") in _DANGLING:
        return False
    return head.count('"') % 2 == 0 and head.count("(") == head.count(")")


def candidates(
    sentence: Sentence, max_words: int = MAX_WORDS, min_words: int = 7
) -> list[Candidate]:
    """The sentence as a line (clipped to `max_words` only when it has no readable cut that
    short), then each readable head of at least `min_words` words, shortest first."""
    base = strip_lead_in(sentence.text)
    total = len(base.split())
    heads: list[tuple[str, str]] = []
    for m in _SAFE_BREAK.finditer(base):
        head = base[: m.start()]
        n = len(head.split())
        if n < min_words or n > max_words or n >= total or not _readable_head(head):
            continue
        if m.group("punct") == "," and "," not in head and _OPENING.match(base):
            continue  # the comma closes an opening adverbial
        kind = next(k for k in ("punct", "rel", "by", "means") if m.group(k))
        heads.append((_line(head), kind))
    if total <= max_words:
        whole = (_line(base), "whole")
    elif heads:
        whole = heads.pop()  # the longest readable head stands for the sentence
    else:
        whole = (_line(clip(base, max_words)), "clipped")
    out: list[Candidate] = []
    seen: set[str] = set()
    for text, kind in [whole, *heads]:
        if text and text not in seen:
            seen.add(text)
            out.append(Candidate(sentence, text, kind, len(text.split())))
    return out
