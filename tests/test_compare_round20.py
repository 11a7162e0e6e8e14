"""Round 20: what round 19's blind readers (seed 9090) still found in the prefer lines and the
summary's clauses: 'the other gives no figure' read as 'it is faster than the other',
'training-free' unsaid when the other paper says nothing of training, a project page's
'provides 68s video generation results and more examples' taken for a contribution, and a
list cut after its first item ('consists of only two main components: 1 RVQ-VAE'). Real
abstracts (arXiv ids below) from tests/fixtures/hf-2024-papers-2000.jsonl and
hf-2024-round18.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _profile, compare_papers
from paperbrief.engines.offline.compare_does import does
from paperbrief.engines.offline.compare_names import short_name
from paperbrief.engines.offline.compare_reasons import reasons
from tests.compare_support import papers_with


def _papers():
    return papers_with("hf-2024-round18.jsonl")


def test_no_speed_line_against_a_paper_that_claims_speed_without_a_figure():
    papers = _papers()
    # Continuous Speculative Decoding (2411.11925, 'a 2.33x speed-up') against SJD
    # (2410.01699, 'Accelerating ...' with no figure): no line either way
    cspd, sjd = papers["2411.11925"], papers["2410.01699"]
    said = reasons(cspd.abstract, sjd.abstract, ("", ""), (cspd.title, sjd.title))
    assert not any("speed" in r for r in said), said
    assert not any("gives no figure" in r
                   for r in reasons(papers["2411.17787"].abstract, sjd.abstract, ("", ""),
                                    (papers["2411.17787"].title, sjd.title)))  # fmt: skip


def test_training_free_against_a_paper_silent_on_training():
    papers = _papers()
    # ZipAR (2412.04062, 'a training-free, plug-and-play parallel decoding framework') against
    # PAR (2412.15119), which says nothing of training
    line = compare_papers(papers["2412.04062"], papers["2412.15119"]).prefer_a_when
    assert "if you cannot train a model: it is training-free (the other does not say so)" in line


def test_a_project_pages_showcase_is_no_contribution():
    papers = _papers()
    lingen = papers["2412.09856"]
    profile = _profile(lingen, short_name(lingen, lingen.abstract) or "LinGen")
    for words in (14, 9, 7):
        assert "results" not in does(lingen, profile, [], None, words)
    summary = compare_papers(papers["2410.06241"], lingen).summary
    assert "more examples" not in summary and "68s video generation results" not in summary


def test_a_list_is_not_cut_after_its_first_item():
    papers = _papers()
    summary = compare_papers(papers["2411.19527"], papers["2412.07797"]).summary
    assert "1 RVQ-VAE" not in summary and ": 1" not in summary, summary
