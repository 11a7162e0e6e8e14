"""The headline number of an abstract, for the offline comparison's 'when to prefer' lines.

A short phrase around the first number with a unit ('%', 'x', 'per cent') that is grounded
in the two abstracts, its brackets balanced.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from paperbrief.engines.offline.compare_text import balanced, tidy, trim
from paperbrief.engines.offline.extract import clean
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.text import sentences

_LEADING_FILLER = frozenset(
    """and or but while whereas with by that which where achieving achieves achieved delivering
    delivers reaching reaches obtaining obtains yielding yields showing shows it also only
    demonstrate demonstrates we can our results experimental experiments indicate indicates
    reveal reveals observe observes not further""".split()
)
_WINDOW_BREAK = re.compile(r"[;:]|,\s|\s(?:while|whereas|but|which|where)\s")
_READ = 1000


def headline(abstract: str, grounding: str, max_words: int = 14) -> str:
    """A short clean phrase stating the abstract's headline number with its unit ('%', 'x',
    'per cent'), or '' when the abstract has none."""
    for raw in sentences(abstract):
        sentence = tidy(clean(raw))
        numbers = find_numbers(sentence)
        breaks = _Breaks(sentence)  # found once per sentence: linear in its numbers
        for i, n in enumerate(numbers):
            per_cent = sentence.startswith(" per cent", n.end)
            if not (n.unit or per_cent):
                continue
            before = sentence[max(0, n.start - 2) : n.start]  # only its end is read
            if before.endswith(("@", "-", "+")) or re.search(r"[A-Za-z]-?$", before):
                continue
            end = n.end + (len(" per cent") if per_cent else 0)
            gap = sentence[end : numbers[i + 1].start] if i + 1 < len(numbers) else ""
            if re.fullmatch(r"\s?[-–]\s?", gap):
                end = numbers[i + 1].end  # a range, "2.8x-5.8x"
            phrase = balanced(_window(sentence, breaks, n.start, end, max_words))
            if len(phrase.split()) >= 3 and not ungrounded(phrase, grounding):
                return phrase
    return ""


class _Breaks:
    """The clause breaks of one sentence, searched by position (bisect) instead of rescanned."""

    def __init__(self, sentence: str) -> None:
        found = list(_WINDOW_BREAK.finditer(sentence))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]
        self.length = len(sentence)

    def left_of(self, start: int) -> int:
        """The end of the last break ending at or before `start` (0 if none)."""
        k = bisect_right(self.ends, start)
        return self.ends[k - 1] if k else 0

    def right_of(self, end: int) -> int:
        """The start of the first break starting at or after `end` (the sentence's length)."""
        k = bisect_left(self.starts, end)
        return self.starts[k] if k < len(self.starts) else self.length


def _window(sentence: str, breaks: _Breaks, start: int, end: int, max_words: int) -> str:
    """The clause around [start, end), at most `max_words` words, fillers dropped in front."""
    left, right = breaks.left_of(start), breaks.right_of(end)
    # a clause of a thousand characters has more words than are kept: read no further
    before = sentence[max(left, start - _READ) : start].split()[-7:]
    while before and before[0].lower() in _LEADING_FILLER:
        before = before[1:]
    after = sentence[end : min(right, end + _READ)].split()[: max(2, max_words - len(before) - 1)]
    after = trim(after) if len(after) > 1 else after
    return " ".join([*before, sentence[start:end].strip(), *after]).strip(" ,;:.")
