"""Issue 22, round 5 (part F): derived facts that are true, and "when to prefer" lines with a
reason a reader can act on.

- A contribution kind never contradicts another line: a paper that builds a benchmark and
  proposes a method is no benchmark-only paper, and 'the other does not' propose a method is
  said only when the other abstract has no method cue (W-Bench/VINE).
- Prefer lines give distinguishing facts the other paper lacks (training-free vs trained, a
  speed-up, a proof, stated compatibility, real robots), never what the paper does alone.
- A release row whenever one side states a release, with what is released read correctly.

Abstracts: real Hugging Face Daily Papers of 2024 (tests/fixtures/hf-2024-papers-2000.jsonl and
tests/fixtures/hf-2024-round5.jsonl, see tests/fixtures/README.md) and the bundled example, by
arXiv id or title.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import kind
from paperbrief.engines.offline.compare_facts import release_unknown, releases
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Comparison, Paper
from paperbrief.sources import read_file
from tests.compare_support import papers_with
from tests.conftest import ROOT


def papers() -> dict[str, Paper]:
    return papers_with("hf-2024-round5.jsonl")


def compare(a: str, b: str) -> Comparison:
    return OfflineEngine().compare(papers()[a], papers()[b]).value


def lines(c: Comparison) -> list[str]:
    return [c.summary, c.prefer_a_when, c.prefer_b_when] + [f"{d.a} | {d.b}" for d in c.differences]


def row(c: Comparison, aspect: str) -> tuple[str, str] | None:
    return next(((d.a, d.b) for d in c.differences if d.aspect == aspect), None)


# --- 1. derived facts that agree with every other line ----------------------------------


def test_a_benchmark_paper_that_also_proposes_a_method_is_not_typed_benchmark():
    # W-Bench + VINE (2410.18775) vs a two-stage watermarking framework (2412.04653): round 4
    # typed A 'benchmark' and told the reader B is 'for a method to apply (it proposes one;
    # the other does not)' while A's own line said 'it proposes VINE, a watermarking method'
    vine = papers()["2410.18775"]
    assert kind(vine.title, vine.abstract) != "benchmark"
    c = compare("2410.18775", "2412.04653")
    assert row(c, "contribution type") is None
    assert not any("the other does not" in line for line in lines(c)), lines(c)
    assert not any("it builds a benchmark" in line for line in lines(c)), lines(c)


def test_a_benchmark_only_paper_keeps_its_kind_and_the_method_line():
    # MLE-bench (2410.07095) builds a benchmark and proposes no method: the method paper
    # beside it may say the other does not propose one
    mle = papers()["2410.07095"]
    assert kind(mle.title, mle.abstract) == "benchmark"
    assert releases(mle.abstract) == "code"


# --- 2. prefer lines with a distinguishing fact ------------------------------------------


def test_training_free_against_a_trained_model_is_a_reason():
    # Add-it (2411.07232, 'a training-free approach') vs MADD (2412.14462, proposes the
    # Mask-Aware Dual Diffusion model on a 3M-example dataset)
    c = compare("2411.07232", "2412.14462")
    add_it = c.prefer_a_when if c.paper_a == "2411.07232" else c.prefer_b_when
    assert "training-free" in add_it, add_it


def test_two_training_free_papers_get_no_training_reason():
    # VideoGuide ('without the need for additional training or fine-tuning') and Free^2Guide
    # ('without requiring additional model training'): neither is told apart by it
    c = compare("2410.04364", "2411.17041")
    assert not any("training-free" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_not_trained_is_no_training():
    # Group Think uses 'LLMs that were not explicitly trained for Group Think': Hogwild! is
    # not 'training-free, the other needs training' beside it
    page = list(read_file(ROOT / "examples" / "daily-papers-2026-03-05.txt").papers)
    hogwild = next(p for p in page if p.title.startswith("Hogwild"))
    group = next(p for p in page if p.title.startswith("Group Think"))
    c = OfflineEngine().compare(hogwild, group).value
    assert not any("needs training" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_a_reported_speed_up_is_a_reason_against_a_paper_with_no_speed_claim():
    # continuous speculative decoding (2411.11925): '2.33× speed-up'; ControlAR (2410.02705)
    # claims no speed
    c = compare("2410.02705", "2411.11925")
    line = c.prefer_b_when if c.paper_b == "2411.11925" else c.prefer_a_when
    assert "if speed matters: it reports a 2.33× speed-up" in line, line


def test_no_speed_reason_when_both_papers_claim_speed():
    # ZipAR (2412.04062, 'Accelerating ...', fewer forward passes) and PAR (2412.15119,
    # '3.6x speedup'); MoViE (2412.06578, 'threefold on-device speedup') and MobileVD
    # (2412.07583, '523x more efficient'): both sides are about speed
    for a, b in (("2412.04062", "2412.15119"), ("2412.06578", "2412.07583")):
        c = compare(a, b)
        assert not any("if speed" in line for line in (c.prefer_a_when, c.prefer_b_when)), b


def test_stated_compatibility_is_a_reason():
    # MH-MoE (2411.16205): 'MH-MoE is compatible with 1-bit Large Language Models (LLMs) such
    # as BitNet'; ReMoE (2412.14711) says nothing of it
    c = compare("2411.16205", "2412.14711")
    mh = c.prefer_a_when if c.paper_a == "2411.16205" else c.prefer_b_when
    assert "BitNet: it reports being compatible" in mh, mh


def test_a_proof_is_a_reason_against_a_paper_with_no_theory():
    # RF inversion (2410.10792): 'We prove that the resulting vector field is equivalent to a
    # rectified stochastic differential equation'; FluxSpace (2412.09611) has no theory
    c = compare("2410.10792", "2412.09611")
    rf = c.prefer_a_when if c.paper_a == "2410.10792" else c.prefer_b_when
    assert "it proves a theoretical result" in rf, rf


def test_real_robot_experiments_are_read_only_from_real_deployments():
    from paperbrief.engines.offline.compare_reasons import real_robot

    # Make-An-Agent: 'we directly deploy policies ... onto real-world robots'
    assert real_robot(papers()["2407.10973"].abstract)
    # RoboCasa ('promise in harnessing simulation data in real-world tasks') and BiGym
    # ('reflecting the diverse modalities found in real-world robot trajectories') run none
    assert not real_robot(papers()["2406.02523"].abstract)
    assert not real_robot(papers()["2407.07788"].abstract)


def test_a_line_that_only_names_the_method_is_no_reason():
    # VMB (2412.09428) vs MuVi (2410.12957): round 4 wrote 'it introduces a method named
    # Visuals Music Bridge' as a reason
    c = compare("2410.12957", "2412.09428")
    assert not any("a method named" in line for line in (c.prefer_a_when, c.prefer_b_when))


# --- 3. release rows -------------------------------------------------------------------------


def test_both_releasing_is_worth_a_release_row():
    # MathCoder2 (2410.08196, 'All of our data processing and training code is open-sourced':
    # code, the data processing's; round 27) and TemplateGSM (2411.18104, 'The TemplateGSM
    # dataset is publicly available at ...')
    c = compare("2410.08196", "2411.18104")
    assert row(c, "releases") == ("Code released.", "Code and data released.")


def test_release_statements_with_a_link_are_read():
    # 'Please refer to our code on https://github.com/...'
    assert releases(papers()["2412.14462"].abstract) == "code"
    # 'Our open-source checkpoints and code can be found in https://yanqval.github.io/PAE/'
    assert releases(papers()["2412.13194"].abstract) == "code and model weights"
    # 'Our project page with source code is available at https://...github.io/...'
    assert releases(papers()["2412.18153"].abstract) == "code"
    # the use of others' open-source models is no release ('We use open-source agent
    # scaffolds to evaluate several frontier language models on our benchmark')
    assert "model weights" not in releases(papers()["2410.07095"].abstract)
    # 'We fully open-source VBench++ and continually add new video generation models':
    # released, but what is not parsed, so nothing is said
    vbench = papers()["2411.13503"].abstract
    assert releases(vbench) == "" and release_unknown(vbench)


def test_a_release_row_when_one_side_releases():
    # MADD (2412.14462, 'Please refer to our code on https://github.com/...') beside Add-it
    # (2411.07232, no release): round 4 showed this pair without a release row
    c = compare("2412.14462", "2411.07232")
    cells = row(c, "releases")
    assert cells is not None and "Code released." in cells, c.differences
    assert "No release stated." in cells


# --- found by the hand check of 20 prefer lines (held-out papers, see the report) ----------


def test_other_verbs_before_open_source_are_no_release():
    # LOKI: 'We evaluated 22 open-source LMMs and 6 closed-source models on LOKI' releases
    # no model weights
    assert releases(papers()["2410.09732"].abstract) == ""
    # PrefixQuant: '... W4A4 quantized models using PrefixQuant is 1.60x to 2.81x faster than
    # FP16 models and exceeds QuaRot models by 1.2x to 1.3x. Our code is available at ...'
    # (one 'sentence' to the splitter): the code is released, not the models
    assert releases(papers()["2410.05265"].abstract) == "code"


def test_a_paper_calling_itself_open_source_is_not_said_to_state_no_release():
    # LLaVA-Critic: 'We introduce LLaVA-Critic, the first open-source large multimodal model'
    critic = papers()["2410.02712"].abstract
    assert release_unknown(critic)
    c = compare("2410.02712", "2410.12381")  # beside HumanEval-V, which releases code and data
    assert not any("states no release" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_a_dataset_paper_with_a_baseline_network_proposes_a_method():
    # IMed-361M: 'we developed an IMIS baseline network on this dataset': MedVisionLlama
    # (2410.02458) is not 'for a method to apply (... the other does not)' beside it
    c = compare("2410.02458", "2411.12814")
    assert not any("the other does not" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_a_speed_up_is_said_with_its_range_and_its_own_device():
    from paperbrief.engines.offline.compare_reasons import speed_figure

    # MA-RLHF: 'reaches parity with vanilla RLHF 1.7x to 2x faster in terms of training time'
    assert speed_figure(papers()["2410.02743"].abstract) == ("being 1.7x to 2x faster", False)
    # EfficientTAM: '~2x speedup on A100' (its phone figure is FPS, in another sentence)
    assert speed_figure(papers()["2411.18933"].abstract) == ("a ~2x speedup", False)


def test_open_weights_are_not_no_release():
    # Qwen2.5 (2412.15115): 'Open-weight offerings include base and instruction-tuned models':
    # beside Self-Lengthen (2410.23933, 'Our code is publicly available'), Qwen2.5 is not said
    # to state no release (round 18: it releases model weights, its open weights)
    assert not release_unknown(papers()["2412.15115"].abstract)
    assert releases(papers()["2412.15115"].abstract) == "model weights"
    c = compare("2410.23933", "2412.15115")
    assert not any("states no release" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_a_paper_that_trains_something_is_not_training_free():
    from paperbrief.engines.offline.compare_reasons import training_free, trains

    # WMA web agent (2410.13232): 'our world models improve agents' policy selection without
    # training', but also 'the challenges in training LLMs as world models ... we propose';
    # WebDreamer (2411.06559) 'augments language agents with model-based planning' (a
    # 'model-based' planner is no model of its own to train)
    wma, dreamer = papers()["2410.13232"].abstract, papers()["2411.06559"].abstract
    assert not training_free(wma)
    assert not trains(dreamer)
    c = compare("2410.13232", "2411.06559")
    assert not any("training-free" in line for line in (c.prefer_a_when, c.prefer_b_when))


def test_a_speed_of_a_side_metric_and_a_new_verb_after_compatible_are_not_read():
    from paperbrief.engines.offline.compare_reasons import compatible_with, speed_figure

    # SeND (2410.15460): 'EES, which approximates the traditional EigenScore in 2x speed' is a
    # side metric's speed, said in no reason
    assert speed_figure(papers()["2410.15460"].abstract) == ("", False)
    # MIA-DPO (2410.17637): '... compatible with various architectures and
    # outperforms existing methods ...': what it is compatible with ends before 'and outperforms',
    # and 'various architectures' names nothing (round 9's readers; was said before round 10)
    assert compatible_with(papers()["2410.17637"].abstract) == ""


def test_a_paper_with_a_trained_variant_is_not_training_free():
    # ComfyGen (2410.01731): 'We propose two LLM-based approaches ...: a tuning-based method
    # that learns from user-preference data, and a training-free method ...'
    from paperbrief.engines.offline.compare_reasons import training_free

    assert not training_free(papers()["2410.01731"].abstract)
    # one training-free method stays so: Add-it, 'a training-free approach'
    assert training_free(papers()["2411.07232"].abstract)
