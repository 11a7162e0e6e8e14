"""The table of which abstract words TLDRs reuse: counted on real SciTLDR papers, shipped in
selector.json, and read back the same."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from paperbrief.engines.offline.extract import split_sentences
from paperbrief.engines.offline.select import selector, tldr_words
from paperbrief.engines.offline.tldr_words import TldrWords, learn, word_counts

FIXTURES = Path(__file__).parent / "fixtures"


def papers() -> list[tuple[str, list[str]]]:
    lines = (FIXTURES / "scitldr-a-dev-80.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return [(" ".join(s.text for s in split_sentences(r["abstract"])), r["tldrs"]) for r in records]


def test_counts_on_real_papers_say_frequent_abstract_words_reappear_more() -> None:
    table = learn(papers(), min_abstracts=5)
    # a word the abstract repeats is likelier in the TLDR than one it writes once
    assert table.base[0] < table.base[1] < table.base[3]
    seen, hit = table.words["we"]
    assert 0 < hit <= seen >= 5
    assert all(n >= 5 for n, _ in table.words.values())
    # an unknown word falls back on the base rate of its count; a known one moves towards its own
    assert table.chance("zzzunseen", 1) == table.base[0]
    assert table.chance("zzzunseen", 9) == table.base[3]
    assert table.chance("we", 1) != table.base[0]


def test_expected_shared_words_grow_with_central_words() -> None:
    table = learn(papers(), min_abstracts=5)
    abstract = word_counts("We propose SparseNet. SparseNet prunes networks. SparseNet is fast.")
    central, n1 = table.expected("We propose SparseNet.", abstract)
    aside, n2 = table.expected("It is fast.", abstract)
    assert n1 == n2 == 3 and central > aside > 0


def test_round_trip_and_the_shipped_table() -> None:
    table = learn(papers(), min_abstracts=5)
    assert TldrWords.from_json(json.loads(json.dumps(table.to_json()))) == table
    shipped = tldr_words()
    assert shipped == TldrWords.from_json(selector()["tldr_words"])
    least = selector()["tldr_words"]["min_abstracts"]
    assert len(shipped.words) > 300 and all(n >= least >= 10 for n, _ in shipped.words.values())
    assert shipped.chance("propos", 1) > shipped.base[0]  # TLDRs say what a paper proposes
    assert word_counts("Models model the LLMs") == Counter({"model": 2, "the": 1, "llm": 1})
