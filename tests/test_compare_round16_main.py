"""Round 16: a main sentence too long for a cell (cut at a comma or colon), and a design
property read as a finding, no
longer hand the approach row to a side part (round 15's blind readers, seed 8686: AceMath's
'We first construct AceMath-RewardBench', PVIT's 'We present a benchmark called P-Bench',
CLEAR's 'We investigate favorable properties in the distilled attention layers'). Real abstracts
(arXiv ids below) from tests/fixtures/hf-2024-papers-2000.jsonl and hf-2024-round16-main.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _names, _profile, compare_papers
from paperbrief.engines.offline.compare_cells import approach_cell, approach_sentence
from paperbrief.engines.offline.compare_facts import whole_clause, whole_head
from paperbrief.engines.offline.compare_names import short_name
from paperbrief.engines.offline.compare_roles import never_approach
from paperbrief.text import sentences
from tests.compare_support import papers_with


def _papers():
    return papers_with("hf-2024-round16-main.jsonl")


def _approach(paper_id: str) -> str:
    paper = _papers()[paper_id]
    profile = _profile(paper, short_name(paper, paper.abstract) or "the paper")
    return approach_cell(paper.title, paper.abstract, profile.roles.method, _names(paper, profile))


def test_a_long_main_sentence_gives_its_longest_whole_head():
    # AceMath (2412.15084): 'We introduce AceMath, a suite of frontier math models ..., along
    # with highly effective reward models capable of ... and reliably identifying the correct
    # ones.' is 37 words with no clause break: no cell, and the benchmark took the row
    paper = _papers()["2412.15084"]
    main = sentences(paper.abstract)[0].replace("In this paper, we", "We")
    assert whole_clause(main, paper.abstract) == ""
    head = whole_head(main, paper.abstract)
    assert head.startswith("We introduce AceMath, a suite of frontier math models"), head
    assert _approach("2412.15084").startswith("We introduce AceMath, a suite of frontier math")
    # only at a comma: PVIT's (2410.07113) 'We introduce Personalized Visual Instruction Tuning,
    # a novel data curation and training framework designed to enable MLLMs to identify target
    # individuals within an image | and engage in ...' would read as cut (bench/content.py)
    paper = _papers()["2410.07113"]
    pvit = next(s for s in sentences(paper.abstract) if "Personalized Visual Instruction" in s)
    assert whole_head(pvit, paper.abstract) == ""


def test_a_design_that_achieves_a_property_is_an_approach():
    # CLEAR (2412.16112): '... which limits feature interactions to a local window ..., and
    # thus achieves linear complexity.' was no approach sentence ('achieves' read as a finding)
    assert _approach("2412.16112").startswith("We introduce a convolution-like local attention")
    assert approach_sentence("We introduce X, which limits interactions to a local window, and "
                             "thus achieves linear complexity.", ())  # fmt: skip
    # a measured finding stays one
    assert not approach_sentence("We propose X, which achieves 71.2% on MMLU.", ())


def test_a_finding_that_says_it_after_another_names_the_paper():
    # CLEAR's 'Simultaneously, it reduces attention computations by 99.5% ...' (vs SmoothCache,
    # 2411.10510): the 'it' is CLEAR
    papers = _papers()
    comparison = compare_papers(papers["2411.10510"], papers["2412.16112"])
    results = [d for d in comparison.differences if d.aspect == "results"]
    assert results and results[0].b.startswith("CLEAR reduces attention computations by 99.5%")
    assert not any(d.b.startswith("Simultaneously, it") for d in comparison.differences)


def test_comparing_with_baselines_is_the_experiments_not_the_approach():
    # DreamRunner (2411.16657): 'We compare DreamRunner with various SVG baselines, demonstrating
    # state-of-the-art performance ...' was its approach cell (round 12's readers); its main
    # sentence, too long, is cut at its colon ('... story-to-video generation method: First, ...')
    assert never_approach("We compare DreamRunner with various SVG baselines, demonstrating "
                          "state-of-the-art performance in character consistency.")  # fmt: skip
    assert not never_approach("We compare two ways of tokenizing speech.")
    approach = _approach("2411.16657")
    assert approach == "We propose DreamRunner, a story-to-video generation method.", approach
