"""Real papers for the comparison tests: the 2,000 Daily Papers of 2024 of the fixture
(tests/fixtures/hf-2024-papers-2000.jsonl, from the shared hf-2024-papers.jsonl), by id, in
file order, and with them the papers of a test's own fixture files (`papers_with`)."""

from __future__ import annotations

import json
from functools import cache

from paperbrief.models import Paper
from tests.conftest import FIXTURES


@cache
def papers_2024() -> dict[str, Paper]:
    rows = [json.loads(line) for line in (FIXTURES / "hf-2024-papers-2000.jsonl").open()]
    return {r["id"]: Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="t")
            for r in rows}  # fmt: skip


@cache
def papers_with(*fixtures: str) -> dict[str, Paper]:
    """The 2,000 papers and those of `fixtures` (JSONL files under tests/fixtures), by id."""
    out = dict(papers_2024())
    for name in fixtures:
        for line in (FIXTURES / name).open(encoding="utf-8"):
            r = json.loads(line)
            out[r["id"]] = Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="t")
    return out


def approach_and_results(paper: Paper) -> tuple[str, str]:
    """The approach and results cells of one paper, as the comparison fills them."""
    from paperbrief.engines.offline.compare import _names, _profile
    from paperbrief.engines.offline.compare_cells import approach_cell, results_cell
    from paperbrief.engines.offline.compare_names import short_name

    profile = _profile(paper, short_name(paper, paper.abstract) or "the paper")
    names = _names(paper, profile)
    return (approach_cell(paper.title, paper.abstract, profile.roles.method, names),
            results_cell(paper.title, paper.abstract, names))  # fmt: skip
