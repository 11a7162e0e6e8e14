"""The learned takeaway selector: its shipped weights, its features, the candidate lines it
chooses among, and that it beats the first-sentence baseline on real SciTLDR-A dev papers."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from paperbrief.engines.offline import engine as offline
from paperbrief.engines.offline.candidates import CUT_KINDS, candidates
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.extract import split_sentences
from paperbrief.engines.offline.select import (
    SELECTOR_FILE,
    best_line,
    candidate_rows,
    rank,
    scored,
    selector,
    takeaway_line,
)
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
    found, rows = candidate_rows(sents, "FooNet: sparse adapters")
    assert len(found) == len(rows) >= 3
    assert {c.sentence.index for c in found} == {0, 1, 2}
    assert all(set(row) == set(model["features"]) for row in rows)  # none missing or unused
    assert len(model["weights"]) == len(model["features"])
    assert set(model["line"]) == {"max_words", "min_words"} and model["line"]["max_words"] <= 30
    assert all(isinstance(w, float) for w in model["weights"])


def test_scores_are_the_linear_model_and_rank_follows_them() -> None:
    sents = split_sentences(
        "Deep nets are costly. However, pruning them is hard. In this paper, we propose "
        "SnipNet, a pruning method that removes 90% of weights. Experiments confirm it."
    )
    model = selector()
    found = scored(sents)
    weights = dict(zip(model["features"], model["weights"], strict=True))
    _, rows = candidate_rows(sents)
    for f, (score, _) in zip(rows, found, strict=True):
        assert score == pytest.approx(model["bias"] + sum(weights[k] * v for k, v in f.items()))
    best = {i: max(score for score, c in found if c.sentence.index == i) for i in range(4)}
    ranked = rank(sents)
    assert [s.index for s in ranked] == sorted(range(len(sents)), key=lambda i: -best[i])
    assert "SnipNet" in ranked[0].text  # the contribution sentence, not the background
    top = max(found, key=lambda pair: pair[0])[1]
    assert best_line(found) == top.text == takeaway_line(" ".join(s.text for s in sents))


def test_candidates_cut_only_where_a_readable_clause_ends() -> None:
    sentence = split_sentences(
        "We introduce a training method called adaptive loss scaling that makes MPT easier "
        "and more practical to use, by removing the need to tune a "
        "model-specific loss scale hyperparameter, which is costly."
    )[0]
    found = candidates(sentence, max_words=30, min_words=6)
    texts = [c.text for c in found]
    assert texts[0].endswith("by removing the need to tune a model-specific loss scale "
                             "hyperparameter.")  # fmt: skip
    assert found[0].kind == "punct" and found[0].words <= 30  # 32 words: cut at ", which"
    assert ("We introduce a training method called adaptive loss scaling "
            "that makes MPT easier and more practical to use.") in texts  # fmt: skip
    for c in found:
        assert c.kind in CUT_KINDS and c.text.endswith(".") and 6 <= c.words <= 30
        # never cut before a bare "to"/"that": no line ends on a verb missing its object
        assert not c.text.endswith(("removing the need.", "called.", "easier.", "that."))


def test_candidates_keep_an_opening_adverbial_whole() -> None:
    sentence = split_sentences(
        "On a recently proposed large-scale fine-grained 3D part dataset, we demonstrate that "
        "our method transfers knowledge of parts learned from 3 training categories."
    )[0]
    texts = [c.text for c in candidates(sentence, min_words=6)]
    assert texts == [
        "On a recently proposed large-scale fine-grained 3D part dataset, we demonstrate that "
        "our method transfers knowledge of parts learned from 3 training categories."
    ]


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
    assert "select.py" in offline._TAKEAWAY_SOURCES
    assert set(offline._TAKEAWAY_SOURCES) <= set(offline._COMPARISON_SOURCES)


def test_cues_searched_in_lower_case_find_what_the_case_blind_patterns_find():
    """The role and score cues run on lower-cased text without IGNORECASE (faster); on 2,000
    real abstracts' sentences each twin agrees with its case-insensitive pattern, and a pattern
    whose meaning lower-casing would change is refused."""
    from paperbrief.engines.offline.extract import (
        METHOD_CUE,
        PROBLEM_CUE,
        RESULT_CUE,
        SCORE_CUES,
        lowercase_twin,
    )

    cues = [METHOD_CUE, RESULT_CUE, PROBLEM_CUE, *SCORE_CUES.values()]
    twins = [lowercase_twin(cue) for cue in cues]
    lines = (FIXTURES / "hf-2024-papers-2000.jsonl").read_text(encoding="utf-8").splitlines()
    said = [s for line in lines for s in sentences(json.loads(line)["abstract"])]
    found = Counter()
    for s in said:
        low = s.lower()
        for i, (cue, twin) in enumerate(zip(cues, twins, strict=True)):
            hit = bool(cue.search(s))
            assert hit == bool(twin.search(low)), (cue.pattern[:40], s)
            found[i] += hit
    assert all(found[i] > 0 for i in range(len(cues)))  # every cue met on real text
    assert not twins[0].flags & re.IGNORECASE
    with pytest.raises(ValueError):
        lowercase_twin(re.compile(r"\S+ et al\.", re.IGNORECASE))
