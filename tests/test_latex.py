"""LaTeX markup in titles and abstracts made plain, and nothing lost that cannot be."""

from __future__ import annotations

import json

import pytest

from paperbrief.latex import plain_text
from paperbrief.sources import read_file
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("retains 95.1\\% of its teacher", "retains 95.1% of its teacher"),
        ("R\\&D at $\\delta$-scale", "R&D at δ-scale"),
        ("a $3\\times$ speed-up, $k=5$, $\\xi$", "a 3× speed-up, k=5, ξ"),
        ("$\\mathcal{O}(k n)$ time", "O(k n) time"),
        ("an \\emph{open} model", "an open model"),
        ("rotated by $90^\\circ$", "rotated by 90°"),
        ("$p_{\\theta}(z|x)$", "p_θ(z|x)"),
        ("costs $5 and $10 per run", "costs $5 and $10 per run"),  # money, not math
        ("no markup at all", "no markup at all"),
    ],
)
def test_markup_is_made_plain(raw: str, plain: str) -> None:
    assert plain_text(raw) == plain


def test_unknown_math_stays_as_written() -> None:
    raw = "$\\mathcal{O}(\\binom{n}{k})$ candidates"
    assert plain_text(raw) == raw


def test_sources_hand_out_plain_abstracts() -> None:
    name = "hf-api/hf_daily_papers_2026-03-16.json"
    raw = {
        e["paper"]["id"]: e["paper"]["summary"] for e in json.loads((FIXTURES / name).read_text())
    }
    listing = read_file(str(FIXTURES / name))
    marked = [p for p in listing.papers if "\\%" in raw[p.id]]
    assert marked, "the fixture has a paper with '\\%' in its abstract"
    for paper in marked:
        assert "\\%" not in paper.abstract and "%" in paper.abstract
