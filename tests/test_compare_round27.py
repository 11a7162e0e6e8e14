"""Round 27: prefer lines from the data two papers work on, a benchmark known by its own name,
and 'state space model' as shared ground.

Round 26's fresh readers missed a prefer line where two papers work on different data ("video
vs speech is left to the titles", "video + motion control vs image/stylization is clear") and a
benchmark-vs-method row for a benchmark whose title does not say 'benchmark' (MMCOMPOSITION:
"Revisiting the Compositionality of ..."); they read 'Both deal with space model' for two Mamba
papers. Real abstracts (arXiv ids below) from tests/fixtures/hf-2024-papers-2000.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import compare_papers, kind
from paperbrief.engines.offline.compare_domains import domain, domain_reasons
from tests.compare_support import papers_with


def _paper(paper_id: str):
    return papers_with("hf-2024-papers-2000.jsonl")[paper_id]


def _domains(a: str, b: str) -> tuple[str, str]:
    pa, pb = _paper(a), _paper(b)
    return domain_reasons((pa.title, pa.abstract), (pb.title, pb.abstract), ("A", "B"))


def test_papers_on_different_data_get_a_line_each():
    # Pyramidal Flow Matching (video generation) against F5-TTS (speech synthesis)
    assert _domains("2410.05954", "2410.06885") == (
        "if you work on video (B works on speech)", "if you work on speech (A works on video)")
    # DreamVideo-2 takes a reference image yet works on video; the image generator against it
    # never writes 'video'
    line_a, line_b = _domains("2410.13830", "2411.15466")
    assert line_a.startswith("if you work on video") and line_b.startswith("if you work on images")


def test_papers_that_share_their_data_get_no_data_line():
    # EchoPrime (echocardiography videos) against a medical vision-language model: both are
    # medicine, so 'video against medicine' would mislead
    assert _domains("2410.09704", "2411.14522") == ("", "")
    # MonST3R's geometry from dynamic video against MotionGS's dynamic 3D scenes: 3D is made
    # from video too often for the split to mean anything
    assert _domains("2410.03825", "2410.07707") == ("", "")


def test_a_title_naming_many_kinds_or_a_tool_has_no_plain_data():
    curse = _paper("2410.12787")  # '... across Language, Visual, and Audio'
    assert domain(curse.title, curse.abstract) == ""
    retrieve = _paper("2411.04752")  # 'Merging Prompts and Mathematical Models for ... Retrieval'
    assert domain(retrieve.title, retrieve.abstract) != "mathematics"


def test_a_benchmark_known_by_its_own_name_is_a_benchmark():
    mm = _paper("2410.09733")  # 'we propose MMCOMPOSITION, a novel human-annotated benchmark'
    assert kind(mm.title, mm.abstract) == "benchmark"
    draft = compare_papers(mm, _paper("2411.18203"))  # Critic-V, a framework
    rows = {d.aspect: (d.a, d.b) for d in draft.differences}
    assert rows["contribution type"] == ("benchmark", "method")
    assert "a way to evaluate models" in draft.prefer_a_when
    assert "a method to apply" in draft.prefer_b_when


def test_the_data_line_reaches_the_comparison():
    draft = compare_papers(_paper("2410.05954"), _paper("2410.06885"))
    assert "if you work on video (F5-TTS works on speech)" in draft.prefer_a_when
    assert "if you work on speech" in draft.prefer_b_when


def test_two_mamba_papers_share_state_space_models():
    draft = compare_papers(_paper("2410.02362"), _paper("2410.18572"))
    assert "state space model" in draft.shared_ground
    assert "deal with space model" not in draft.shared_ground


def test_a_learning_based_method_trains_and_inference_time_is_no_cue():
    # HarmoniCa: 'a novel learning-based Caching framework built upon Step-Wise Denoising
    # Training'; its 'per-step inference time' is a cost, not an inference-time method
    draft = compare_papers(_paper("2410.01723"), _paper("2411.19108"))  # against TeaCache
    assert "it is training-free, the other needs training" in draft.prefer_b_when
    assert "training-free" not in draft.prefer_a_when


def test_a_multimodal_paper_against_a_text_only_one_gets_a_line_each():
    # GSM-Symbolic (LLMs, never an image) against DynaMath (a visual math benchmark for VLMs)
    pa, pb = _paper("2410.05229"), _paper("2411.00836")
    draft = compare_papers(pa, pb)
    assert "if you work on text-only language models (DynaMath works on multimodal models)" in (
        draft.prefer_a_when)
    assert "if you work on multimodal models" in draft.prefer_b_when


def test_a_benchmark_a_title_says_it_benchmarks_is_one_by_any_name():
    # 'Benchmarking Agentic Workflow Generation': 'we introduce WorFBench, a unified workflow
    # generation benchmark' (round 27's fresh readers: 'WorFBench not marked as a benchmark')
    bench = _paper("2410.07869")
    assert kind(bench.title, bench.abstract) == "benchmark"


def test_a_paper_that_builds_data_is_no_plain_method_against_a_benchmark():
    # LLaVA-Video: 'creating a high-quality synthetic dataset ... LLaVA-Video-178K' and a model;
    # against LOKI, a benchmark, 'a method to apply' misrepresented it (round 27's readers)
    draft = compare_papers(_paper("2410.02713"), _paper("2410.09732"))
    assert "contribution type" not in {d.aspect for d in draft.differences}
    assert "a method to apply" not in draft.prefer_a_when
    # Critic-V only uses a dataset ('leveraging a preference dataset'): still a method
    draft = compare_papers(_paper("2410.09733"), _paper("2411.18203"))
    assert "a method to apply" in draft.prefer_b_when


def test_no_training_unknown_when_the_other_speaks_of_its_training():
    # PrefixQuant 'without re-training' against BitNet a4.8's 'equivalent training costs': the
    # other does say something of training
    draft = compare_papers(_paper("2410.05265"), _paper("2411.04965"))
    assert "does not say whether" not in draft.prefer_a_when
    assert "if you cannot train a model: it needs no training" in draft.prefer_a_when


def test_data_processing_code_is_a_code_release():
    # MathCoder2: 'All of our data processing and training code is open-sourced'
    from paperbrief.engines.offline.compare_facts import releases

    assert releases(_paper("2410.08196").abstract) == "code"


def test_a_paper_that_names_vlms_once_in_brackets_is_not_multimodal():
    # OHRBench ('OCR Hinders RAG') writes 'Vision-Language Models (VLMs)' in a discussion: one
    # mention, not a multimodal paper against StructRAG (round 27's paired readers)
    draft = compare_papers(_paper("2410.08815"), _paper("2412.02592"))
    assert "multimodal" not in draft.prefer_a_when + draft.prefer_b_when
    assert "a way to evaluate models" in draft.prefer_b_when
