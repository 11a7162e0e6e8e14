"""Round 25: the sentence that says what a named method does, a paper's answer 'by doing'
something, and prefer lines from training cost, latency, memory and needing no training.

Round 22's and 23's readers found AutoMIR described by its side benchmark (its main sentence
only names SL-HyDE; the next one says what SL-HyDE does), VisRAG by its retriever's training
data (its main clause 'tackles this issue by establishing a VLM-based RAG pipeline' refers
back), and prefer lines empty beside DiVA's '>100x less training compute', Ichigo's '111 ms to
first token' and STRING's 'without additional training'. Real abstracts (arXiv ids below)
from tests/fixtures/hf-2024-papers-2000.jsonl and hf-2024-round25.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import compare_papers
from paperbrief.engines.offline.compare_costs import cost_reasons, latency, training_cost
from paperbrief.engines.offline.compare_names import described_by
from paperbrief.engines.offline.compare_prefer import memory_figure
from paperbrief.engines.offline.compare_reasons import reasons
from paperbrief.engines.offline.compare_text import by_doing
from tests.compare_support import approach_and_results, papers_with


def _paper(paper_id: str):
    return papers_with("hf-2024-round25.jsonl")[paper_id]


def _compare(a: str, b: str):
    return compare_papers(_paper(a), _paper(b))


def _reasons(a: str, b: str) -> list[str]:
    pa, pb = _paper(a), _paper(b)
    return reasons(pa.abstract, pb.abstract, ("", ""), (pa.title, pb.title))


def test_a_main_sentence_that_only_names_its_method_gives_way_to_the_next():
    # 'we introduce a novel approach called Self-Learning Hypothetical Document Embeddings
    # (SL-HyDE) to tackle this issue. SL-HyDE leverages large language models (LLMs) as
    # generators to generate hypothetical documents based on a given query.'
    automir = _paper("2410.20050")
    follow = described_by(automir.abstract, "We introduce a novel approach called "
                          "Self-Learning Hypothetical Document Embeddings to tackle this issue.")
    assert follow.startswith("SL-HyDE leverages large language models"), follow
    approach, _ = approach_and_results(automir)
    assert approach.startswith("SL-HyDE leverages large language models as generators"), approach
    c = _compare("2410.20050", "2411.04752")
    assert c.summary.startswith("AutoMIR leverages large language models"), c.summary
    assert "rigorous standard" not in c.summary  # its side benchmark CMIRB, before
    # a sentence not led by a name the main one introduces is no description of it
    assert described_by(automir.abstract, "Medical information retrieval is essential.") == ""


def test_a_clause_led_by_the_name_does_not_stop_inside_a_list():
    # 'TOMG-Bench encompasses a dataset of three major tasks: molecule editing (MolEdit),
    # molecule optimization (MolOpt), and ...': not '... tasks: molecule editing (MolEdit).'
    c = _compare("2411.14721", "2412.14642")
    assert "MolEdit" not in c.summary and "three major tasks" in c.summary, c.summary
    # 'spanning six tasks (i.e., action count, direction, rotation, ...)': not '... i.e.'
    c = _compare("2410.10818", "2410.23266")
    assert c.summary.endswith("spanning six tasks."), c.summary


def test_an_answer_by_doing_something_says_what_is_done():
    assert by_doing("we introduce VisRAG, which tackles this issue by establishing a "
                    "VLM-based RAG pipeline") == (
        "we introduce VisRAG, which establishes a VLM-based RAG pipeline")  # fmt: skip
    assert by_doing("We address these challenges by introducing X.") == "We introduce X."
    assert by_doing("This paper addresses this gap by using explicit bridges.") == (
        "This paper uses explicit bridges.")  # fmt: skip
    # a gerund outside the known verbs is left as written (no guessed inflection)
    assert by_doing("We tackle this by bootstrapping Y.") == "We tackle this by bootstrapping Y."
    c = _compare("2410.10594", "2412.02592")  # VisRAG vs OHRBench
    assert c.summary.startswith("VisRAG establishes a vision-language model-based RAG pipeline")
    approach = next(d for d in c.differences if d.aspect == "approach")
    assert approach.a == "We introduce VisRAG, which establishes a vision-language model-based " \
        "RAG pipeline.", approach.a


def test_training_cost_and_latency_are_reasons_when_the_other_gives_none():
    diva, ichigo = _paper("2410.02678"), _paper("2410.15316")
    assert training_cost(diva.title, diva.abstract) == ">100x less training compute"
    assert latency(ichigo.title, ichigo.abstract) == "111 ms to first token"
    assert "if the training budget is tight: it reports >100x less training compute" in (
        _reasons("2410.02678", "2410.15316"))  # fmt: skip
    assert "if latency matters: it reports a latency of 111 ms to first token" in (
        _reasons("2410.15316", "2410.02678"))  # fmt: skip
    c = _compare("2410.02678", "2410.15316")
    assert "111 ms" in c.prefer_b and ">100x less training compute" in c.prefer_a
    # CityGaussianV2: 'at least 25% savings in training time, and a 50% decrease in memory
    # usage'
    city, frugal = _paper("2411.00771"), _paper("2410.16271")
    assert memory_figure(city.title, city.abstract) == "memory use cut by 50%"
    # not against FrugalNeRF, whose title promises 'Fast Convergence' and whose abstract
    # 'significantly reducing training time' (round 25's paired readers: misleading)
    assert cost_reasons((city.title, city.abstract), (frugal.title, frugal.abstract)) == []
    assert cost_reasons((frugal.title, frugal.abstract), (city.title, city.abstract)) == []


def test_no_training_said_of_the_method_by_name_is_a_reason():
    # STRING: 'Experimental results show that without additional training, STRING
    # dramatically improves ...'; FoPE's abstract says nothing of training either way
    said = _reasons("2410.18745", "2412.17739")
    assert "if you cannot train a model: it needs no training (the other does not say " \
        "whether it does)" in said, said
    # a part of the method that needs no training is not the method: SNOOPI's 'Second, we
    # propose a training-free method called NASA' (its distillation trains)
    assert not any("train" in r for r in _reasons("2412.02687", "2412.04301"))
    # nor a paper run in several settings: SepLLM 'across training-free, training-from-scratch,
    # and post-training settings'
    assert not any("train" in r for r in _reasons("2412.12094", "2410.08584"))
    # nor against a paper that may need no training either (round 25's paired readers): DeCo,
    # a decoding method, beside DeCoRe's 'training-free decoding strategy'; GenMAC's agents
    assert not any("train" in r for r in _reasons("2410.18860", "2410.11779"))
    assert not any("train" in r for r in _reasons("2411.15115", "2412.04440"))
    # but kept beside a paper whose prompts are no such cue: GraPE 'is training free', ChatGen
    # trains its models
    assert any(r.startswith("if you cannot train a model") for r in
               _reasons("2412.06089", "2411.17176"))  # fmt: skip
