"""Issue 22, round 5 (part S): the summary and the table's cells say each paper's main point in
whole clauses: no clause cut before its object, its list's last item or its question's verb,
no participle left without the name it modified, no shared property shown as a difference,
no method sentence in a results row, no cell that needs the sentence before it.

Abstracts: the Daily Papers of 2024 (tests/fixtures/hf-2024-papers-2000.jsonl, real Hugging Face
Daily Papers; see tests/fixtures/README.md), by arXiv id, and four later papers of the same
shared file (`/work/shared/data/hf-2024-papers.jsonl`, lines copied unchanged into
tests/fixtures/hf-2024-papers-round5-text.jsonl): GSQ 2412.02632, MoViE 2412.06578, Mix-LN
2412.13795, UH-1 2412.14172, RAG-RewardBench 2412.13746, DepthLab 2412.18153.
"""

from __future__ import annotations

import json
from functools import cache

from paperbrief.engines.offline.compare_facts import whole_tail
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Comparison, Paper
from tests.compare_support import approach_and_results
from tests.conftest import FIXTURES


@cache
def papers() -> dict[str, Paper]:
    rows = []
    for name in ("hf-2024-papers-2000.jsonl", "hf-2024-papers-round5-text.jsonl"):
        rows += [json.loads(line) for line in (FIXTURES / name).open()]
    return {r["id"]: Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="t")
            for r in rows}  # fmt: skip


def compare(a: str, b: str) -> Comparison:
    return OfflineEngine().compare(papers()[a], papers()[b]).value


# --- 1. a summary clause ends where a whole clause ends -------------------------------------


def test_a_clause_never_ends_on_an_infinitive_whose_object_follows_a_second_verb():
    # Critical Tokens Matter: '... cDPO - designed to automatically recognize and conduct
    # token-level rewards for the critical tokens ...'
    abstract = papers()["2411.19943"].abstract
    assert not whole_tail("puts forward an approach, cDPO, designed to automatically recognize",
                          abstract)  # fmt: skip
    summary = compare("2410.04734", "2411.19943").summary
    assert not summary.rstrip(".").endswith("recognize"), summary


def test_a_clause_never_ends_before_the_last_item_of_its_list():
    # Mix-LN: 'a novel normalization technique that combines the strengths of Pre-LN and
    # Post-LN within the same model'
    abstract = papers()["2412.13795"].abstract
    assert not whole_tail("introduces a normalization technique that combines the strengths "
                          "of Pre-LN", abstract)  # fmt: skip
    summary = compare("2410.14470", "2412.13795").summary
    assert "strengths of Pre-LN." not in summary and "Pre-LN," not in summary, summary


def test_a_clause_never_ends_inside_an_embedded_question():
    # How Do Training Methods Influence ...: 'earlier studies that examined how architecture and
    # task complexity influence this phenomenon'
    abstract = papers()["2410.14470"].abstract
    assert not whole_tail("revisits earlier studies that examined how architecture", abstract)
    summary = compare("2410.14470", "2412.13795").summary
    assert "how architecture," not in summary and "how architecture." not in summary, summary


def test_a_participle_that_modified_a_dropped_name_is_no_object():
    # GSQ: 'we introduce Grouped Spherical Quantization (GSQ), featuring spherical codebook
    # initialization ...' never gives 'GSQ presents featuring spherical ...'
    summary = compare("2411.16681", "2412.02632").summary
    assert "presents featuring" not in summary and "introduces featuring" not in summary, summary


# --- 2. the summary leads with the paper's main contribution --------------------------------


def test_the_summary_gives_the_main_contribution_before_a_sub_step():
    # Generative World Explorer: 'we introduce the Generative World Explorer (Genex), an
    # egocentric world exploration framework ...' is the paper, 'To train Genex, we create a
    # synthetic urban scene dataset, Genex-DB' a step towards it
    genex = papers()["2411.11844"]
    other = next(p for p in papers().values() if p.id != genex.id and p.id >= "2410")
    summary = OfflineEngine().compare(genex, other).value.summary
    assert "Genex-DB" not in summary, summary
    # SJD: the parallel decoding algorithm, not its 'token initialization strategies that
    # leverage the spatial locality' ('We also investigate ...')
    from paperbrief.engines.offline.compare import _profile
    from paperbrief.engines.offline.compare_does import does as _does

    sjd = papers()["2410.01699"]
    does = _does(sjd, _profile(sjd, "SJD"), [], None, 14)
    assert does.startswith("SJD proposes a training-free probabilistic parallel decoding"), does
    found = compare("2410.01699", "2412.04062")
    # no line of its own (ZipAR shares SJD's training-free parallel decoding), or one that does
    # not describe SJD by its sub-step; the shared ground may name what both use
    if found.summary != found.shared_ground:
        assert "spatial locality" not in found.summary, found.summary
    # MathCoder2: its method for generating mathematical code, not 'constructs reasoning steps
    # by extracting LaTeX expressions' (the second step of that method)
    summary = compare("2410.08196", "2411.18104").summary
    assert "LaTeX expressions" not in summary and "mathematical code" in summary, summary


def test_a_finding_said_with_presents_is_no_main_contribution():
    # M-RewardBench: 'We present several findings on how different multilingual aspects impact
    # RM performance' comes after what the paper does (a systematic evaluation)
    m_reward = next(p for p in papers().values() if p.title.startswith("M-RewardBench"))
    rag = next(p for p in papers().values() if p.title.startswith("RAG-RewardBench"))
    summary = OfflineEngine().compare(m_reward, rag).value.summary
    assert "several findings" not in summary, summary


# --- 4. no LaTeX residue --------------------------------------------------------------------


def test_a_font_command_that_lost_its_backslash_is_made_plain():
    # Only-IF on Hugging Face: 'fine-tuning of $textbf{specialist} and textbf{generalist}$ models'
    from paperbrief.latex import plain_text

    text = plain_text(papers()["2410.04717"].abstract)
    assert "fine-tuning of specialist and generalist models" in text
    assert "textbf" not in text


# --- 2 and 4. cells: a finding in the results row, nothing that needs the sentence before ---


def _cells(paper_id: str) -> tuple[str, str]:
    return approach_and_results(papers()[paper_id])


def test_a_method_sentence_is_no_results_cell():
    # MoViE: 'Finally, we reduce the number of sampling steps to one by introducing a novel
    # adversarial distillation scheme ...' says how, not what was found
    from paperbrief.engines.offline.compare_cells import finding

    sentence = (
        "We reduce the number of sampling steps to one by introducing a novel adversarial "
        "distillation scheme which preserves the controllability of the editing process."
    )
    assert "Finally, w" + sentence[1:] in papers()["2412.06578"].abstract
    assert not finding(sentence)
    assert not _cells("2412.06578")[1].startswith("We reduce the number of sampling steps")
    # 'reduces X by 40 %' still is one
    assert finding("It reduces the memory footprint by 40% on long sequences.")


def test_a_means_without_its_main_clause_is_no_results_cell():
    # Scaling Transformers for Low-Bitrate ... Speech Coding: 'In this work we show that by
    # scaling a transformer architecture with large parameter count to this problem, and
    # applying ..., it is possible to reach ...' cut at its first clause says nothing found
    assert "by scaling a transformer" not in _cells("2411.19842")[1]


def test_a_results_cell_drops_the_ordinal_of_its_list():
    # What Matters for Model Merging at Scale?: 'Third merging consistently improves ...'
    cell = _cells("2410.03617")[1]
    assert cell and not cell.lower().startswith(("third", "first", "second", "fourth")), cell


def test_an_approach_cell_stops_before_a_reference_to_the_sentence_before():
    # iDP3: '... a novel 3D visuomotor policy that eliminates these constraints by leveraging ...'
    cell = _cells("2410.10803")[0]
    assert cell.startswith("We introduce the Improved 3D Diffusion Policy"), cell
    assert "these constraints" not in cell, cell
    # PMRF: '... a simple yet highly effective algorithm that approximates this optimal estimator'
    assert "this optimal estimator" not in _cells("2410.00418")[0]
    # MuVi: 'a novel framework that effectively addresses these challenges to enhance ...'
    assert "these challenges" not in _cells("2410.12957")[0]


def test_an_approach_said_as_the_answer_to_a_gap_is_said_directly():
    # DepthLab: 'This work bridges this gap with DepthLab, a foundation depth inpainting model
    # powered by image diffusion priors.'
    assert _cells("2412.18153")[0].startswith("This work introduces DepthLab, a foundation depth")


# --- 3. a property both papers state is no difference ---------------------------------------


def test_a_clause_the_other_abstract_also_states_is_no_difference():
    # Mobile Video Diffusion 'employs adversarial finetuning to reduce the denoising to a single
    # step'; MoViE too: 'we reduce the number of sampling steps to one by introducing a novel
    # adversarial distillation scheme'
    summary = compare("2412.06578", "2412.07583").summary
    assert "adversarial finetuning" not in summary, summary
    # clauses the other paper does not share are still said: TLDR's reward model against
    # Critical Tokens Matter (both on token-level rewards)
    summary = compare("2410.04734", "2411.19943").summary
    assert "Token-Level Detective Reward Model" in summary and ", while " in summary, summary


def test_an_analysis_papers_headline_finding_is_its_results_cell():
    # ClinicalBench: 'Through extensive empirical investigation, we discover that both
    # general-purpose and medical LLMs ... still cannot beat traditional ML models in clinical
    # prediction yet, shedding light on ...'
    cell = _cells("2411.06469")[1]
    assert "still cannot beat traditional ML models in clinical prediction" in cell, cell


def test_an_effectiveness_claim_without_a_figure_or_comparison_is_no_finding():
    # SwiftEdit (2412.04301, held-out): 'Extensive experiments are provided to demonstrate the
    # effectiveness and efficiency of SwiftEdit.'; FAN (2410.02675)
    from paperbrief.engines.offline.compare_cells import finding

    swift = ("Extensive experiments are provided to demonstrate the effectiveness and efficiency "
             "of SwiftEdit.")  # fmt: skip
    fan = ("Through extensive experiments, we demonstrate the effectiveness of FAN in modeling "
           "and reasoning about periodic functions.")  # fmt: skip
    for sentence in (swift, fan):
        assert not finding(sentence), sentence
    # with a figure it is one (T2V-Turbo-v2, 2410.05677)
    assert finding(
        "Empirically, our T2V-Turbo-v2 establishes a new state-of-the-art result on "
        "VBench, with a Total score of 85.13, surpassing proprietary systems."
    )
