"""How central a keyword phrase is to a paper: its subject, or a passing mention.

A phrase in the title is the paper's subject (1.0); in the abstract's opening sentence it is
most likely the subject too (0.7); repeated in the abstract it matters (0.5 for two mentions, more
for more); a single mention further on is often a deployment detail or related work (0.2):
"Proofread: Fixes All Errors with One Tap" mentions speculative decoding once, as how it is
served, and should not rank with papers about speculative decoding. These weights are a hand
rule (no maintained library scores phrase centrality in a short abstract); bench/rank.py
measures them.
"""

from __future__ import annotations

import re

TITLE = 1.0
LEAD = 0.7
REPEATED = 0.5  # two mentions; each further one adds REPEAT_STEP
REPEAT_STEP = 0.15
PASSING = 0.2
LEAD_CHARS = 250  # the opening sentence, give or take: sentence splitting is not needed here
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def lead(abstract: str) -> str:
    """The abstract's opening: its first sentence, at most LEAD_CHARS characters."""
    head = abstract[:LEAD_CHARS]
    end = _SENTENCE_END.search(head, 40)
    return head[: end.end()] if end else head


def centrality(pattern: re.Pattern[str], title: str, abstract: str) -> float:
    """0 when the phrase is absent; else how central it is (PASSING … 1.0). `title` and
    `abstract` are folded the way `pattern` expects (ranking._fold)."""
    if pattern.search(title):
        return TITLE
    count = len(pattern.findall(abstract))
    if count == 0:
        return 0.0
    score = PASSING if count == 1 else min(TITLE, REPEATED + REPEAT_STEP * (count - 2))
    if pattern.search(lead(abstract)):
        score = max(score, LEAD)
    return score
