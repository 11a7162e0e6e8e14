"""How likely a word of an abstract is to reappear in the paper's TLDR, learned by counting on
SciTLDR-A train: for each frequent word stem, in how many abstracts it appears and in how many of
those the TLDR uses it too, pulled towards the base rate of words written as often in the
abstract. The selector (offline_select.py) uses the expected TLDR words of a candidate line as a
feature; `bench/train_selector.py` counts the table and `selector.json` ships it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from paperbrief.text import stem, tokens

_BUCKETS = 4  # a word written 1, 2, 3, or 4+ times in the abstract
_PRIOR = 5.0  # pseudo-abstracts at the base rate added to each word's own counts


def word_counts(text: str) -> Counter[str]:
    """Stemmed lower-case words of `text` and how often each occurs (stop words included: ROUGE
    counts them too)."""
    return Counter(map(stem, tokens(text)))


@dataclass(frozen=True)
class TldrWords:
    """Per-stem counts (abstracts with the word, of which the TLDR has it) and base rates."""

    words: dict[str, tuple[int, int]]
    base: tuple[float, ...]

    def chance(self, word: str, times_in_abstract: int) -> float:
        """How likely the TLDR uses `word`, which the abstract writes `times_in_abstract` times."""
        rate = self.base[min(max(times_in_abstract, 1), _BUCKETS) - 1]
        seen, hit = self.words.get(word, (0, 0))
        return (hit + _PRIOR * rate) / (seen + _PRIOR)

    def expected(
        self, line: str, abstract: Counter[str], memo: dict[tuple[str, int], float] | None = None
    ) -> tuple[float, int]:
        """The expected number of the line's distinct words the TLDR shares, and its length.
        `memo` keeps the chances of words already seen (the lines of one abstract share them)."""
        found = word_counts(line)
        if memo is None:
            memo = {}
        shared = 0.0
        for w in sorted(found):
            key = (w, abstract.get(w, 1))
            chance = memo.get(key)
            if chance is None:
                chance = memo[key] = self.chance(*key)
            shared += chance
        return shared, sum(found.values())

    def to_json(self) -> dict:
        """A JSON-ready form: base rates and one "stem abstracts reused" string per word."""
        return {"base": list(self.base),
                "words": [f"{w} {n} {h}" for w, (n, h) in sorted(self.words.items())]}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> TldrWords:
        words = {}
        for entry in data["words"]:
            word, seen, hit = entry.split(" ")
            words[word] = (int(seen), int(hit))
        return cls(words, tuple(float(b) for b in data["base"]))


def learn(papers: Iterable[tuple[str, list[str]]], min_abstracts: int = 30) -> TldrWords:
    """Count, over (abstract, TLDRs) pairs, which abstract words the TLDRs reuse; keep the
    stems seen in at least `min_abstracts` abstracts."""
    seen: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    bucket_seen = [0] * _BUCKETS
    bucket_hit = [0] * _BUCKETS
    for abstract, tldrs in papers:
        gold: set[str] = set()
        for tldr in tldrs:
            gold.update(word_counts(tldr))
        for word, times in word_counts(abstract).items():
            bucket = min(times, _BUCKETS) - 1
            seen[word] += 1
            bucket_seen[bucket] += 1
            if word in gold:
                hit[word] += 1
                bucket_hit[bucket] += 1
    # rounded as selector.json stores them, so the trainer scores with the numbers that ship
    pairs = zip(bucket_hit, bucket_seen, strict=True)
    base = tuple(round(h / n, 6) if n else 0.0 for h, n in pairs)
    words = {w: (n, hit[w]) for w, n in seen.items() if n >= min_abstracts}
    return TldrWords(words, base)
