"""Hostile abstracts: the offline engine's cost grows linearly with the numbers in an abstract.

Prints, side by side in one run, the time of key-number and headline-number search on
abstracts of N and 2N numbers (uncapped, to see the algorithm itself), the same for the
quadratic search they replaced (issue #12 item 8; kept here only as a reference), and the whole
engine (takeaway + comparison, abstract capped at ABSTRACT_MAX_CHARS) on the issue's hostile
inputs. A doubling ratio near 2 is linear, near 4 quadratic.

    python bench/hostile_abstracts.py
"""

from __future__ import annotations

import os
import re
import time

from paperbrief.engines.offline.compare_headline import _LEADING_FILLER, _WINDOW_BREAK, headline
from paperbrief.engines.offline.compare_text import balanced, tidy, trim
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.extract import clean
from paperbrief.engines.offline.facts import _context, _mentions, key_numbers
from paperbrief.models import Paper
from paperbrief.numbers import find_numbers
from paperbrief.text import sentences


def numbers_abstract(n: int) -> str:
    return ", ".join(f"{i}%" for i in range(n))


def old_key_numbers(abstract: str) -> int:
    """The replaced search: a context for every number, each scanning the whole sentence."""
    found = 0
    for sentence in sentences(abstract):
        for start, end, _ in _mentions(sentence):
            _context(sentence, start, end)
            found += 1
    return found


def old_headline(abstract: str) -> int:
    """The replaced headline search: every number rescans the sentence's clause breaks."""
    windows = 0
    for raw in sentences(abstract):
        sentence = tidy(clean(raw))
        for n in find_numbers(sentence):
            breaks = list(_WINDOW_BREAK.finditer(sentence))
            left = max([0] + [m.end() for m in breaks if m.end() <= n.start])
            right = min([m.start() for m in breaks if m.start() >= n.end] + [len(sentence)])
            before = sentence[left : n.start].split()[-7:]
            while before and before[0].lower() in _LEADING_FILLER:
                before = before[1:]
            after = trim(sentence[n.end : right].split()[:12])
            balanced(" ".join([*before, sentence[n.start : n.end], *after]))
            re.search(r"[A-Za-z]-?$", sentence[: n.start])
            windows += 1
    return windows


def seconds(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    print(f"load average before: {os.getloadavg()}")
    print("search over N numbers (uncapped)       N       2N    ratio 2N/N")
    for label, fn, n in (
        ("key numbers, now", key_numbers, 10_000),
        ("key numbers, replaced", old_key_numbers, 1_000),
        ("headline, now", lambda text: headline(text, text), 10_000),
        ("headline, replaced", old_headline, 1_000),
    ):
        small, large = seconds(fn, numbers_abstract(n)), seconds(fn, numbers_abstract(2 * n))
        print(f"{label:<24} N={n:>6}  {small:7.3f} s {large:7.3f} s   {large / small:5.2f}")

    engine = OfflineEngine()
    ref = Paper(id="2401.00041", title="Alpha method for parallel decoding", source="bench",
                abstract="We propose alpha method for parallel decoding with 5% gain.")
    cases = {
        "20,000 numbers": " ".join(str(i) for i in range(20_000)),
        "20,000 percentages": numbers_abstract(20_000),
        "one 1 MB word": "a" * 1_000_000,
        "LaTeX debris": "\\\\. $\\;$. " * 2_000,
    }
    print("whole engine (abstract capped), takeaway + two comparisons:")
    for label, text in cases.items():
        paper = Paper(id="2401.00042", title=text[:200], abstract=text, source="bench")
        took = seconds(lambda p=paper: (engine.takeaway(p), engine.compare(p, ref),
                                        engine.compare(ref, p)))
        print(f"  {label:<22} {took:6.3f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
