"""Issue 28, item 25: `PhraseIndex` finds exactly what trying every keyword's pattern on every
paper finds (`ranking.phrase_pattern`), on real papers and real word pairs, plus the spellings
the pattern has rules for (plurals, hyphens, accents, punctuation, boundaries)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from paperbrief.relate.phrase_index import PhraseIndex
from paperbrief.relate.ranking import _fold, phrase_pattern
from paperbrief.sources import read_file

HF_2024 = Path(__file__).parent / "fixtures" / "hf-2024-papers-2000.jsonl"

TRICKY = [
    "speculative decoding", "KV-cache", "kv cache", "vision-language", "Vision Language Model",
    "model", "models", "LLM", "3D", "C++", "c", "(", "GPT-4", "gpt-4o", "o'reilly", "naïve",
    "state-of-the-art", "state of the art", "mixture-of-experts", "  spaced   out  ", "-",
    "reinforcement learning from human feedback", "diffusion", "diffusions", "class",
    "process", "e.g.", "x_y", "réseau", "Transformer-based", "fine-tuning", "fine tuning",
]  # fmt: skip


def brute_force(patterns: list[re.Pattern[str]], text: str) -> list[int]:
    return [i for i, pattern in enumerate(patterns) if pattern.search(text)]


@pytest.fixture(scope="module")
def papers():
    return read_file(HF_2024).papers[:150]


def test_the_index_finds_what_every_pattern_finds_on_real_papers(papers):
    rng = random.Random(28)
    pairs: set[str] = set()
    for paper in papers[:60]:
        words = re.findall(r"[a-z]{3,}", paper.abstract.lower())
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    chosen = rng.sample(sorted(pairs), 500)
    phrases = TRICKY + chosen[:400] + [w.rstrip("s") for w in chosen[400:]]
    patterns = [phrase_pattern(p) for p in phrases]
    index = PhraseIndex(phrases, phrase_pattern, _fold)
    found_any = 0
    for paper in papers:
        for text in (_fold(paper.title), _fold(paper.abstract)):
            expected = brute_force(patterns, text)
            assert index.found(text) == expected, text[:80]
            found_any += bool(expected)
    assert found_any > 100  # the phrases do occur: the comparison is not vacuous


@pytest.mark.parametrize(
    "text",
    [
        "we use kv-caches and KV caches", "vision-language-model", "a-model", "model-",
        "the models' outputs", "c++ and c#", "gpt-4o beats gpt-4", "naive naïve",
        "state-of-the-arts", "state -- of - the art", "fine_tuning", "fine-tunings", "classes",
        "processes", "e.g. this", "x_y x y", "réseaux", "3d 3ds 3des", "(", "", "modelss",
    ],
)  # fmt: skip
def test_the_index_keeps_the_patterns_rules(text):
    folded = _fold(text)
    index = PhraseIndex(TRICKY, phrase_pattern, _fold)
    assert index.found(folded) == brute_force([phrase_pattern(p) for p in TRICKY], folded)
