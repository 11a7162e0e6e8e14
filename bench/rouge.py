"""ROUGE-1, ROUGE-2 and ROUGE-L F as the `rouge-score` package computes them (lowercase alnum
tokens, Porter stemming); checked equal to rouge-score 0.1.2 on SciTLDR-A dev TLDRs.

Implemented here so the benchmark needs no extra dependency. The stemmer follows the Porter
algorithm with the NLTK extensions that `rouge-score` uses (words of <= 3 characters unstemmed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = frozenset("aeiou")
_IRREGULAR = {
    "skies": "sky", "sky": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
    "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing",
    "cannings": "canning", "canning": "canning", "howe": "howe", "proceed": "proceed",
    "exceed": "exceed", "succeed": "succeed",
}  # fmt: skip

Rule = tuple[str, str, Callable[[str], bool] | None]


def _consonants(word: str) -> list[bool]:
    flags: list[bool] = []
    for i, ch in enumerate(word):
        if ch in _VOWELS:
            flags.append(False)
        elif ch == "y":
            flags.append(True if i == 0 else not flags[i - 1])
        else:
            flags.append(True)
    return flags


def _is_consonant(word: str, i: int) -> bool:
    return _consonants(word)[i]


def _measure(stem: str) -> int:
    seq = "".join("c" if c else "v" for c in _consonants(stem))
    return seq.count("vc")


def _positive(stem: str) -> bool:
    return _measure(stem) > 0


def _above_one(stem: str) -> bool:
    return _measure(stem) > 1


def _has_vowel(stem: str) -> bool:
    return not all(_consonants(stem))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) >= 3:
        c = _consonants(word)
        if c[-3] and not c[-2] and c[-1] and word[-1] not in "wxy":
            return True
    return len(word) == 2 and not _is_consonant(word, 0) and _is_consonant(word, 1)


def _apply(word: str, rules: Iterable[Rule]) -> str:
    for suffix, replacement, condition in rules:
        if suffix == "*d" and _double_consonant(word):
            stem = word[:-2]
            return stem + replacement if condition is None or condition(stem) else word
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + replacement if condition is None or condition(stem) else word
    return word


def _step1a(word: str) -> str:
    if word.endswith("ies") and len(word) == 4:
        return word[:-3] + "ie"
    return _apply(word, [("sses", "ss", None), ("ies", "i", None), ("ss", "ss", None),
                         ("s", "", None)])  # fmt: skip


def _step1b(word: str) -> str:
    if word.endswith("ied"):
        return word[:-3] + ("ie" if len(word) == 4 else "i")
    if word.endswith("eed"):
        stem = word[:-3]
        return stem + "ee" if _measure(stem) > 0 else word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            mid = word[: -len(suffix)]
            return _apply(mid, [
                ("at", "ate", None), ("bl", "ble", None), ("iz", "ize", None),
                ("*d", mid[-1], lambda _s, m=mid: m[-1] not in "lsz"),
                ("", "e", lambda s: _measure(s) == 1 and _cvc(s)),
            ])  # fmt: skip
    return word


def _step1c(word: str) -> str:
    return _apply(word, [("y", "i", lambda s: len(s) > 1 and _is_consonant(s, len(s) - 1))])


def _step2(word: str) -> str:
    if word.endswith("alli") and _positive(word[:-4]):
        return _step2(word[:-4] + "al")
    rules: list[Rule] = [
        (suffix, replacement, _positive)
        for suffix, replacement in (
            ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
            ("izer", "ize"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
            ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
            ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
            ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("fulli", "ful"),
        )
    ]  # fmt: skip
    rules.append(("logi", "log", lambda _s: _positive(word[:-3])))
    return _apply(word, rules)


def _step3(word: str) -> str:
    pairs = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
             ("ful", ""), ("ness", ""))  # fmt: skip
    return _apply(word, [(s, r, _positive) for s, r in pairs])


def _step4(word: str) -> str:
    rules: list[Rule] = [
        (s, "", _above_one)
        for s in ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent")
    ]
    rules.append(("ion", "", lambda s: _above_one(s) and s[-1] in "st"))
    rules += [(s, "", _above_one) for s in ("ou", "ism", "ate", "iti", "ous", "ive", "ize")]
    return _apply(word, rules)


def _step5(word: str) -> str:
    if word.endswith("e"):
        stem = word[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            word = stem
    return _apply(word, [("ll", "l", lambda _s, w=word: _measure(w[:-1]) > 1)])


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem of a lowercase word (NLTK-extension flavour, as rouge-score uses)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 2:
        return word
    for step in (_step1a, _step1b, _step1c, _step2, _step3, _step4, _step5):
        word = step(word)
    return word


def rouge_tokens(text: str) -> list[str]:
    """Lowercase alphanumeric tokens, words longer than 3 characters stemmed."""
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    return [stem(w) if len(w) > 3 else w for w in words]


def rouge1(reference: str, candidate: str) -> float:
    """ROUGE-1 F-measure of `candidate` against one `reference` (0..1)."""
    ref, cand = Counter(rouge_tokens(reference)), Counter(rouge_tokens(candidate))
    if not ref or not cand:
        return 0.0
    overlap = sum((ref & cand).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(cand.values())
    recall = overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def best_rouge1(references: Iterable[str], candidate: str) -> float:
    """ROUGE-1 F against the best-matching reference, as SciTLDR scores multi-target TLDRs."""
    return max((rouge1(ref, candidate) for ref in references), default=0.0)


def _f1(overlap: int, cand_total: int, ref_total: int) -> float:
    if not overlap or not cand_total or not ref_total:
        return 0.0
    precision, recall = overlap / cand_total, overlap / ref_total
    return 2 * precision * recall / (precision + recall)


def rouge2(reference: str, candidate: str) -> float:
    """ROUGE-2 F-measure (bigram overlap) of `candidate` against one `reference` (0..1)."""
    ref_tokens, cand_tokens = rouge_tokens(reference), rouge_tokens(candidate)
    ref = Counter(zip(ref_tokens, ref_tokens[1:], strict=False))
    cand = Counter(zip(cand_tokens, cand_tokens[1:], strict=False))
    return _f1(sum((ref & cand).values()), sum(cand.values()), sum(ref.values()))


def _lcs(a: list[str], b: list[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(reference: str, candidate: str) -> float:
    """ROUGE-L F-measure (longest common subsequence, as rouge-score's `rougeL`) (0..1)."""
    ref, cand = rouge_tokens(reference), rouge_tokens(candidate)
    return _f1(_lcs(ref, cand), len(cand), len(ref))


METRICS: dict[str, Callable[[str, str], float]] = {"R-1": rouge1, "R-2": rouge2, "R-L": rouge_l}


def best_scores(references: Iterable[str], candidate: str) -> dict[str, float]:
    """Each ROUGE F against its best-matching reference (SciTLDR's max over gold TLDRs)."""
    refs = list(references)
    return {
        name: max((metric(ref, candidate) for ref in refs), default=0.0)
        for name, metric in METRICS.items()
    }
