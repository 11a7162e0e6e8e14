"""Takeaways and fields that stand alone, numbers that are numbers (issue 22), on real abstracts.

Abstracts: the Hugging Face Daily Papers of 2024 in tests/fixtures/hf-2024-papers-2000.jsonl and
the bundled page (tests/fixtures/hf-daily-papers-page.txt); see tests/fixtures/README.md.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.facts import key_numbers, roles
from paperbrief.engines.offline.standalone import dangles, part_of_name, repeats
from paperbrief.models import Paper
from paperbrief.sources import read_file
from tests.conftest import FIXTURES

PAGE = FIXTURES / "hf-daily-papers-page.txt"


@cache
def hf2024() -> dict[str, Paper]:
    papers = {}
    with (FIXTURES / "hf-2024-papers-2000.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            papers[row["id"]] = Paper(id=row["id"], title=row["title"], abstract=row["abstract"],
                                      source="hf-2024")  # fmt: skip
    return papers


@cache
def page() -> list[Paper]:
    return list(read_file(PAGE).papers)


def by_title(start: str) -> Paper:
    return next(p for p in page() if p.title.startswith(start))


# (arXiv id, a name or version the abstract writes, a measurement it states)
NAMED = [
    ("2406.09246", "Llama 2", None),  # OpenVLA: 'Llama 2 language model'
    ("2406.04692", "AlpacaEval 2", None),  # Mixture-of-Agents: 'AlpacaEval 2.0'
    ("2406.04523", "Pixel 8", None),  # Proofread: 'Pixel 8'
    ("2406.07550", "XL/2", None),  # TiTok: 'DiT-XL/2'
    ("2406.08973", "Apache 2.0", None),  # XLand-100B: 'Apache 2.0 licence'
    ("2406.14347", "nabla^2", None),  # nabla^2DFT
]


@pytest.mark.parametrize(("paper_id", "name", "_"), NAMED)
def test_names_and_versions_are_not_key_numbers(paper_id, name, _):
    paper = hf2024()[paper_id]
    at = paper.abstract.find(name)
    assert at >= 0, "the abstract writes the name"
    number = name.split("/")[-1].split("^")[-1].split()[-1]
    start = paper.abstract.find(number, at + len(name) - len(number))
    assert part_of_name(paper.abstract, start, start + len(number))
    values = [k.value for k in key_numbers(paper.abstract)]
    # the name's number is not read as a measurement (it would be the bare '2', '8', '2.0')
    assert number not in values and (number + ".0") not in values


def test_measurements_stay_key_numbers():
    # Mixture-of-Agents: '65.1% compared to 57.5% by GPT-4 Omni' on AlpacaEval 2.0
    values = [k.value for k in key_numbers(hf2024()["2406.04692"].abstract)]
    assert "65.1%" in values and "57.5%" in values
    assert "4" not in values and "2.0" not in values
    text = "a 7B model, a 2.8× speedup, 57.4 % accuracy on 12,553 instances after Stage 1"
    found = [k.value for k in key_numbers(text)]
    assert {"7B", "2.8×", "12,553"} <= set(found) and "1" not in found


def test_codemonkeys_and_for_example_openings_are_not_takeaways():
    engine = OfflineEngine()
    for paper in page():
        line = engine.takeaway(paper).value.takeaway
        assert not dangles(line), (paper.title, line)
    # the two takeaways issue 22 quotes
    codemonkeys = engine.takeaway(by_title("CodeMonkeys")).value.takeaway
    assert not codemonkeys.startswith("We sample many of these")
    chatgpt = [engine.takeaway(p).value.takeaway for p in page()]
    assert not any(t.startswith("For example") for t in chatgpt)


@pytest.mark.parametrize(
    ("line", "alone"),
    [
        ("These results show that scaling helps.", False),
        ("This represents a 48% relative degradation.", False),
        ("For example, we show that if ChatGPT is not able to provide a solution", False),
        ("However, existing methods fail.", False),
        ("We then fine-tune the model.", False),
        ("We also release the data.", False),
        ("This paper introduces a benchmark for code repair.", True),
        ("This work studies parallel decoding.", True),
        ("Thesis-level writing is hard.", True),
        ("We propose Group Think, a single LLM acting as several agents.", True),
    ],
)
def test_dangling_openings(line, alone):
    assert dangles(line) is not alone


def test_no_field_is_the_title_and_no_result_opens_on_this():
    engine = OfflineEngine()
    papers = [*page(), *list(hf2024().values())[:300]]
    for paper in papers:
        t = engine.takeaway(paper).value
        for field in (t.problem, t.method, t.result):
            assert not repeats(field, paper.title), (paper.title, field)
        assert not dangles(t.result), (paper.title, t.result)


def test_a_title_like_problem_is_left_unsaid():
    # an abstract whose only sentence before the method is its title again
    title = ("Youtu-LLM: Unlocking the Native Agentic Potential for Lightweight Large Language "
             "Models")
    abstract = (
        "Youtu-LLM: unlocking the native agentic potential for lightweight large language "
        "models. We introduce Youtu-LLM, a 1.96B model pre-trained from scratch on 11T tokens. "
        "It reaches 71.2% on agent benchmarks, ahead of larger models."
    )
    parts = roles(title, abstract)
    assert not repeats(parts.problem, title)
    assert parts.method.startswith("We introduce Youtu-LLM")
