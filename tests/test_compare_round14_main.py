"""Round 14: the main contribution where round 13's blind readers (seed 8484) found a side part
or a bare name: a name the abstract gives its artifact outside the title ('We introduce ShifTed
Rotray position embeddING (STRING). STRING shifts ...'), a purpose clause read as a finding
('... a routing framework that combines ... to achieve better annotation quality'), a name
before a colon or 'as' ('LiveXiv: A scalable evolving live benchmark', 'PhysGame as a pioneering
benchmark'). Real abstracts (arXiv ids below) from tests/fixtures/hf-2024-papers-2000.jsonl.
"""

from __future__ import annotations

from paperbrief.engines.offline.compare import _names, _profile
from paperbrief.engines.offline.compare_cells import approach_cell, approach_sentence
from paperbrief.engines.offline.compare_does import does
from paperbrief.engines.offline.compare_facts import lost_name
from paperbrief.engines.offline.compare_names import introduced, short_name
from tests.compare_support import papers_2024


def _profiled(paper_id: str):
    paper = papers_2024()[paper_id]
    return paper, _profile(paper, short_name(paper, paper.abstract) or "the paper")


def _approach(paper_id: str) -> str:
    paper, profile = _profiled(paper_id)
    return approach_cell(paper.title, paper.abstract, profile.roles.method, _names(paper, profile))


def test_a_name_the_title_does_not_write_still_names_the_papers_artifact():
    # 'Why Does the Effective Context Length of LLMs Fall Short?' (2410.18745): its approach
    # cell was 'We introduce ShifTed Rotray position embeddING.', a name and nothing else
    paper = papers_2024()["2410.18745"]
    assert "STRING" in introduced(paper)
    approach = _approach("2410.18745")
    assert approach.startswith("STRING shifts well-trained positions"), approach
    # a name used once is no name the abstract goes on with
    assert "MultiPref" not in introduced(papers_2024()["2410.19133"])


def test_to_achieve_is_a_purpose_not_a_finding():
    # Hybrid Preferences (2410.19133): 'We introduce a routing framework that combines inputs
    # from humans and LMs to achieve better annotation quality ...' was no approach sentence,
    # and 'We train the performance prediction model on MultiPref' was its approach cell
    approach = _approach("2410.19133")
    assert approach.startswith("We introduce a routing framework"), approach
    assert approach_sentence("We introduce a routing framework that combines inputs from humans "
                             "and LMs to achieve better annotation quality.", ())  # fmt: skip
    assert not approach_sentence("Our method achieves 71.2% on MMLU.", ())


def test_a_name_before_a_colon_or_as_is_followed_by_what_it_is():
    # LiveXiv (2410.10783): 'We propose LiveXiv: A scalable evolving live benchmark ...' gave no
    # clause, and the summary took 'introduces an efficient evaluation approach' (a side part)
    paper, profile = _profiled("2410.10783")
    clause = does(paper, profile, [], None, 14)
    assert clause.startswith("LiveXiv proposes a scalable evolving live benchmark"), clause
    # PhysGame (2412.01800): 'We propose PhysGame as a pioneering benchmark to evaluate ...'
    paper, profile = _profiled("2412.01800")
    clause = does(paper, profile, [], None, 14)
    assert clause.startswith("PhysGame proposes a benchmark to evaluate"), clause
    # and the benchmark its title names stays its approach, not PhysVLM, another of its names
    assert _approach("2412.01800").startswith("We propose PhysGame as a benchmark")


def test_a_name_lost_before_a_verb_after_with():
    # STRING's abstract: 'Llama 3.1 70B with \method even achieves better performance than ...'
    assert lost_name("Compared to commercial models, Llama 3.1 70B with even achieves better "
                     "performance than GPT-4-128K.")  # fmt: skip
    assert not lost_name("Llama 3.1 70B with STRING even achieves better performance.")
