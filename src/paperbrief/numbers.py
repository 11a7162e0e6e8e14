"""Find numbers in text and compare them up to notation (1.53x = 1.53×, 10M = 10 million)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_SCALES = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "million": 1e6, "mn": 1e6,
    "b": 1e9, "billion": 1e9, "bn": 1e9,
    "t": 1e12, "trillion": 1e12,
}
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "single": 1, "double": 2, "twice": 2, "triple": 3, "half": 0.5,
}

NUMBER_RE = re.compile(
    r"""(?<![\w.])                     # not glued to a word or another number
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:\s?(?P<unit>%|percent\b|×|x\b|X\b|fold\b|-fold\b))?
    (?:\s?(?P<scale>thousand|million|billion|trillion|[kKmMbBtT](?:n)?)\b)?
    """,
    re.VERBOSE,
)
_URL_SPAN = re.compile(r"\b(?:https?://|www\.|doi:)\S+", re.IGNORECASE)
_WORD_RE = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class NumberMention:
    """One number as written (`text`), with its value and unit normalised."""

    text: str
    value: float
    unit: str  # "%", "x" or ""
    start: int
    end: int

    @property
    def key(self) -> tuple[float, str]:
        return (round(self.value, 6), self.unit)


def _unit(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.lower()
    if raw in ("%", "percent"):
        return "%"
    return "x"


def find_numbers(text: str) -> list[NumberMention]:
    """Every digit-written number in `text`, in order."""
    found = []
    for m in NUMBER_RE.finditer(text):
        value = float(m.group("num").replace(",", ""))
        scale = m.group("scale")
        if scale:
            value *= _SCALES[scale.lower()]
        found.append(
            NumberMention(m.group(0).strip(), value, _unit(m.group("unit")), m.start(), m.end())
        )
    return found


def _is_noise(text: str, n: NumberMention) -> bool:
    """Years, list markers "1)", "Pass@1" and versions glued to names ("GPT-3.5")."""
    before, after = text[max(0, n.start - 1) : n.start], text[n.end : n.end + 1]
    if n.unit == "" and n.text.isdigit() and 1900 <= int(n.text) <= 2100:
        return True
    if after == ")" and n.text.isdigit() and n.value < 20:
        return True
    if before.endswith("@"):
        return True
    # the word before the number, read back at most 100 characters (not the whole prefix: that
    # made 20,000 numbers cost 20,000 copies of the sentence)
    word = text[max(0, n.start - 100) : n.start].rsplit(" ", 1)[-1]
    return word.endswith("-") and any(c.isalpha() for c in word)


def mentions(sentence: str) -> list[tuple[int, int, NumberMention]]:
    """The numbers a sentence states as (start, end, mention): ranges like "4-19%" joined into
    one (the unit-bearing end as its mention), URLs, years, list markers and version numbers
    skipped."""
    urls = [m.span() for m in _URL_SPAN.finditer(sentence)]  # sorted, never overlapping
    url_starts = [a for a, _ in urls]

    def in_url(pos: int) -> bool:  # a binary search: linear overall, not numbers x URLs
        k = bisect_right(url_starts, pos) - 1
        return k >= 0 and pos < urls[k][1]

    found = [n for n in find_numbers(sentence) if not in_url(n.start)]
    out: list[tuple[int, int, NumberMention]] = []
    for n in found:
        if out and sentence[out[-1][1] : n.start] in ("-", "–"):
            out[-1] = (out[-1][0], n.end, n)  # a range: keep the unit-bearing end for priority
        elif not _is_noise(sentence, n):
            out.append((n.start, n.end, n))
    return out


@lru_cache(maxsize=512)  # a source is checked text by text (an answer's ~10 fields): read once
def source_values(text: str) -> frozenset[tuple[float, str]]:
    """The normalised numbers a source states, spelled-out small numbers included."""
    keys = {n.key for n in find_numbers(text)}
    keys |= {(float(_WORDS[w.lower()]), "") for w in _WORD_RE.findall(text)}
    return frozenset(keys)


def ungrounded(text: str, source: str) -> list[str]:
    """The numbers in `text` that `source` does not state, as written in `text`."""
    known = source_values(source)
    bare = {value for value, _ in known}
    missing = []
    for n in find_numbers(text):
        if n.key in known or (n.unit == "" and n.key[0] in bare):
            continue
        missing.append(n.text)
    return missing
