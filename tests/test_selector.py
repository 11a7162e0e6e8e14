"""The learned sentence selector: its shipped weights, its features, and that it beats the
first-sentence baseline and the old hand-set weights on real SciTLDR-A dev papers."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from paperbrief.engines import offline
from paperbrief.engines.offline import OfflineEngine
from paperbrief.engines.offline_extract import split_sentences
from paperbrief.engines.offline_select import SELECTOR_FILE, features, rank, scores, selector
from paperbrief.models import Paper
from paperbrief.text import sentences

FIXTURES = Path(__file__).parent / "fixtures"


def unigram_f1(reference: str, candidate: str) -> float:
    ref = Counter(re.findall(r"[a-z0-9]+", reference.lower()))
    cand = Counter(re.findall(r"[a-z0-9]+", candidate.lower()))
    overlap = sum((ref & cand).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    lines = (FIXTURES / "scitldr-a-dev-80.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_shipped_selector_matches_the_features_the_engine_computes() -> None:
    model = json.loads(SELECTOR_FILE.read_text(encoding="utf-8"))
    assert model == selector()
    sents = split_sentences(
        "We propose FooNet, a sparse adapter. FooNet cuts memory by 40%. It is simple."
    )
    rows = features(sents, "FooNet: sparse adapters")
    assert len(rows) == 3
    assert set(rows[0]) == set(model["features"])  # no feature missing or unused
    assert len(model["weights"]) == len(model["features"])
    assert set(model["line"]) == {"max_words", "short", "second_cap"}
    assert all(isinstance(w, float) for w in model["weights"])


def test_scores_are_the_linear_model_and_rank_follows_them() -> None:
    sents = split_sentences(
        "Deep nets are costly. However, pruning them is hard. In this paper, we propose "
        "SnipNet, a pruning method that removes 90% of weights. Experiments confirm it."
    )
    model = selector()
    found = scores(sents)
    weights = dict(zip(model["features"], model["weights"], strict=True))
    for f, score in zip(features(sents), found, strict=True):
        assert score == pytest.approx(model["bias"] + sum(weights[k] * v for k, v in f.items()))
    ranked = rank(sents)
    assert [s.index for s in ranked] == sorted(range(len(sents)), key=lambda i: -found[i])
    assert "SnipNet" in ranked[0].text  # the contribution sentence, not the background


def test_learned_selector_beats_first_sentence_on_unseen_dev_papers(dev: list[dict]) -> None:
    engine = OfflineEngine()
    learned, first = [], []
    for r in dev:
        paper = Paper(id=r["id"], title="", abstract=r["abstract"], source="scitldr-a-dev")
        line = engine.takeaway(paper).value.takeaway
        learned.append(max(unigram_f1(g, line) for g in r["tldrs"]))
        lead = sentences(r["abstract"])[0]
        first.append(max(unigram_f1(g, lead) for g in r["tldrs"]))
    assert statistics.mean(learned) >= statistics.mean(first) + 0.05, (
        statistics.mean(learned), statistics.mean(first))  # fmt: skip


def test_a_retrained_selector_is_a_new_takeaway_version() -> None:
    assert "selector.json" in offline._TAKEAWAY_SOURCES
    assert "offline_select.py" in offline._TAKEAWAY_SOURCES
    assert set(offline._TAKEAWAY_SOURCES) <= set(offline._COMPARISON_SOURCES)
