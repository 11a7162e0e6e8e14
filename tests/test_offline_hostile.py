"""The offline engine never raises: hostile titles and abstracts always get a valid result.

A property-style test (hypothesis) feeds generated LaTeX debris, punctuation, control
characters, huge words and walls of numbers to `takeaway` and `compare`. The examples are
bounded in number and in size (and derandomized, so CI sees the same ones every run); the
engine's own cap on what it reads (ABSTRACT_MAX_CHARS) bounds the work per paper. Nothing here
measures time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paperbrief.cli import main
from paperbrief.engines.offline.engine import OfflineEngine, within_limits
from paperbrief.engines.offline.facts import key_numbers
from paperbrief.models import (
    ABSTRACT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Comparison,
    Paper,
    Takeaway,
)

ENGINE = OfflineEngine()
# The two lines of issue #12 item 3: the second abstract starts with a backslash pair.
ALPHA = Paper(id="2401.00041", title="Alpha method for parallel decoding", source="t",
              abstract="We propose alpha method for parallel decoding with 5% gain.")  # fmt: skip
BETA_ABSTRACT = (
    "\\\\. We propose beta method for parallel decoding with 6% gain. "
    "It works well on 3 benchmarks."
)

_DEBRIS = [
    "\\\\.", "$\\;$.", "\\", "$", "$$", "{", "}", "\\emph{", "\\cite{x}", "\\textbf{}", "\\%",
    "\\;", "\\,", "^{", "_", "~", "&", "\\\\", "--", "---", "...", ".", ",", ";", ":", "!", "?",
    "(", ")", "[", "]", "e.g.", "i.e.", "et al.", "-", "–", "—", "@", "+", "%", "x", "×",
]  # fmt: skip
_WORDS = [
    "We", "propose", "a", "method", "model", "that", "achieves", "accuracy", "on", "benchmark",
    "the", "Our", "results", "show", "outperforms", "LLM", "GPT-4", "ImageNet", "However",
    "dataset", "we", "survey", "per", "cent", "while", "https://x.org/a", "www.example.com",
]  # fmt: skip
_CONTROL = [chr(c) for c in range(32)] + [
    "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u200b", "\ufeff", "\x1b[31m", "\x1b]8;;x\x07",
]  # fmt: skip
_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda f: f"{f:.2f}"),
    st.integers(min_value=0, max_value=999).map(lambda n: f"{n}%"),
    st.integers(min_value=1, max_value=99).map(lambda n: f"{n}.5x"),
    st.integers(min_value=1, max_value=99).map(lambda n: f"{n}-{n + 3}%"),
    st.integers(min_value=1, max_value=999).map(lambda n: f"{n}B"),
)
_PIECE = st.one_of(
    st.sampled_from(_DEBRIS),
    st.sampled_from(_WORDS),
    st.sampled_from(_CONTROL),
    _NUMBERS,
    st.text(max_size=12),  # any unicode, surrogates excluded
)
_SEPARATOR = st.sampled_from([" ", "", ". ", ", ", "\n", "\t", "; "])
HOSTILE = st.lists(st.tuples(_PIECE, _SEPARATOR), max_size=60).map(
    lambda parts: "".join(piece + sep for piece, sep in parts)
)


def _paper(pid: str, title: str, abstract: str) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, source="hostile")


def _check(paper: Paper) -> None:
    """Every call returns a result that passes its own schema again."""
    t = ENGINE.takeaway(paper).value
    assert Takeaway.model_validate(t.model_dump()) == t
    assert t.paper_id == paper.id and t.takeaway.strip()
    for a, b in ((paper, ALPHA), (ALPHA, paper)):
        c = ENGINE.compare(a, b).value
        assert Comparison.model_validate(c.model_dump()) == c
        assert (c.paper_a, c.paper_b) == (a.id, b.id)
        assert all(d.a.strip() and d.b.strip() for d in c.differences)


@settings(
    max_examples=120,
    deadline=None,  # the machine is shared: bound the input, not the clock
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(title=HOSTILE, abstract=HOSTILE)
@example(title="Beta method for parallel decoding", abstract=BETA_ABSTRACT)
@example(title="", abstract="$\\;$. We propose beta with 6% gain. It works on 3 tasks.")
@example(title="\\\\.", abstract="\\\\.")
@example(title="   \n\t ", abstract="   \n\t ")
@example(title=".,;:", abstract=".,;: ... !?")
@example(title="\x1b[31m\x07", abstract="\x00\x01\x1b]8;;x\x07 \u202e abc.")
def test_hostile_title_and_abstract_get_valid_results(title: str, abstract: str) -> None:
    _check(_paper("2401.00042", title, abstract))


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(a=HOSTILE, b=HOSTILE)
def test_two_hostile_papers_compare(a: str, b: str) -> None:
    c = ENGINE.compare(_paper("2401.00043", a[:40], a), _paper("2401.00044", b[:40], b)).value
    assert Comparison.model_validate(c.model_dump()) == c


# Big inputs: one of each, not generated (a hypothesis example of a megabyte is slow to shrink).
BIG = {
    "one 1 MB word": "a" * 1_000_000,
    "20,000 numbers": " ".join(str(i) for i in range(20_000)),
    "20,000 percentages in clauses": ", ".join(f"{i}%" for i in range(20_000)),
    "20,000 one-number sentences": ". ".join(f"{i}x" for i in range(20_000)),
    "5,000 URLs with numbers": " ".join(f"http://x{i}.org {i}%" for i in range(5_000)),
    "a 1 MB title": "We propose " + "very " * 200_000 + "good.",
}


@pytest.mark.parametrize("text", BIG.values(), ids=list(BIG))
def test_huge_abstracts_and_titles(text: str) -> None:
    _check(_paper("2401.00045", text, text))


def test_abstract_and_title_capped_before_the_engine_reads_them() -> None:
    words = "word " * 100_000
    paper = within_limits(_paper("2401.00046", words, words))
    assert len(paper.abstract) <= ABSTRACT_MAX_CHARS and len(paper.title) <= TITLE_MAX_CHARS
    assert paper.abstract.endswith("word") and paper.title.endswith("word")  # cut between words
    short = _paper("2401.00047", "Title", "Short abstract.")
    assert within_limits(short) is short


def test_key_numbers_of_20000_numbers_keep_the_five_best_in_order() -> None:
    """The context search runs for the five kept numbers only (item 8): same choice as before,
    units first, in abstract order."""
    text = " ".join(str(i) for i in range(3, 20_000)) + " and a gain of 7.5% on the task"
    found = key_numbers(text)
    assert [k.value for k in found] == ["1000", "1001", "1002", "1003", "7.5%"]
    assert all(1 <= len(k.context) <= 200 for k in found)


def test_issue_reproduction_writes_a_digest(tmp_path: Path, capsys) -> None:
    source = tmp_path / "two.jsonl"
    lines = [
        {"id": "2401.00041", "title": ALPHA.title, "abstract": ALPHA.abstract},
        {"id": "2401.00042", "title": "Beta method for parallel decoding",
         "abstract": BETA_ABSTRACT},
    ]  # fmt: skip
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    code = main(["digest", str(source), "--offline", "--db", str(tmp_path / "db.sqlite")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Alpha method for parallel decoding" in out and "internal error" not in err
    # the digest leaves a comparison with one row out (compare_shown); `compare` shows it
    code = main(["compare", "2401.00041", "2401.00042", "--input", str(source), "--offline",
                 "--db", str(tmp_path / "db.sqlite")])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0 and "internal error" not in err, err
    # issue 22: a cell is never the title again (this row used to be the two titles)
    assert "| Alpha method for parallel decoding. |" not in out
    # round 4: no row with a '—' cell; with one side's cells only, each paper's takeaway
    assert re.search(r"^\| (?:approach|results|problem|takeaway) \| ", out, re.M), out
    assert "| — |" not in out
