"""Round 19: what round 18's blind readers (seed 8989, and the paired reading of rounds 17 and
18) still found in the summary line and the shared ground: surveys said to propose a framework
('GUI Agents proposes a unified framework that delineates their perception'), 'X proposes a
method, while Y builds a benchmark' where one clause would say more, a side contribution in
place of the paper's own ('DiffSensei introduces MangaZero, a large-scale dataset'), one
subject named twice ('image restoration and restoration model'), 'the distinctive terms
molecular', a paper that builds a dataset too typed a method, and two versions of one work
compared as two papers. Real abstracts (arXiv ids below) from
tests/fixtures/hf-2024-papers-2000.jsonl and hf-2024-round18.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _profile, compare_papers
from paperbrief.engines.offline.compare_does import does
from paperbrief.engines.offline.compare_names import short_name
from tests.compare_support import papers_with


def _papers():
    return papers_with("hf-2024-round18.jsonl")


def _does(paper_id: str, words: int = 14) -> str:
    paper = _papers()[paper_id]
    profile = _profile(paper, short_name(paper, paper.abstract) or "the paper")
    return does(paper, profile, [], None, words)


def test_a_survey_reviews_the_field():
    papers = _papers()
    # Aguvis (2412.04454) against GUI Agents: A Survey (2412.13501)
    summary = compare_papers(papers["2412.04454"], papers["2412.13501"]).summary
    assert summary.startswith("Aguvis introduces a unified pure vision-based framework"), summary
    assert summary.endswith("while GUI Agents reviews the field."), summary
    assert "delineates" not in summary


def test_one_clause_beside_the_other_papers_kind():
    papers = _papers()
    # Video Instruction Tuning With Synthetic Data (2410.02713) against LOKI, a benchmark
    summary = compare_papers(papers["2410.02713"], papers["2410.09732"]).summary
    # (since round 25 LOKI's clause says what the benchmark holds, the sentence led by the name
    # its main sentence introduces, rather than its kind: the paired readers preferred it)
    assert "introduces LLaVA-Video, a new video LMM, while LOKI encompasses video, image, 3D, " \
        "text, and audio modalities" in summary, summary
    assert "proposes a method" not in summary


def test_the_papers_own_name_after_a_second_verb():
    # 'We propose a new task: customized manga generation and introduce DiffSensei, an
    # innovative framework specifically designed for generating manga ...'
    clause = _does("2412.07589")
    assert clause.startswith("DiffSensei introduces a framework specifically "
                             "designed for generating manga"), clause
    # '..., Emma-X. Emma-X leverages our constructed hierarchical embodiment dataset ...': the
    # sentence led by its name, not 'Additionally, we introduce a trajectory segmentation ...'
    clause = _does("2412.11974")
    assert clause.startswith("Emma-X leverages its constructed hierarchical embodiment "
                             "dataset"), clause


def test_one_subject_is_named_once():
    papers = _papers()
    # DreamClear (2410.18666) and Adaptive Blind All-in-One Image Restoration (2411.18412)
    ground = compare_papers(papers["2410.18666"], papers["2411.18412"]).shared_ground
    assert ground == "Both deal with image restoration.", ground
    # Llamole (2410.04223) and LLaMo (2411.00871): one term is a term
    ground = compare_papers(papers["2410.04223"], papers["2411.00871"]).shared_ground
    assert ground.startswith("Both use the distinctive term molecular"), ground
    # an adjective is not made plural: 'visuomotor', not 'visuomotors'
    ground = compare_papers(papers["2412.04835"], papers["2412.06782"]).shared_ground
    assert "visuomotor " in ground and "visuomotors" not in ground, ground


def test_a_paper_that_builds_a_dataset_too_is_no_plain_method():
    papers = _papers()
    # Mixed-Session Conversation with Egocentric Memory (2410.02503): 'We propose a new
    # dataset' (MiSC) besides its model; against Friends-MMC (a dataset) it is not 'a method
    # to apply (the other does not)'
    comparison = compare_papers(papers["2410.02503"], papers["2412.17295"])
    assert not any(d.aspect == "contribution type" for d in comparison.differences)
    assert "a method to apply" not in comparison.prefer_a_when


def test_two_versions_of_one_work_are_said_to_be():
    papers = _papers()
    # Seeker (2410.06949 and 2412.11713): 88% of their abstracts' content words in common
    summary = compare_papers(papers["2410.06949"], papers["2412.11713"]).summary
    assert "nearly the same abstract (88% of their words in common): probably two versions " \
        "of one work" in summary, summary
    # an ordinary related pair is not
    summary = compare_papers(papers["2412.04454"], papers["2412.13501"]).summary
    assert "nearly the same abstract" not in summary
