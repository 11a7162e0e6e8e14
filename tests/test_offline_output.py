"""The offline engine's output as a reader meets it: no section labels, tags that are words from
the paper, and byte-identical output under any PYTHONHASHSEED (real fixtures throughout)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.tags import tags
from paperbrief.models import Paper, Takeaway
from paperbrief.sources import read_file
from paperbrief.text import stem

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "hf-daily-papers-page.txt"
SOURCES = [PAGE, *sorted((FIXTURES / "hf-api").glob("*.json"))]
LABEL = re.compile(
    r"^\W*(?:Importance|Background|Context|Inquiry|Approach|Knowledge|Grounding|Objectives?"
    r"|Methods?|Results?|Conclusions?|Purpose|Aims?|Findings|Design|Significance|Summary)\s*:",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    out = [p for source in SOURCES for p in read_file(source).papers]
    assert len(out) == 54 + 25 + 20
    return out


@pytest.fixture(scope="module")
def takeaways(papers: list[Paper]) -> list[Takeaway]:
    engine = OfflineEngine()
    return [engine.takeaway(p).value for p in papers]


def test_no_takeaway_field_starts_with_a_section_label(takeaways: list[Takeaway]) -> None:
    for t in takeaways:
        for text in (t.takeaway, t.problem, t.method, t.result):
            assert not LABEL.match(text), text


def test_structured_abstract_loses_its_labels_and_keeps_the_sentences(
    papers: list[Paper],
) -> None:
    jit = next(p for p in papers if p.title.startswith("An Attempt to Catch Up"))
    assert "Importance: The (negative) result" in jit.abstract  # the seed page's own labels
    t = OfflineEngine().takeaway(jit).value
    fields = " ".join((t.takeaway, t.problem, t.method, t.result))
    assert not re.search(r"\b(?:Context|Inquiry|Approach|Knowledge|Grounding|Importance):", fields)
    labelled = Paper(
        id="labelled",
        source="test",
        title="Sparse adapters for protein folding",
        abstract="Background: Protein folding models are expensive to adapt. "
        "Methods: We propose sparse adapters that update 2% of the weights of a folding model. "
        "Results: Sparse adapters match full fine-tuning on 12 of 14 benchmarks. "
        "Conclusions: Sparse adapters make folding models cheap to adapt.",
    )
    t = OfflineEngine().takeaway(labelled).value
    for text in (t.takeaway, t.problem, t.method, t.result):
        assert not LABEL.match(text), text
    assert "sparse adapters" in t.takeaway.lower()
    assert t.method.startswith("We propose sparse adapters"), t.method


def test_tags_are_lower_case_words_of_the_paper_without_twins(
    papers: list[Paper], takeaways: list[Takeaway]
) -> None:
    tagged = 0
    for paper, t in zip(papers, takeaways, strict=True):
        text = f"{paper.title} {paper.abstract}".lower()
        text = re.sub(r"large language model(s?)\b", r"llm\1", text)
        words = set(re.findall(r"[a-z0-9][a-z0-9'.-]*[a-z0-9]|[a-z]", text))
        stems: list[str] = []
        for tag in t.tags:
            assert tag == tag.lower() and tag.strip() == tag and tag, tag
            for word in tag.split():
                assert word in words, (tag, paper.title)  # a word as written: no 'patche'
                stems.append(stem(word))
        assert len(stems) == len(set(stems)), (t.tags, paper.title)  # no 'llm' beside 'llms'
        tagged += bool(t.tags)
    assert tagged >= len(papers) - 2
    copilots = next(t for p, t in zip(papers, takeaways, strict=True) if "Copilots" in p.title)
    assert "patches" in copilots.tags or not any(tag.startswith("patch") for tag in copilots.tags)
    assert any(" " in tag for t in takeaways for tag in t.tags)  # keyphrases, not only words


def test_tags_merge_singular_and_plural_and_acronym_twins() -> None:
    abstract = (
        "Large language models (LLMs) write patches. An LLM reviews each patch, and the LLMs "
        "vote on patches. Patch review by LLMs cuts review time for patches."
    )
    found = tags("Patch review with LLMs", abstract)
    assert found, found
    keys = [tuple(stem(w) for w in tag.split()) for tag in found]
    assert len({w for key in keys for w in key}) == sum(len(k) for k in keys), found
    assert "patche" not in " ".join(found)
    assert not ({"llm", "llms"} <= set(found))


def _cli(args: list[str], seed: str, home: Path) -> str:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "PYTHONHASHSEED": seed,
        "PAPERBRIEF_DB": str(home / "paperbrief.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", *args],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_output_is_byte_identical_under_two_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        home = tmp_path / f"seed{seed}"
        home.mkdir()
        digest = home / "digest.md"
        _cli(["digest", str(PAGE), "--offline", "--out", str(digest)], seed, home)
        listed = _cli(["takeaway", "--input", str(PAGE), "--offline", "--json"], seed, home)
        outputs.append((digest.read_bytes(), listed))
    (digest1, listed1), (digest2, listed2) = outputs
    assert digest1.count(b"Key numbers:") >= 10 and b"## " in digest1  # a whole digest
    assert '"tags"' in listed1
    assert digest1 == digest2
    assert listed1 == listed2


def test_a_clipped_line_leaves_nothing_open() -> None:
    """A line cut at its word limit never ends on a word that needs the next one ('with
    respect', 'according') nor on half a pair ('for both navigation' of 'for both navigation and
    language generation'): sentences of real abstracts (tests/fixtures/hf-2024-papers-2000.jsonl)
    cut as the engine cuts a candidate line, whichever line its selector then picks."""
    from paperbrief.engines.offline.candidates import MAX_WORDS
    from paperbrief.engines.offline.extract import as_line, split_sentences

    feed = read_file(FIXTURES / "hf-2024-papers-2000.jsonl").papers
    endings = {
        "KV-Cache in linear time and space with respect to": "in linear time and space.",
        "in a smooth manner according": "in a smooth manner.",
        "for both navigation and language generation": "hierarchical knowledge for navigation.",
    }
    for phrase, ending in endings.items():
        (paper,) = [p for p in feed if phrase in " ".join(p.abstract.split())]
        (sentence,) = [s for s in split_sentences(paper.abstract) if phrase in s.text]
        assert as_line(sentence.text, MAX_WORDS).endswith(ending), phrase


def test_a_pair_is_closed_only_when_the_cut_left_its_second_half_out() -> None:
    from paperbrief.engines.offline.extract import clip

    words = "a uni-directional joint-task feedback mechanism enhancing both tasks"
    assert clip(f"{words} at every step of training the model", 8) == words  # 'both' as 'all'
    assert clip(f"{words} and the retrieval of clips", 8) == words.replace("both ", "")
    between = "the ability of existing methods to interpolate between a reference model"
    assert clip(f"{between} and a policy", 11) == "the ability of existing methods to interpolate"
