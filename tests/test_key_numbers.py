"""Key numbers on real pages: each clause shown once with every number in it bold, the unit or
object kept, brackets balanced, no LaTeX residue (seed page and two HF API days)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperbrief.digest.number_lines import number_lines
from paperbrief.digest.render import key_number_line
from paperbrief.engines.offline.facts import key_numbers
from paperbrief.latex import plain_text
from paperbrief.models import KeyNumber, Paper
from paperbrief.numbers import mentions
from paperbrief.sources import read_file

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = [FIXTURES / "hf-daily-papers-page.txt", *sorted((FIXTURES / "hf-api").glob("*.json"))]


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return [p for source in SOURCES for p in read_file(source).papers]


@pytest.fixture(scope="module")
def lines(papers: list[Paper]) -> dict[str, list[str]]:
    """Each paper's key-number lines as the Markdown digest prints them (all, not only 3)."""
    out = {}
    for p in papers:
        found = number_lines(key_numbers(p.abstract), limit=10)
        out[p.title] = [key_number_line(line) for line in found]
    return out


def plain(line: str) -> str:
    return line.replace("**", "").replace("\\", "")


def test_no_clause_is_shown_twice_or_inside_another(lines: dict[str, list[str]]) -> None:
    repeated = [
        title
        for title, shown in lines.items()
        for i, a in enumerate(shown)
        for j, b in enumerate(shown)
        if i != j and plain(a) in plain(b)
    ]
    assert repeated == []
    assert sum(len(shown) for shown in lines.values()) >= 100


def test_numbers_sharing_a_clause_are_bold_in_one_line(lines: dict[str, list[str]]) -> None:
    def line_of(prefix: str, number: str) -> str:
        title = next(t for t in lines if t.startswith(prefix))
        return next(line for line in lines[title] if f"**{number}**" in line)

    assert line_of("CodeScope", "43").startswith(
        "CodeScope covers **43** programming languages and **8** coding tasks"
    )
    assert line_of("Mutual-Supervised", "6.92").endswith(
        "CodeRosetta by **1.56** and **6.92** in BLEU"
    )
    assert "**83.4%** vs. **60.0%** at 4k context" in line_of("Learning Adaptive", "83.4%")
    assert "**30%** geomean (max **47%**)" in line_of("T3", "30%")  # no needless escapes
    assert "**75.2%** vs. **57.3%** at approximately" in line_of("Learning Adaptive", "75.2%")


def test_every_measurement_in_a_shown_clause_is_bold(papers: list[Paper]) -> None:
    """A percentage, factor or decimal in a shown clause is bold even when it is not one of the
    paper's key numbers itself."""
    bold_only = 0
    for p in papers:
        kept = {k.value for k in key_numbers(p.abstract)}
        for segments in number_lines(key_numbers(p.abstract), limit=10):
            text = "".join(part for part, _ in segments)
            bold, at = [], 0
            for part, is_bold in segments:
                if is_bold:
                    bold.append((at, at + len(part)))
                at += len(part)
            for start, end, n in mentions(text):
                if n.unit or "." in n.text:
                    assert (start, end) in bold, (p.title, text, n.text)
                    bold_only += text[start:end] not in kept
    assert bold_only >= 1  # the seed page's "75.2% vs. 57.3%" at least


def test_contexts_keep_brackets_balanced_and_units_plain(papers: list[Paper]) -> None:
    for p in papers:
        for k in key_numbers(p.abstract):
            for opening, closing in ("()", "[]"):
                assert k.context.count(opening) == k.context.count(closing), k.context
            assert k.value in k.context, k
            # LaTeX residue; a dollar sign before a digit is money ("$1.47 million"), not math
            residue = r"\\(?:times|\(|\))|\$(?!\d)|\d+times\b|\bsim\d"
            assert not re.search(residue, k.context + k.value), k
    data = next(p for p in papers if p.title.startswith("DataStates"))
    found = {k.value: k.context for k in key_numbers(data.abstract)}
    assert "48×" in found and "48× faster checkpointing" in found["48×"]
    b_skiplist = next(p for p in papers if p.title.startswith("Bridging Cache"))
    assert any(k.context.endswith("(0.9x-1.7x)") for k in key_numbers(b_skiplist.abstract))


def test_latex_in_numbers_is_made_plain() -> None:
    assert plain_text("up to 48times faster and 2.2times cheaper") == (
        "up to 48× faster and 2.2× cheaper"
    )
    assert plain_text(r"a \(3\times\) speedup, \(\alpha\) tuned") == "a 3× speedup, α tuned"
    assert plain_text(r"2$\times$ fewer") == "2× fewer"
    assert plain_text("three times more, 10 times faster") == "three times more, 10 times faster"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [  # as they occur in ../shared/data/hf-2024-papers.jsonl and on the seed page
        ("streaming generation at sim25 FPS on a single GPU", "at ~25 FPS on"),
        ("using only sim20% of the LLM API calls", "only ~20% of the"),
        ("in the context of large (sim100B) models", "large (~100B) models"),
        ("geomean 29% for sublayers in sim500-billion parameter models", "in ~500-billion"),
        ("sim2real transfer of sim10k scenes", "sim2real transfer of sim10k scenes"),  # words
    ],
)
def test_a_lost_sim_before_a_number_reads_as_a_tilde(raw: str, plain: str) -> None:
    assert plain in plain_text(raw)


def test_a_value_outside_its_context_is_shown_first() -> None:
    shown = number_lines([KeyNumber(value="12", context="datasets in the suite")])
    assert key_number_line(shown[0]) == "**12** datasets in the suite"
    shown = number_lines([KeyNumber(value="5%", context="gains of 5% on X"),
                          KeyNumber(value="5%", context="gains of 5% on X")])  # fmt: skip
    assert len(shown) == 1


def test_a_clause_opens_with_what_it_measures(papers: list[Paper]) -> None:
    """No clause opens with a joining word ("and with more than 0.9 ...", "which covers 220 APIs")
    or a report of the finding ("We show that ..."), and a sentence's capitalised opening word
    reads in lower case after "; " ("we evaluate **10** mainstream LLMs")."""
    joining = re.compile(r"(?:and|or|but|while|whereas|which|e\.g\.,?)\s+(?:\S+\s+){2}")
    report = re.compile(
        r"(?:[\w-]+\s+){0,4}?(?:show|demonstrate|find|observe)s?\s+that\s+(?:\S+\s+){2}"
    )
    contexts = [k.context for p in papers for k in key_numbers(p.abstract)]
    assert [c for c in contexts if joining.match(c) or report.match(c)] == []
    assert [c for c in contexts if re.match(r"(?:We|Our|The|This|These)\b", c)] == []
    by_title = {p.title.split(":")[0]: key_numbers(p.abstract) for p in papers}
    assert by_title["Sharing State Between Prompts and Programs"][0].context.startswith(
        "Nightjar programs achieve comparable or higher task accuracy"
    )
    assert any(k.context.startswith("MPIrigen excels in generating") for k in by_title["MPIrigen"])
    assert any(k.context == "we evaluate 10 mainstream LLMs" for k in by_title["CORE"])
