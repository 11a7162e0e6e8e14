"""Round 26: a "when to prefer" line from the tasks two titles name, when the two differ.

Round 25's fresh readers asked for a prefer line where two papers serve different tasks in 11 of
30 pairs. A first version also said a task on one side only ('for web navigation, the task its
title names'); round 26's paired readers found that a title echo, and misleading where the other
paper works on the same task in other words (WebDreamer is a web agent too), so only the
two-sided contrast is said, and only when the tasks' last words differ. Real abstracts (arXiv
ids below) from tests/fixtures/hf-2024-papers-2000.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import compare_papers
from paperbrief.engines.offline.compare_tasks import task_reasons, title_task
from tests.compare_support import papers_with


def _paper(paper_id: str):
    return papers_with("hf-2024-papers-2000.jsonl")[paper_id]


def _task_of(paper_id: str) -> str:
    p = _paper(paper_id)
    return title_task(p.title, p.abstract)


def test_a_title_names_its_task_after_for_or_as_its_head():
    # 'Trajectory Attention for Fine-grained Video Motion Control': the object of 'for'
    assert _task_of("2411.19324") == "fine-grained video motion control"
    # 'Cavia: Camera-controllable Multi-view Video Diffusion with View-Integrated Attention':
    # no 'for', so the head after the name, without its means ('with ...')
    assert _task_of("2410.10774") == "camera-controllable multi-view video diffusion"
    # 'SNOOPI: Supercharged One-step Diffusion Distillation with Proper Guidance'
    assert _task_of("2412.02687") == "supercharged one-step diffusion distillation"


def test_a_method_a_clause_or_a_thing_is_no_task():
    # 'Zebra: In-Context and Generative Pretraining for Solving Parametric PDEs': the object of
    # 'for' is no task, and beside it the head is the method, not the task (round 26 pair 6)
    assert _task_of("2410.03437") == ""
    assert title_task("Group Think: Multiple Concurrent Reasoning Agents Collaborating at Token "
                      "Level Granularity") == ""  # a clause, not a task
    assert title_task("CAT4D: Create Anything in 4D with Multi-View Video Diffusion Models") == ""
    assert title_task("DisCoRD: Discrete Tokens to Continuous Motion via Rectified Flow "
                      "Decoding") == ""  # 'motion' is a thing
    assert title_task("Selective Attention Improves Transformer") == ""


def test_title_case_is_lowered_but_names_and_acronyms_stay():
    assert title_task("Hogwild! Inference: Parallel LLM Generation via Concurrent Attention",
                      "we run LLM workers in parallel") == "parallel LLM generation"
    # the abstract writes 'Gaussian' capitalised inside a sentence and never in lower case
    assert title_task("X: Sparse-view Gaussian Reconstruction",
                      "We fit 3D Gaussian primitives to few views.") == (
        "sparse-view Gaussian reconstruction")
    assert title_task("X: Sparse-view Gaussian Reconstruction", "We fit few views.") == (
        "sparse-view gaussian reconstruction")


def test_two_different_tasks_make_a_two_sided_line():
    cavia, trajectory = _paper("2410.10774"), _paper("2411.19324")
    c = compare_papers(cavia, trajectory)
    assert ("for camera-controllable multi-view video diffusion (Trajectory Attention is for "
            "fine-grained video motion control)") in c.prefer_a_when, c.prefer_a_when
    assert ("for fine-grained video motion control (Cavia is for camera-controllable "
            "multi-view video diffusion)") in c.prefer_b_when, c.prefer_b_when
    # SNOOPI and SwiftEdit: one-step distillation against fast text-guided image editing
    # (both paired readers of round 26 preferred the line)
    c = compare_papers(_paper("2412.02687"), _paper("2412.04301"))
    assert "for supercharged one-step diffusion distillation (SwiftEdit is for" in c.prefer_a_when


def test_no_line_on_one_side_only_nor_for_one_task_in_other_words():
    # WMA names 'web navigation'; WebDreamer's title names no task: nothing is said
    wma, dreamer = _paper("2410.13232"), _paper("2411.06559")
    c = compare_papers(wma, dreamer)
    assert "navigation" not in c.prefer_a_when + c.prefer_b_when
    # 'auto-regressive text-to-image generation' and 'autoregressive image generation' are one
    # task (round 26 pair 7): the same last word
    sjd, csd = _paper("2410.01699"), _paper("2411.11925")
    labels = ("SJD", "CSpD")
    assert task_reasons((sjd.title, sjd.abstract), (csd.title, csd.abstract), labels) == ("", "")
    assert task_reasons((csd.title, csd.abstract), (sjd.title, sjd.abstract), labels[::-1]) == (
        "", "")
    # MotionCLR ('Motion Generation and Training-free Editing') against Move-in-2D
    # ('2D-Conditioned Human Motion Generation'): apart one way, not the other, so neither
    # paper gets the line (a line on one side only is what the readers rejected)
    motion = ("MotionCLR: Motion Generation and Training-free Editing via Understanding "
              "Attention Mechanisms", "")
    move = ("Move-in-2D: 2D-Conditioned Human Motion Generation", "")
    assert task_reasons(motion, move, ("MotionCLR", "Move-in-2D")) == ("", "")
    assert task_reasons(move, motion, ("Move-in-2D", "MotionCLR")) == ("", "")


def test_a_task_the_label_already_says_is_not_said_again():
    # 'Prefer Multimodal Music Generation for multimodal music generation' says nothing
    mine = ("Multimodal Music Generation with Explicit Bridges", "We generate music from video.")
    other = ("DAWN: Dynamic Frame Avatar for Talking Head Animation", "We animate heads.")
    assert task_reasons(mine, other, ("Multimodal Music Generation", "DAWN")) == ("", "")
    assert task_reasons(mine, other, ("MMG", "DAWN"))[0].startswith(
        "for multimodal music generation (DAWN is for talking head animation)")


def test_no_line_when_the_other_task_is_named_in_the_rest_of_the_title():
    # 'EVER: Exact Volumetric Ellipsoid Rendering for Real-time View Synthesis' against 3D
    # Convex Splatting's 'Radiance Field Rendering': one task in other words (round 26's fresh
    # readers rated the pair 2, and a paired reader voted for the text without the line)
    ever, convex = _paper("2410.01804"), _paper("2411.14974")
    c = compare_papers(ever, convex)
    assert " is for " not in c.prefer_a_when + c.prefer_b_when
    assert "if you need real time" in c.prefer_a_when  # its other line stays
    # SemanticSDS ('Semantic Score Distillation Sampling for ...') against DreamPolish's
    # 'Domain Score Distillation': DreamPolish's method, not a task apart
    sds, polish = _paper("2410.09009"), _paper("2411.01602")
    labels = ("SemanticSDS", "DreamPolish")
    assert task_reasons((sds.title, sds.abstract), (polish.title, polish.abstract), labels) == (
        "", "")
