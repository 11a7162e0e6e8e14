"""The offline engine on real papers: valid, grounded, deterministic takeaways and comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrief.engines import Engine
from paperbrief.engines.offline import OfflineEngine
from paperbrief.engines.offline_extract import as_line, clean, strip_lead_in
from paperbrief.engines.offline_facts import contribution_type, key_numbers
from paperbrief.models import Comparison, Paper, Takeaway, count_words
from paperbrief.numbers import ungrounded
from paperbrief.sources import read_file
from paperbrief.text import squash

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return OfflineEngine()


@pytest.fixture(scope="module")
def page_papers() -> list[Paper]:
    papers = read_file(FIXTURES / "hf-daily-papers-page.txt").papers
    assert len(papers) == 54
    return papers


@pytest.fixture(scope="module")
def takeaways(engine: OfflineEngine, page_papers: list[Paper]) -> list[Takeaway]:
    return [engine.takeaway(p).value for p in page_papers]


def by_title(papers: list[Paper], prefix: str) -> Paper:
    return next(p for p in papers if p.title.startswith(prefix))


def test_engine_satisfies_protocol(engine: OfflineEngine) -> None:
    assert isinstance(engine.name, str) and engine.name == "offline"
    protocol_user: Engine = engine
    assert protocol_user.takeaway_version.startswith("offline-")
    assert protocol_user.comparison_version.startswith("offline-")
    assert engine.takeaway_version != engine.comparison_version


def test_every_page_takeaway_validates_and_is_short(
    page_papers: list[Paper], takeaways: list[Takeaway], engine: OfflineEngine
) -> None:
    for paper, t in zip(page_papers, takeaways, strict=True):
        again = Takeaway.model_validate(t.model_dump())
        assert again == t
        assert t.paper_id == paper.id
        assert t.engine == "offline" and t.prompt_version == engine.takeaway_version
        assert 1 <= count_words(t.takeaway) <= 30
        assert "\n" not in t.takeaway and t.takeaway.endswith(".")
        assert all(tag == tag.lower() for tag in t.tags)


def test_takeaway_drops_lead_ins_and_keeps_whole_words(
    page_papers: list[Paper], takeaways: list[Takeaway]
) -> None:
    for paper, t in zip(page_papers, takeaways, strict=True):
        assert not t.takeaway.lower().startswith(("in this paper,", "in this work,", "here,"))
        words = set(squash(paper.abstract).replace("(", " ").replace(")", " ").split())
        core = {w.strip(".,;:") for w in words}
        for word in t.takeaway.split():
            assert word.strip(".,;:") in core or word.strip(".,;:").lower() in {
                w.lower() for w in core
            }, f"{word!r} is not a whole word of the abstract of {paper.title!r}"


def test_takeaway_picks_the_contribution_sentence(page_papers: list[Paper], engine) -> None:
    paper = by_title(page_papers, "An LLM Compiler for Parallel Function Calling")
    line = engine.takeaway(paper).value.takeaway
    assert line.startswith("We introduce LLMCompiler")


def test_deterministic(page_papers: list[Paper], takeaways: list[Takeaway]) -> None:
    fresh = OfflineEngine()
    again = [fresh.takeaway(p).value for p in page_papers]
    assert [t.model_dump() for t in again] == [t.model_dump() for t in takeaways]


def test_numbers_are_grounded_in_the_abstract(
    page_papers: list[Paper], takeaways: list[Takeaway]
) -> None:
    with_numbers = 0
    for paper, t in zip(page_papers, takeaways, strict=True):
        flat = squash(paper.abstract)
        for kn in t.key_numbers:
            assert kn.value in flat, (kn.value, paper.title)
            assert kn.value in kn.context or kn.context in flat
        text = " ".join([t.takeaway, t.problem, t.method, t.result])
        assert ungrounded(text, paper.abstract) == []
        with_numbers += bool(t.key_numbers)
    assert with_numbers >= 20


def test_key_numbers_skip_years_markers_and_versions() -> None:
    abstract = (
        "Since 2024, models such as GPT-3.5 have improved. Our method has two parts: 1) a "
        "planner and 2) a solver. It reaches 71.9% accuracy on AIME24 and runs 1.53x faster, "
        "with a 4-19% gain over baselines."
    )
    values = [kn.value for kn in key_numbers(abstract)]
    assert values == ["71.9%", "1.53x", "4-19%"]
    assert key_numbers(abstract)[0].context.startswith("It reaches 71.9% accuracy")


def test_threadweaver_headline_numbers(page_papers: list[Paper], engine) -> None:
    t = engine.takeaway(by_title(page_papers, "ThreadWeaver")).value
    values = [kn.value for kn in t.key_numbers]
    assert {"71.9%", "79.9%", "1.53x"} <= set(values)
    assert "8B" not in values  # part of the model name Qwen3-8B, not a result


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("CP-Bench", "benchmark"),
        ("LiveOIBench", "benchmark"),
        ("AI Agentic Programming: A Survey", "survey"),
        ("ThreadWeaver", "method"),
        ("Challenges in Deploying Long-Context", "analysis"),
        ("Prime Collective Communications Library", "system"),
    ],
)
def test_contribution_type_on_clear_cases(
    page_papers: list[Paper], engine: OfflineEngine, prefix: str, kind: str
) -> None:
    assert engine.takeaway(by_title(page_papers, prefix)).value.contribution_type == kind


def test_contribution_type_of_a_dataset_paper() -> None:
    papers = read_file(FIXTURES / "hf-api" / "hf_daily_papers_2024-10-25.json").papers
    paper = by_title(papers, "CCI3.0-HQ")
    assert contribution_type(paper.title, paper.abstract) == "dataset"


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        ("", "Short."),
        ("", "We propose a thing."),
        ("A Title Only", ""),
        ("", ""),
        ("", "x " * 400),
        ("", "word" * 300),
        ("Qwen 2.5 Study", "We study it."),
    ],
)
def test_degenerate_papers_still_give_valid_takeaways(
    engine: OfflineEngine, title: str, abstract: str
) -> None:
    paper = Paper(id="degenerate", title=title, abstract=abstract, source="test")
    t = engine.takeaway(paper).value
    Takeaway.model_validate(t.model_dump())
    assert count_words(t.takeaway) <= 30
    assert len(t.takeaway) <= 300
    assert ungrounded(" ".join([t.problem, t.method, t.result]), abstract) == []


def test_scitldr_papers_without_titles(engine: OfflineEngine) -> None:
    lines = (FIXTURES / "scitldr-3.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        record = json.loads(line)
        paper = Paper(id=record["id"], title="", abstract=record["abstract"], source="scitldr")
        t = engine.takeaway(paper).value
        assert 5 <= count_words(t.takeaway) <= 30
        assert t.problem and t.method and t.result


def test_lead_in_and_parenthetical_cleanup() -> None:
    text = clean("In this paper, we propose FooNet (Smith et al., 2020) [3] for parsing.")
    assert text == "In this paper, we propose FooNet for parsing."
    assert strip_lead_in(text) == "We propose FooNet for parsing."
    long = "We propose " + " ".join(f"word{i}" for i in range(40)) + ", which helps."
    line = as_line(long, 30)
    assert count_words(line) <= 30 and line.endswith(".") and "word27" in line


def test_comparisons_valid_and_grounded(page_papers: list[Paper], engine: OfflineEngine) -> None:
    pairs = list(zip(page_papers[::2], page_papers[1::2], strict=False))
    for a, b in pairs:
        c = engine.compare(a, b).value
        Comparison.model_validate(c.model_dump())
        assert (c.paper_a, c.paper_b, c.engine) == (a.id, b.id, "offline")
        assert c.prompt_version == engine.comparison_version
        texts = [c.summary, c.shared_ground, c.prefer_a_when, c.prefer_b_when]
        texts += [f"{d.aspect} {d.a} {d.b}" for d in c.differences]
        assert ungrounded(" ".join(texts), a.abstract + "\n" + b.abstract) == []
        assert {d.aspect for d in c.differences} >= {"problem", "approach", "results"}


def test_comparison_of_related_papers(page_papers: list[Paper], engine: OfflineEngine) -> None:
    a = by_title(page_papers, "ThreadWeaver")
    b = by_title(page_papers, "Learning Adaptive Parallel Reasoning")
    c = engine.compare(a, b).value
    assert "parallel" in c.shared_ground and "reasoning" in c.shared_ground
    assert "ThreadWeaver" in c.prefer_a_when
    assert engine.compare(a, b).value == c


def test_comparison_never_quotes_ungrounded_title_numbers(engine: OfflineEngine) -> None:
    a = Paper(id="a", title="Qwen 2.5: tuned", abstract="We tune a model for math.", source="t")
    b = Paper(id="b", title="Other 7 Things", abstract="We build a system for math.", source="t")
    c = engine.compare(a, b).value
    texts = [c.summary, c.shared_ground, c.prefer_a_when, c.prefer_b_when]
    texts += [f"{d.a} {d.b}" for d in c.differences]
    joined = " ".join(texts)
    assert "Qwen" not in joined and "Other 7" not in joined
    assert ungrounded(joined, a.abstract + b.abstract) == []


def test_versions_are_stable_and_track_the_source() -> None:
    first, second = OfflineEngine(), OfflineEngine()
    assert first.takeaway_version == second.takeaway_version
    assert first.comparison_version == second.comparison_version
    assert len(first.takeaway_version) == len("offline-") + 10
