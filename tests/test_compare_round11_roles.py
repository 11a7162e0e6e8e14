"""Round 11: the approach cell is the paper's main contribution, never a pitch, a contribution
added to it ('Additionally, we introduce MotionBench'), nor a closing offer ('We offer a new
tool ...'). Real abstracts the round-10 blind readers flagged (arXiv ids below), from the
2,000 Daily Papers of 2024 of tests/fixtures/hf-2024-papers-2000.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _names, _profile
from paperbrief.engines.offline.compare_cells import added, approach_cell
from paperbrief.engines.offline.compare_names import short_name
from tests.compare_support import papers_2024


def _approach(paper_id: str) -> str:
    paper = papers_2024()[paper_id]
    profile = _profile(paper, short_name(paper, paper.abstract) or "the paper")
    return approach_cell(paper.title, paper.abstract, profile.roles.method, _names(paper, profile))


def test_a_pitch_is_never_the_approach_even_when_nothing_else_is_a_we_sentence():
    # PUMA (2410.13861): 'This work represents a significant step towards a truly unified MLLM
    # ...' was its approach cell; the sentence led by its name says what it does
    approach = _approach("2410.13861")
    assert "significant step" not in approach
    assert approach.startswith("PUMA unifies multi-granular visual features"), approach


def test_a_contribution_added_to_the_main_one_ranks_after_it():
    # MotionShop (2412.05355): 'Additionally, we introduce MotionBench, the first motion transfer
    # dataset ...' is a side part; the main one is its Mixture of Score Guidance
    approach = _approach("2412.05355")
    assert "MotionBench" not in approach
    assert approach.startswith("We propose the first motion transfer approach"), approach
    assert "Mixture of Score Guidance" in approach
    # the connective the cell drops still marks the dataset as added; an added method is not
    paper = papers_2024()["2412.05355"]
    bench = "We introduce MotionBench, the first motion transfer dataset consisting of 200"
    assert added(bench, paper.abstract) and not added(bench, "We introduce MotionBench.")
    assert not added("Furthermore, we introduce a novel, model-agnostic approach called Ruler.")


def test_a_purpose_before_the_papers_own_clause_without_a_comma():
    # LiveXiv (2410.10783): 'To safeguard against test data contamination and to truly test
    # ... foundation models we propose LiveXiv: ...' (no comma); 'Moreover, we introduce an
    # efficient evaluation approach ...' was its approach cell
    approach = _approach("2410.10783")
    assert approach.startswith("We propose LiveXiv"), approach
    assert "efficient evaluation approach" not in approach


def test_a_studys_aim_is_its_approach_not_its_closing_offer():
    # Mind Your Step (2410.21333): 'We offer a new tool that can be used in understanding ...'
    # (its last sentence) was its approach cell; 'we seek to identify the characteristics of
    # tasks where CoT reduces performance ...' is what it does
    approach = _approach("2410.21333")
    assert "new tool" not in approach
    assert approach.startswith("We seek to identify the characteristics of tasks"), approach


def test_a_sentence_that_releases_one_thing_and_promises_another_says_both():
    # LiveXiv (2410.10783): 'Our dataset is available online on HuggingFace, and our code will be
    # available here.' was read as one promise ('Data promised'); a list keeps its one verb
    from paperbrief.engines.offline.compare_facts import promises, releases

    abstract = papers_2024()["2410.10783"].abstract
    assert releases(abstract) == "data" and promises(abstract) == "code"
    listed = "The code, the model, and the interface will be released to facilitate research."
    assert releases(listed) == "" and promises(listed) == "code and model weights"
    assert releases("Our code, data, and models are available at https://github.com/a/b.") == (
        "code, model weights and data")


def test_what_a_paper_does_without_is_not_its_focus():
    # FrugalNeRF (2410.16271), '... Few-shot Novel View Synthesis without Learned Priors': round
    # 11's readers saw 'learned priors' as its focus
    from paperbrief.engines.offline.compare_central import focus_term

    paper = papers_2024()["2410.16271"]
    assert not focus_term("learned priors", paper.title, paper.abstract)
    assert focus_term("few-shot novel view synthesis", paper.title, paper.abstract)
