"""Round 17: what round 16's blind readers (seed 8787) still found in summaries and release
rows: 'Face Anonymization Made Simple validated its results on two public benchmarks' (its main
sentence, 'Our approach uses diffusion models ...', gave no clause), a side clause chosen
because it was shorter than the main one (VINE), and 'the other states no release' against a
paper whose abstract ends 'Resources available at: ...'. Real abstracts (arXiv ids below) from
tests/fixtures/hf-2024-papers-2000.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _profile, compare_papers
from paperbrief.engines.offline.compare_does import _CHECKS_ITSELF, does
from paperbrief.engines.offline.compare_facts import release_unknown
from paperbrief.engines.offline.compare_names import short_name
from tests.compare_support import papers_2024


def test_our_approach_says_what_the_paper_does():
    paper = papers_2024()["2411.00762"]
    profile = _profile(paper, short_name(paper, paper.abstract) or "the paper")
    clause = does(paper, profile, [], None, 14)
    assert clause.endswith("uses diffusion models with only a reconstruction loss"), clause
    assert _CHECKS_ITSELF.match("validated its results on two public benchmarks")
    assert _CHECKS_ITSELF.match("presents an empirical analysis and find that, although MLLMs")
    assert not _CHECKS_ITSELF.match("evaluates 15 LLMs on long-context tasks")  # a study's own


def test_both_main_clauses_before_a_shorter_line():
    # VINE (2410.18775) vs Hidden in the Noise (2412.04653): 'analyzes the frequency
    # characteristics of image editing' (a step) fitted 24 words where VINE's main clause
    # needed 30; the main clauses come first
    papers = papers_2024()
    summary = compare_papers(papers["2410.18775"], papers["2412.04653"]).summary
    assert "proposes VINE, a watermarking method" in summary, summary
    assert len(summary.split()) <= 30


def test_resources_available_is_a_release_of_something_unsaid():
    # MMCOMPOSITION (2410.09733): 'Resources available at: ...' is no 'No release stated', and
    # the other paper gets no 'the other states no release' line from it
    papers = papers_2024()
    assert release_unknown(papers["2410.09733"].abstract)
    comparison = compare_papers(papers["2410.05210"], papers["2410.09733"])
    assert "states no release" not in (comparison.prefer_a_when + comparison.prefer_b_when)
    assert not any(d.aspect == "releases" for d in comparison.differences)
