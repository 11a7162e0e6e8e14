"""An offline digest shows only the comparisons that compare (engines/offline/compare_shown.py).

Round 5 of issue 22: blind readers rated the offline comparisons with no summary of their own or
a single row 2.3 overall (all 9 pairs rated at most 2 were such), the others 3.4. An offline
digest leaves those out; `compare A B` still shows them; an LLM digest shows every pair (its
offline fallbacks too: tests/test_pipeline.py's budget test).
"""

from __future__ import annotations

import json
from pathlib import Path

from paperbrief.cli import main
from paperbrief.digest.build import plan_digest
from paperbrief.engines.offline.compare_shown import substantive
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import NO_PREFERENCE, ComparisonDraft, Difference
from paperbrief.sources import read_file

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "daily-papers-2026-03-05.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _draft(summary: str, rows: int) -> ComparisonDraft:
    return ComparisonDraft(
        summary=summary,
        shared_ground="Both deal with parallel reasoning.",
        differences=[Difference(aspect=f"aspect {i}", a="A does x.", b="B does y.")
                     for i in range(rows)],  # fmt: skip
        prefer_a_when=NO_PREFERENCE,
        prefer_b_when=NO_PREFERENCE,
    )


def test_a_comparison_compares_with_a_summary_of_its_own_and_two_rows():
    own = "A runs workers in parallel, while B trains one model to fork."
    assert substantive(_draft(own, 2)) and substantive(_draft(own, 3))
    assert not substantive(_draft(own, 1))  # one aspect: often only releases
    assert not substantive(_draft("Both deal with parallel reasoning.", 3))  # the ground again


def test_an_offline_digest_leaves_out_the_comparisons_that_do_not_compare(tmp_path, capsys):
    papers = read_file(EXAMPLE).papers
    engine = OfflineEngine()
    drafts = {frozenset((a.id, b.id)): engine.compare(a, b).value
              for a, b in plan_digest(papers, top=len(papers)).pairs}  # fmt: skip
    hollow = {pair for pair, draft in drafts.items() if not substantive(draft)}
    assert hollow and len(hollow) < len(drafts)  # the example has both kinds

    db = str(tmp_path / "pb.db")
    code = main(["digest", str(EXAMPLE), "--offline", "--json", "--top", "54", "--db", db])
    out, err = capsys.readouterr()
    assert code == 0, err
    digest = json.loads(out)
    shown = {frozenset((c["paper_a"], c["paper_b"])) for c in digest["comparisons"]}
    assert shown == set(drafts) - hollow
    for c in digest["comparisons"]:
        assert c["summary"] != c["shared_ground"] and len(c["differences"]) >= 2
    # a paper whose comparison is left out is compared with no one; one whose own nearest paper
    # is related is not called unrelated either (it says neither)
    left_out = {pid for pair in hollow for pid in pair} - {pid for pair in shown for pid in pair}
    assert left_out and not left_out & set(digest["compared_with"])
    assert left_out - set(digest["unrelated"])

    # `compare` shows such a pair when asked, the same comparison the engine writes
    a, b = sorted(next(iter(hollow)))
    code = main(["compare", a, b, "--input", str(EXAMPLE), "--offline", "--json", "--db", db])
    out, err = capsys.readouterr()
    assert code == 0, err
    found = json.loads(out)
    assert found["shared_ground"] == drafts[frozenset((a, b))].shared_ground


def test_a_results_cell_is_the_papers_own_finding_not_background_or_a_hedge():
    from paperbrief.engines.offline.compare_cells import finding, results_cell

    # RF-Inversion (arXiv 2410.10792, hf-2024-papers.jsonl): its results row held 'Existing
    # state-of-the-art DM inversion approaches rely on training ...' (blind reading, round 5)
    papers = {p.id: p for p in read_file(FIXTURES / "hf-2024-round5-shown.jsonl").papers}
    rf = papers["2410.10792"]
    cell = results_cell(rf.title, rf.abstract)
    assert cell.startswith("Our inversion method allows for state-of-the-art performance"), cell
    # the null-model paper (2410.07137): 'an adversary could use LLMs to ...' is a hedge
    null = papers["2410.07137"]
    assert "could use LLMs" not in results_cell(null.title, null.abstract)
    assert not finding("Most existing methods rely on costly test-time optimization.")
    assert not finding("An adversary could use LLMs to generate cheating responses.")
    assert finding("It could reduce latency by 2.3x on an A100.")  # a figure of its own
    assert finding("Most notably, our model achieves 57.4% on SWE-bench Verified.")
