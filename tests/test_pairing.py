"""Pairing and topics on the seed page (54 real papers)."""

from __future__ import annotations

from collections import Counter

import pytest

from paperbrief.models import Paper
from paperbrief.pairing import (
    OTHER_TOPIC,
    cosine,
    group_topics,
    most_related,
    select_pairs,
    tfidf_vectors,
)
from paperbrief.sources import read_file


@pytest.fixture(scope="module")
def seed() -> list[Paper]:
    from tests.conftest import FIXTURES

    return read_file(FIXTURES / "hf-daily-papers-page.txt").papers


def _paper(pid: str, title: str, abstract: str) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, source="test")


def test_vectors_are_normalised_and_similarity_ranks_related_papers_higher():
    papers = [
        _paper("a", "Speculative decoding for LLM inference", "Draft models speed up decoding."),
        _paper("b", "Faster speculative decoding", "A draft model proposes tokens for decoding."),
        _paper("c", "Protein folding with graphs", "We predict protein structures from graphs."),
    ]
    va, vb, vc = tfidf_vectors(papers)
    assert cosine(va, va) == pytest.approx(1.0)
    assert cosine(va, vb) > cosine(va, vc)
    assert most_related(papers)["a"] == "b"


def test_each_paper_is_in_at_most_one_comparison(seed):
    pairs = select_pairs(seed)
    counts = Counter(pid for p in pairs for pid in (p.a.id, p.b.id))
    assert counts and max(counts.values()) == 1
    assert len(pairs) <= len(seed) // 2
    # about one comparison per paper: most papers are paired on this page
    assert len(counts) >= len(seed) * 0.6


def test_mutual_nearest_neighbours_are_paired(seed):
    nearest = most_related(seed)
    pairs = {frozenset((p.a.id, p.b.id)) for p in select_pairs(seed)}
    mutual = {frozenset((a, b)) for a, b in nearest.items() if nearest.get(b) == a}
    assert mutual and mutual <= pairs


def test_known_related_papers_are_paired(seed):
    pairs = {
        frozenset((p.a.title.split(":")[0], p.b.title.split(":")[0])) for p in select_pairs(seed)
    }
    assert frozenset(("DataStates-LLM", "Universal Checkpointing")) in pairs


def test_pairs_are_deterministic(seed):
    first = [(p.a.id, p.b.id) for p in select_pairs(seed)]
    assert first == [(p.a.id, p.b.id) for p in select_pairs(list(seed))]


def test_topics_cover_every_paper_once_with_readable_names(seed):
    topics = group_topics(seed)
    ids = [pid for t in topics for pid in t.paper_ids]
    assert sorted(ids) == sorted(p.id for p in seed)
    assert 3 <= len(topics) <= 15
    names = [t.name for t in topics]
    assert len(set(names)) == len(names)
    for name in names:
        assert name == OTHER_TOPIC or all(w[:1].isupper() for w in name.replace("·", " ").split())
    # no single topic swallows the week
    assert max(len(t.paper_ids) for t in topics) <= len(seed) // 2


def test_topics_group_clear_themes(seed):
    topics = group_topics(seed)
    by_paper = {pid: t.name for t in topics for pid in t.paper_ids}
    ids = {p.title.split(":")[0]: p.id for p in seed}
    assert by_paper[ids["DataStates-LLM"]] == by_paper[ids["Universal Checkpointing"]]


def test_empty_and_single_inputs():
    assert group_topics([]) == []
    assert select_pairs([]) == []
    one = [_paper("a", "Alone", "A single paper about nothing in particular.")]
    assert select_pairs(one) == []
    assert [t.paper_ids for t in group_topics(one)] == [["a"]]
