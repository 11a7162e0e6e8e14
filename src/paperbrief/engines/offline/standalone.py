"""Does a line stand on its own? Openings that need the sentence before them, lines that only
repeat the title, numbers that are part of a name.

Hand rules (no maintained library judges whether an English sentence leans on the one before
it without a parser model to download); each rule is tested on real abstracts in
tests/test_standalone.py.
"""

from __future__ import annotations

import re

# 'These results ...', 'For example, ...', 'However, ...', 'We also ...'; 'This paper ...' and
# 'This work ...' stand alone
DANGLING_OPENING = re.compile(
    r"^(?:these|those|such|it|its|they|their|them|thus|hence|therefore|however|moreover|"
    r"furthermore|additionally|also|then|finally|further|instead|here|there|similarly|"
    r"specifically|simultaneously|nevertheless|nonetheless|consequently|accordingly|meanwhile|"
    r"conversely|"
    r"this(?!\s+(?:paper|work|study|article|survey|report|thesis|position|technical|tutorial|"
    r"review|chapter|note|letter|dissertation|manuscript|project)\b)|"
    r"in addition|in particular|in contrast|in this way|in doing so|as a result|as such|"
    r"for example|for instance|to this end|to do so|to that end|to address this|to address these|"
    r"on the other hand|by doing so|by contrast|"
    r"we (?:then|also|further|next|finally|additionally|thus|therefore|additionally)|"
    r"our (?:results|findings|experiments|analysis|analyses) (?:also|further))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


# 'We sample many of these trajectories ...': 'these' or 'those' early on points back too
_EARLY_BACK_REFERENCE = re.compile(r"^(?:\S+\s+){1,5}(?:these|those)\b(?!\s+(?:two|three|four)\b)",
                                   re.IGNORECASE)


def dangles(line: str) -> bool:
    """True when `line` opens on words that need the sentence before it."""
    text = line.lstrip(" \"'(")
    return bool(DANGLING_OPENING.match(text) or _EARLY_BACK_REFERENCE.match(text))


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def repeats(line: str, source: str, share: float = 0.8) -> bool:
    """True when at least `share` of `line`'s words are `source`'s, in order (a field that is
    the title again)."""
    words = _WORD.findall(line.lower())
    if not words or not source:
        return False
    return lcs(_WORD.findall(source.lower()), words) >= share * len(words)


# a number that belongs to a name: 'Llama 2', 'GPT-4', 'Pixel 8', 'DiT XL/2', 'nabla^2',
# 'Stage 1', 'version 3', 'Apache 2.0 license'; a measurement has a unit or a counted noun
_NAME_BEFORE = re.compile(
    r"(?:[\^/]|[A-Za-z][-_]|\b(?:stage|version|phase|step|level|round|part|v|type|tier|gen|"
    r"generation|task|table|figure|fig\.|section|eq\.|equation|appendix|chapter|setting|"
    r"track|split|subset|layer|block)\s)$",
    re.IGNORECASE,
)
_NAME_AFTER = re.compile(r"\s*(?:licen[sc]e|series|family|release)\b", re.IGNORECASE)
_MEASURE_AFTER = re.compile(r"\s*(?:%|×|x\b|-?fold\b|percent\b|billion|million)")
# capitalised words a number follows that name nothing: 'Only 5 papers', 'Top 3', 'Over 40'
_NOT_A_NAME = frozenset(
    """a an the in on at of for to by with from only over under across about around all both
    each every these those this that our we it its they just nearly almost roughly and or
    top up than among within after before since using among first last""".split()
)


def part_of_name(text: str, start: int, end: int) -> bool:
    """True when the number at text[start:end] belongs to a name or version, not a measurement."""
    if _MEASURE_AFTER.match(text, end) or text[end : end + 1] in ("%", "×"):
        return False
    before = text[max(0, start - 40) : start]
    if _NAME_BEFORE.search(before):
        return True
    m = re.search(r"([A-Za-z][\w.+-]*)\s$", before)
    if m:
        word = m.group(1)
        if word.lower() in _NOT_A_NAME:
            return False
        # 'Llama 2', 'AlpacaEval 2.0', 'Pixel 8': a small whole number or a one-decimal version
        # after a capitalised word; 'MMLU 57.45' or 'Top-1 300' are scores and counts
        if (word[:1].isupper() or any(c.isdigit() for c in word)) and re.fullmatch(
            r"\d{1,3}(?:\.\d)?[BMKk]?", text[start:end].strip()
        ):
            return True
    return bool(_NAME_AFTER.match(text, end)) and re.search(r"[A-Z][\w-]*\s$", before) is not None
