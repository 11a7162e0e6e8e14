"""The headline number of an abstract, for the offline comparison's 'when to prefer' lines.

A short phrase around the first number with a unit ('%', 'x', 'per cent') that is grounded
in the two abstracts, its brackets balanced.
"""

from __future__ import annotations

import re

from paperbrief.engines.compare_text import balanced, tidy, trim
from paperbrief.engines.offline_extract import clean
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.text import sentences

_LEADING_FILLER = frozenset(
    """and or but while whereas with by that which where achieving achieves achieved delivering
    delivers reaching reaches obtaining obtains yielding yields showing shows it also only
    demonstrate demonstrates we can our results experimental experiments indicate indicates
    reveal reveals observe observes not further""".split()
)
_WINDOW_BREAK = re.compile(r"[;:]|,\s|\s(?:while|whereas|but|which|where)\s")


def headline(abstract: str, grounding: str, max_words: int = 14) -> str:
    """A short clean phrase stating the abstract's headline number with its unit ('%', 'x',
    'per cent'), or '' when the abstract has none."""
    for raw in sentences(abstract):
        sentence = tidy(clean(raw))
        numbers = find_numbers(sentence)
        for i, n in enumerate(numbers):
            per_cent = sentence[n.end :].startswith(" per cent")
            if not (n.unit or per_cent):
                continue
            before = sentence[: n.start]
            if before.endswith(("@", "-", "+")) or re.search(r"[A-Za-z]-?$", before):
                continue
            end = n.end + (len(" per cent") if per_cent else 0)
            gap = sentence[end : numbers[i + 1].start] if i + 1 < len(numbers) else ""
            if re.fullmatch(r"\s?[-–]\s?", gap):
                end = numbers[i + 1].end  # a range, "2.8x-5.8x"
            phrase = balanced(_window(sentence, n.start, end, max_words))
            if len(phrase.split()) >= 3 and not ungrounded(phrase, grounding):
                return phrase
    return ""


def _window(sentence: str, start: int, end: int, max_words: int) -> str:
    """The clause around [start, end), at most `max_words` words, fillers dropped in front."""
    breaks = list(_WINDOW_BREAK.finditer(sentence))
    left = max([0] + [m.end() for m in breaks if m.end() <= start])
    right = min([m.start() for m in breaks if m.start() >= end] + [len(sentence)])
    before = sentence[left:start].split()[-7:]
    while before and before[0].lower() in _LEADING_FILLER:
        before = before[1:]
    after = sentence[end:right].split()[: max(2, max_words - len(before) - 1)]
    after = trim(after) if len(after) > 1 else after
    return " ".join([*before, sentence[start:end].strip(), *after]).strip(" ,;:.")
