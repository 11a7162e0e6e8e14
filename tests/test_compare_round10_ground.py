"""Shared ground and focus that name the real link (round 9's blind readers, issue 22).

Real abstracts: the Daily Papers of 2024 (tests/fixtures/hf-2024-papers-2000.jsonl) and five
later papers of the same shared `hf-2024-papers.jsonl` copied unchanged into
tests/fixtures/hf-2024-round10-ground.jsonl (arXiv 2412.18547 Token-Budget-Aware LLM Reasoning,
2412.18925 HuatuoGPT-o1, 2412.07769 BiMediX2, 2412.13185 Move-in-2D, 2412.19645 VideoMaker), by
arXiv id; 'round 9 pair N' is the pair of that number in the round-9 blind reading.
"""

from __future__ import annotations

import json
from functools import cache

from paperbrief.engines.offline.compare_central import (
    BACKGROUND,
    CENTRAL,
    definitions,
    focus_term,
    own_text,
    placement,
    verb_led,
    with_digits,
)
from paperbrief.engines.offline.compare_ground import link, shares_subject
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Paper
from paperbrief.text import stem
from tests.compare_support import papers_2024
from tests.conftest import FIXTURES


@cache
def later() -> dict[str, Paper]:
    rows = [json.loads(line) for line in (FIXTURES / "hf-2024-round10-ground.jsonl").open()]
    return {r["id"]: Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="t")
            for r in rows}  # fmt: skip


def paper(arxiv: str) -> Paper:
    return papers_2024().get(arxiv) or later()[arxiv]


def key(text: str) -> tuple[str, ...]:
    return tuple(stem(w.lower()) for w in text.split())


def pair_link(x: str, y: str):  # noqa: ANN201 - compare_ground.Link
    a, b = sorted((paper(x), paper(y)), key=lambda p: (p.id, p.title))
    return link(a, b)


def test_a_phrase_named_only_in_a_concessive_or_existing_clause_is_background():
    avr = paper("2411.06307")  # Acoustic Volume Rendering for Neural Impulse Response Fields
    sentence = next(s for s in avr.abstract.split(". ") if "radiance fields" in s)
    assert sentence.startswith("While volume rendering")
    assert "radiance" not in own_text(sentence) and "IRs present" in own_text(sentence)
    assert placement(avr.title, avr.abstract).weight(key("radiance field")) == BACKGROUND
    motion = paper("2412.02700")  # Motion Prompting: '... existing video generation models
    where = placement(motion.title, motion.abstract)  # rely mainly on text prompts for control'
    assert where.weight(key("text prompt")) == BACKGROUND
    assert where.weight(key("video generation")) == CENTRAL  # in the title
    # after 'prior' the noun phrase is the paper's own kind of thing, what those do is the foil
    odyssey = paper("2406.08451")  # GUI Odyssey: '... prior GUI agents often trained with ...'
    said = next(s for s in odyssey.abstract.split(". ") if "prior GUI agents" in s)
    assert "GUI agents" in own_text(said) and "simple tasks" not in own_text(said)
    assert placement(odyssey.title, odyssey.abstract).weight(key("GUI agents")) > BACKGROUND


def test_shared_ground_is_not_a_phrase_one_paper_only_borrows_or_contrasts():
    # round 9 pair 15: an acoustics paper and a radiance-field paper were 'Both deal with
    # radiance field'; their link is one borrowed phrase, so the pair is not compared
    assert "radiance field" not in pair_link("2411.06307", "2411.14974").ground.phrases
    assert not shares_subject(paper("2411.06307"), paper("2411.14974"))
    # round 9 pair 21: not 'text prompt' (the one paper's foil) but motion, in both titles
    found = pair_link("2412.02700", "2412.13185")
    assert found.ground.phrases == [] and found.ground.named == ["motion"]
    assert shares_subject(paper("2412.02700"), paper("2412.13185"))


def test_acronyms_count_as_their_expansion_and_a_both_titles_phrase_is_named():
    det = paper("2410.01647")  # 3DGS-DET: Empower 3D Gaussian Splatting ...
    assert definitions(det.abstract)["3DGS"] == "3D Gaussian Splatting"
    assert definitions(det.abstract)["NeRF"] == "Neural Radiance Fields"
    # round 9 pair 19 (with MVGS: Multi-view-regulated Gaussian Splatting): not 'neural
    # radiance field and novel-view synthesis', which both name only as background
    assert pair_link("2410.01647", "2410.02103").ground.phrases == ["Gaussian splatting"]


def test_a_verb_phrase_is_no_shared_ground():
    eye, dyna = paper("2410.02613"), paper("2411.00836")
    texts = (eye.abstract, dyna.abstract)
    assert verb_led("assess VLMs", texts)  # 'a benchmark designed to assess VLMs'
    motion = paper("2412.02700")
    assert not verb_led("video generation", (motion.title + ". " + motion.abstract,))
    assert "assess VLMs" not in pair_link("2410.02613", "2411.00836").ground.phrases


def test_focus_cells_are_central_noun_phrases_or_nothing():
    implicit, budget = paper("2411.15862"), paper("2412.18547")
    # an implicit-CoT paper's 'explicit CoT' is what it contrasts itself with; 'estimates
    # token budgets' is a verb phrase ('which dynamically estimates token budgets')
    assert not focus_term("explicit CoT", implicit.title, implicit.abstract)
    assert not focus_term("estimates token budgets", budget.title, budget.abstract)
    stable, sar3d = paper("2410.12490"), paper("2411.16856")
    assert not focus_term("unified perspective", stable.title, stable.abstract)
    maker = paper("2412.19645")
    assert not focus_term("inherent force", maker.title, maker.abstract)
    assert with_digits("object generation", f"{sar3d.title}. {sar3d.abstract}") == (
        "3D object generation"
    )
    engine = OfflineEngine()
    for x, y in (("2411.15862", "2412.18547"), ("2410.12490", "2411.16856"),
                 ("2410.13830", "2412.19645")):  # fmt: skip
        c = engine.compare(paper(x), paper(y)).value
        cells = " ".join(f"{d.a} {d.b}" for d in c.differences if d.aspect == "focus")
        for empty in ("explicit CoT", "estimates token", "unified perspective", "inherent force"):
            assert empty not in cells, (x, y, cells)


def test_a_real_subject_both_state_centrally_still_links_the_pair():
    # round 9 pair 24: both titles are about zero-shot customized video generation
    found = pair_link("2410.13830", "2412.19645")
    assert found.ground.phrases == ["customized video generation"] and not found.thin
    # a focus that is a central noun phrase stays ('motion control' of DreamVideo-2)
    dream = paper("2410.13830")
    assert focus_term("motion control", dream.title, dream.abstract)


def test_modifiers_alone_link_only_similar_abstracts():
    # 'multi-granularity': a tool-use benchmark (MTU-Bench) and an image generator (PUMA)
    loose = pair_link("2410.11710", "2410.13861")
    assert loose.ground.nouns == [] and loose.thin
    # 'text-rich': LEOPARD and a text-rich visual understanding dataset, similar abstracts
    close = pair_link("2410.01744", "2410.13824")
    assert close.ground.nouns == [] and not close.thin
