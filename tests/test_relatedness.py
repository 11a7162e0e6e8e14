"""Pairing and topics on the seed page (54 real papers)."""

from __future__ import annotations

from collections import Counter

import pytest

from paperbrief.models import Paper
from paperbrief.pairing import cosine, most_related, select_pairs, tfidf_vectors
from paperbrief.sources import read_file
from paperbrief.topics import OTHER_TOPIC, group_topics


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


# --- topic names -------------------------------------------------------------------------------

# words no newsletter would end a topic name on: vague nouns, adjectives, verbs
_BAD_LAST_WORDS = set(
    """models model instances definitions parameter parameters approach results performance
    methods framework systems tasks data large natural parallel distributed visual comprehensive
    empirical replayable efficient adaptive neural deep multiple general different based guided
    improves requires creates""".split()
)
_ACRONYM_WORDS = {
    "llm",
    "llms",
    "gpu",
    "gpus",
    "ai",
    "rl",
    "kv",
    "mpi",
    "vlm",
    "vlms",
    "gan",
    "cnn",
}


@pytest.fixture(scope="module")
def hf_day() -> list[Paper]:
    from tests.conftest import FIXTURES

    return read_file(FIXTURES / "hf-api" / "hf_daily_papers_2024-10-25.json").papers


@pytest.fixture(scope="module")
def scitldr() -> list[Paper]:
    from pathlib import Path

    return read_file(Path(__file__).resolve().parents[1] / "bench/data/scitldr-dev.jsonl").papers


def _parts(name: str) -> list[list[str]]:
    return [part.split() for part in name.split(" · ")]


def _assert_editor_names(topics) -> None:
    names = [t.name for t in topics]
    assert len(set(names)) == len(names)
    for name in names:
        if name == OTHER_TOPIC:
            continue
        assert len(name) <= 40, name
        parts = _parts(name)
        assert 1 <= len(parts) <= 2, name
        for words in parts:
            assert words[-1].lower() not in _BAD_LAST_WORDS, name
            for w in words:
                if w.lower() in _ACRONYM_WORDS:  # 'LLMs', never 'Llms'
                    assert w[:-1].isupper() if w.lower().endswith("s") else w.isupper(), name
        if len(parts) == 2:  # no 'Models · LLMs', 'Program · Programs': the two terms differ
            first, second = ({w.lower().rstrip("s")[:6] for w in p} for p in parts)
            assert not first & second, name


@pytest.mark.parametrize("data", ["seed", "hf_day", "scitldr"])
def test_topic_names_are_short_distinct_noun_phrases(data, request):
    _assert_editor_names(group_topics(request.getfixturevalue(data)))


def test_scitldr_names_come_from_abstracts_alone(scitldr):
    assert all(not p.title for p in scitldr)
    names = [t.name for t in group_topics(scitldr) if t.name != OTHER_TOPIC]
    assert len(names) >= 20
    # multi-word phrases are found and preferred over single words
    assert sum(" " in n.split(" · ")[0] for n in names) >= len(names) // 2


def test_known_topics_get_the_phrase_their_papers_share(seed):
    by_title = {p.title.split(":")[0]: p.id for p in seed}
    name_of = {pid: t.name for t in group_topics(seed) for pid in t.paper_ids}
    assert "Checkpointing" in name_of[by_title["DataStates-LLM"]]
    assert (
        "Parallel Reasoning"
        in name_of[by_title["Learning Adaptive Parallel Reasoning with Language Models"]]
    )
    assert "Constraint Programming" in name_of[by_title["CP-Bench"]]


def test_topic_names_are_deterministic(seed):
    assert [t.name for t in group_topics(seed)] == [t.name for t in group_topics(list(seed))]


def test_title_phrases_outweigh_abstract_phrases():
    papers = [
        _paper(
            "a",
            "Speculative decoding with tree drafts",
            "Memory bandwidth limits serving. We study memory bandwidth in detail.",
        ),
        _paper(
            "b",
            "Faster speculative decoding for serving",
            "Serving is bound by memory bandwidth, so we cut memory bandwidth use.",
        ),
    ]
    (topic,) = group_topics(papers)
    assert topic.name.startswith("Speculative Decoding")


def test_long_forms_are_named_by_their_acronym_and_not_twice():
    papers = [
        _paper("a", "Auditing large language models", "Large language models (LLMs) leak data."),
        _paper("b", "Tutoring with large language models", "We ask LLMs to grade homework."),
    ]
    (topic,) = group_topics(papers)
    words = topic.name.replace("·", " ").split()
    assert words[0] == "LLMs"
    assert not {"Large", "Language", "Models", "Llms"} & set(words)


def test_a_phrase_cut_before_its_last_word_is_shown_whole():
    papers = [
        _paper(
            "a", "", "Stochastic gradient descent converges slowly on sharp minima of the loss."
        ),
        _paper("b", "", "We analyse stochastic gradient descent with momentum on wide networks."),
    ]
    (topic,) = group_topics(papers)
    assert topic.name.startswith("Stochastic Gradient Descent")
