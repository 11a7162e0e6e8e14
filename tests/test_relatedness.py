"""Relatedness on real pages: TF-IDF space, nearest neighbours, pairs and topics."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from paperbrief.models import Paper
from paperbrief.relate import relatedness
from paperbrief.relate.relatedness import MIN_PAIR_SIMILARITY, analyze, paper_text, relate
from paperbrief.relate.topics import MAX_TOPICS, OTHER_TOPIC
from paperbrief.sources import read_file
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def seed() -> list[Paper]:
    return read_file(FIXTURES / "hf-daily-papers-page.txt").papers


@pytest.fixture(scope="module")
def seed_related(seed):
    return relate(seed)


def group_topics(papers):
    return relate(papers).topics


def _paper(pid: str, title: str, abstract: str) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, source="test")


def test_vectors_are_normalised_and_similarity_ranks_related_papers_higher():
    papers = [
        _paper("a", "Speculative decoding for LLM inference", "Draft models speed up decoding."),
        _paper("b", "Faster speculative decoding", "A draft model proposes tokens for decoding."),
        _paper("c", "Protein folding with graphs", "We predict protein structures from graphs."),
    ]
    r = relate(papers)
    sims = (r.vectors @ r.vectors.T).toarray()
    assert np.allclose(np.diag(sims), 1.0)
    assert sims[0, 1] > sims[0, 2]
    assert r.most_related(0) == (1, pytest.approx(sims[0, 1]))
    assert [j for j, _ in r.neighbours[0]] == [1, 2]


def test_similarity_keeps_its_meaning(seed, seed_related):
    """Sublinear tf x smoothed idf over the title (twice) and abstract terms, L2 cosine."""
    counts = [Counter(analyze(paper_text(p))) for p in seed]
    df = Counter(t for c in counts for t in c)
    n = len(seed)

    def vec(c: Counter) -> dict[str, float]:
        v = {t: (1 + math.log(k)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {t: x / norm for t, x in v.items()}

    vecs = [vec(c) for c in counts]
    sims = (seed_related.vectors @ seed_related.vectors.T).toarray()
    for i in range(0, n, 7):
        for j in range(n):
            by_hand = sum(x * vecs[j].get(t, 0.0) for t, x in vecs[i].items())
            assert sims[i, j] == pytest.approx(by_hand, abs=1e-9)


def test_space_places_new_text_in_the_same_vocabulary(seed, seed_related):
    space = seed_related.space
    rows = space.transform([paper_text(seed[3]), "checkpointing of distributed training"])
    assert rows.shape == (2, len(space.terms))
    assert np.allclose((rows @ seed_related.vectors[3].T).toarray()[0, 0], 1.0)
    assert np.isclose(np.sqrt(rows[1].multiply(rows[1]).sum()), 1.0)
    assert space.transform(["zzzz qqqq"]).nnz == 0


@pytest.mark.parametrize("dense_share", [0.0, 0.03, 1.0])  # all dense, split, all sparse
def test_neighbours_in_blocks_match_all_pairs(seed, seed_related, monkeypatch, dense_share):
    sims = (seed_related.vectors @ seed_related.vectors.T).toarray()
    np.fill_diagonal(sims, -np.inf)
    monkeypatch.setattr(relatedness, "BLOCK_ROWS", 7)  # many blocks, a short last one
    monkeypatch.setattr(relatedness, "DENSE_WORD_SHARE", dense_share)
    blocked = relatedness.nearest_neighbours(seed_related.vectors, k=5)
    for i, near in enumerate(blocked):
        best = sorted(range(len(seed)), key=lambda j: (-sims[i, j], j))[:5]
        assert [j for j, _ in near] == best
        assert [s for _, s in near] == pytest.approx([sims[i, j] for j in best], abs=1e-6)
    assert [[j for j, _ in near] for near in blocked] == [
        [j for j, _ in near[:5]] for near in seed_related.neighbours
    ]


def test_every_related_paper_is_compared_and_no_pair_twice(seed, seed_related):
    r = seed_related
    pairs = {frozenset((p.a.id, p.b.id)) for p in r.pairs}
    assert len(pairs) == len(r.pairs) <= len(seed)
    for i, paper in enumerate(seed):
        best = r.most_related(i)
        if best is not None:
            assert frozenset((paper.id, seed[best[0]].id)) in pairs
    # the pairs are exactly the nearest-neighbour edges above the threshold
    edges = {
        frozenset((seed[i].id, seed[r.neighbours[i][0][0]].id))
        for i in range(len(seed))
        if r.neighbours[i][0][1] >= MIN_PAIR_SIMILARITY
    }
    assert pairs == edges
    assert all(p.similarity >= MIN_PAIR_SIMILARITY for p in r.pairs)
    assert [p.similarity for p in r.pairs] == sorted((p.similarity for p in r.pairs), reverse=True)
    # every paper on this page has a related paper: all of them are compared
    assert r.unrelated() == []
    assert {pid for p in r.pairs for pid in (p.a.id, p.b.id)} == {p.id for p in seed}


def test_a_paper_with_nothing_in_common_is_unrelated():
    papers = [
        _paper("a", "Speculative decoding for LLM inference", "Draft models speed up decoding."),
        _paper("b", "Faster speculative decoding", "A draft model proposes tokens for decoding."),
        _paper("c", "Protein folding", "Amino acid chains fold into structures."),
    ]
    r = relate(papers)
    assert r.most_related(2) is None
    assert r.unrelated() == ["c"]
    assert [(p.a.id, p.b.id) for p in r.pairs] == [("a", "b")]


def test_mutual_nearest_neighbours_are_paired_once(seed, seed_related):
    r = seed_related
    nearest = {i: r.neighbours[i][0][0] for i in range(len(seed))}
    mutual = {frozenset((i, j)) for i, j in nearest.items() if nearest[j] == i}
    pairs = Counter(frozenset((r.index(p.a.id), r.index(p.b.id))) for p in r.pairs)
    assert mutual and all(pairs[m] == 1 for m in mutual)


def test_known_related_papers_are_paired(seed_related):
    pairs = {
        frozenset((p.a.title.split(":")[0], p.b.title.split(":")[0]))
        for p in seed_related.pairs
    }
    assert frozenset(("DataStates-LLM", "Universal Checkpointing")) in pairs


def test_pairs_are_deterministic(seed, seed_related):
    first = [(p.a.id, p.b.id) for p in seed_related.pairs]
    assert first == [(p.a.id, p.b.id) for p in relate(list(seed)).pairs]


def test_embeddings_drive_neighbours_pairs_and_topics(seed):
    """Dense rows (here the TF-IDF rows reduced by LSA, as an embedding model would give)."""
    from sklearn.decomposition import TruncatedSVD

    tfidf = relate(seed)
    dense = TruncatedSVD(n_components=20, random_state=0).fit_transform(tfidf.vectors) * 3.0
    r = relate(seed, embeddings=dense)
    assert isinstance(r.vectors, np.ndarray)
    assert np.allclose(np.linalg.norm(r.vectors, axis=1), 1.0)
    assert r.space.terms == tfidf.space.terms  # the TF-IDF space is fitted all the same
    sims = r.vectors @ r.vectors.T
    np.fill_diagonal(sims, -np.inf)
    assert [n[0][0] for n in r.neighbours] == [int(np.argmax(row)) for row in sims]
    assert r.threshold == relatedness.MIN_EMBEDDING_SIMILARITY
    assert sorted(pid for t in r.topics for pid in t.paper_ids) == sorted(p.id for p in seed)
    _assert_editor_names(r.topics)  # names still come from the papers' words
    with pytest.raises(ValueError, match="one row per paper"):
        relate(seed, embeddings=dense[:3])


def test_topics_cover_every_paper_once_with_readable_names(seed, seed_related):
    topics = seed_related.topics
    ids = [pid for t in topics for pid in t.paper_ids]
    assert sorted(ids) == sorted(p.id for p in seed)
    assert 3 <= len(topics) <= 15
    names = [t.name for t in topics]
    assert len(set(names)) == len(names)
    for name in names:
        assert name == OTHER_TOPIC or all(w[:1].isupper() for w in name.replace("·", " ").split())
    # no single topic swallows the week
    assert max(len(t.paper_ids) for t in topics) <= len(seed) // 2


def test_topics_group_clear_themes(seed, seed_related):
    by_paper = {pid: t.name for t in seed_related.topics for pid in t.paper_ids}
    ids = {p.title.split(":")[0]: p.id for p in seed}
    assert by_paper[ids["DataStates-LLM"]] == by_paper[ids["Universal Checkpointing"]]


def test_empty_and_single_inputs():
    empty = relate([])
    assert empty.topics == [] and empty.pairs == [] and empty.neighbours == []
    one = relate([_paper("a", "Alone", "A single paper about nothing in particular.")])
    assert one.pairs == [] and one.most_related(0) is None and one.unrelated() == ["a"]
    assert [t.paper_ids for t in one.topics] == [["a"]]
    no_words = relate([_paper("a", "", "The 2024."), _paper("b", "", "Of 12.")])
    assert no_words.pairs == [] and no_words.space.terms == []
    assert sorted(pid for t in no_words.topics for pid in t.paper_ids) == ["a", "b"]


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
    return read_file(FIXTURES / "scitldr-300.jsonl").papers  # 300 SciTLDR-A test papers


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
            # nor a phrase and its acronym ('Retrieval-Augmented Generation · RAG')
            short, long = sorted(parts, key=len)
            initials = "".join(x[0] for w in long for x in w.split("-")).lower()
            assert not (len(short) == 1 and short[0].lower().rstrip("s") == initials), name
        for w in name.lower().replace(" · ", " ").split():  # no verb ('Normalize', 'Optimizing')
            assert not re.fullmatch(r"[a-z]{4,}i(?:z(?:e|es|ed|ing)|s(?:ed|ing))", w), name
        assert not re.match(r"[a-z]{3,}ly\b", parts[0][0].lower()), name  # 'Jointly Optimize'


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


# --- a big feed: at most MAX_TOPICS readable headings -------------------------------------


@pytest.fixture(scope="module")
def big_feed() -> list[Paper]:
    return read_file(FIXTURES / "hf-2024-papers-2000.jsonl").papers


@pytest.fixture(scope="module")
def big_related(big_feed):
    return relate(big_feed)


def test_a_big_feed_gets_few_readable_topics(big_feed, big_related):
    topics = big_related.topics
    assert len(big_feed) == 2000
    assert 10 <= len(topics) <= MAX_TOPICS <= 25
    ids = [pid for t in topics for pid in t.paper_ids]
    assert sorted(ids) == sorted(p.id for p in big_feed)
    _assert_editor_names(topics)
    assert max(len(t.paper_ids) for t in topics) <= len(big_feed) // 5
    # 'mixture of experts' has a stopword inside: its papers' heading says MoE, not 'Experts'
    moe = [p.id for p in big_feed if "mixture-of-experts" in p.title.lower().replace(" ", "-")]
    topic_of = {pid: t.name for t in topics for pid in t.paper_ids}
    assert len(moe) >= 5 and Counter(topic_of[m] for m in moe).most_common(1)[0][0] == "MoE"


def test_a_big_feed_groups_clear_themes(big_feed, big_related):
    """Papers naming a distinctive method in their title mostly land under one heading."""
    topic_of = {pid: t.name for t in big_related.topics for pid in t.paper_ids}
    for phrase in ("gaussian splatting", "mathematical reasoning", "preference optimization"):
        members = [p.id for p in big_feed if phrase in p.title.lower()]
        assert len(members) >= 10, phrase
        (name, count), *_ = Counter(topic_of[m] for m in members).most_common(1)
        assert count >= 0.6 * len(members), (phrase, name)


def test_a_big_feed_compares_every_related_paper_once(big_feed, big_related):
    r = big_related
    pairs = [frozenset((p.a.id, p.b.id)) for p in r.pairs]
    assert len(set(pairs)) == len(pairs) <= len(big_feed)
    compared = {pid for pair in pairs for pid in pair}
    unrelated = set(r.unrelated())
    assert compared | unrelated == {p.id for p in big_feed} and not compared & unrelated


_TOPICS_SCRIPT = """
import json, sys
from paperbrief.relate.relatedness import relate
from paperbrief.sources import read_file
papers = read_file(sys.argv[1]).papers
r = relate(papers)
print(json.dumps([[t.name, t.paper_ids] for t in r.topics] + [[p.a.id, p.b.id] for p in r.pairs]))
"""


def test_topics_do_not_depend_on_the_hash_seed(tmp_path):
    """Same topics and pairs whatever PYTHONHASHSEED (the clustered path: 300 papers)."""
    data = FIXTURES / "scitldr-300.jsonl"
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _TOPICS_SCRIPT, str(data)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        outs.append(done.stdout)
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def test_the_digest_says_when_a_paper_has_no_related_paper(tmp_path, capsys):
    import json

    from paperbrief.cli import main

    seed_papers = read_file(FIXTURES / "hf-daily-papers-page.txt").papers
    by_title = {p.title.split(":")[0]: p for p in seed_papers}
    # two papers a head-to-head compares (round 10 leaves DataStates-LLM vs Universal
    # Checkpointing out: no approach cell of its own for DataStates-LLM)
    chosen = [by_title["Group Think"], by_title["Hogwild! Inference"]]
    lines = [json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) for p in chosen]
    lines.append(json.dumps({"id": "x1", "title": "Tidal zonation", "abstract": "Barnacles."}))
    source = tmp_path / "three.jsonl"
    source.write_text("\n".join(lines) + "\n")
    assert main(["digest", str(source), "--offline"]) == 0
    text = capsys.readouterr().out
    bullets = text.split("## Head to head")[0].split("\n- <a id=")[1:]
    # undated papers: "in this period", not "this week"
    said = [b for b in bullets if "_No closely related paper in this period._" in b]
    assert len(said) == 1 and '"paper-x1"></a>**Tidal zonation' in said[0]
    assert text.count("\n### ") == 1 and "Barnacles" not in text.split("## Head to head")[1]
    page = tmp_path / "digest.html"
    assert main(["digest", str(source), "--offline", "--out", str(page)]) == 0
    html = page.read_text()
    assert html.count("No closely related paper in this period.") == 1
    articles = [a.split("</article>")[0] for a in html.split("<article")[1:]]
    (said_html,) = [a for a in articles if "No closely related paper" in a]
    assert "Tidal zonation" in said_html
