"""Plain text where plain text is read (issue 23): the digest as the mail's text/plain part, and
`takeaway` / `compare` on a terminal or with `--format text`: wrapped at 78 columns, no
Markdown (no escapes, no bold numbers, no anchors), links as numbered footnotes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from paperbrief.cli import main
from paperbrief.digest.render_text import WIDTH, render_text_digest
from paperbrief.models import Digest
from tests.conftest import FIXTURES
from tests.pty_run import on_a_terminal

SEED = FIXTURES / "hf-daily-papers-page.txt"
HF_DAY = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
MARKUP = re.compile(r"\*\*|\\[^\w\s]|<a id=|\]\(|^#{1,3} |^\|", re.M)


def _digest(capsys, *argv: str) -> Digest:
    assert main(["digest", *argv, "--offline", "--json"]) == 0
    return Digest.model_validate_json(capsys.readouterr().out)


def _check_plain(text: str, given: Digest | None = None) -> list[str]:
    """The lines of `text`, checked: none over 78 columns, no Markdown but in the words the
    input itself has (real abstracts say "object\\'s" and "**LongRecipe**")."""
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= WIDTH == 78
    if given is not None:
        words = {w for p in given.papers for w in f"{p.title} {p.abstract}".split()
                 if MARKUP.search(w)}
        text = "\n".join(" ".join(w for w in line.split(" ") if w not in words)
                         for line in text.splitlines())
    assert not MARKUP.search(text), MARKUP.search(text)
    return lines


def test_the_seed_digest_as_plain_text(capsys):
    digest = _digest(capsys, str(SEED))
    text = render_text_digest(digest, 25)
    lines = _check_plain(text)
    assert lines[:2] == ["Paper digest: Mar 5, 2026", "=" * len("Paper digest: Mar 5, 2026")]
    assert "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention" in text
    assert "\\" not in text
    # numbers unbolded, every section of the Markdown digest, each head-to-head stacked
    assert "(71.9% on average and 79.9% on AIME24)" in " ".join(text.split())
    for heading in ("Top 16 by upvotes", "More from the page", "Also today", "Head to head"):
        assert f"\n{heading}\n{'-' * len(heading)}\n" in text
    joined = " ".join(text.split())
    for c in digest.comparisons:
        for d in c.differences:
            assert " ".join(d.a.split()) in joined and " ".join(d.b.split()) in joined
    for p in digest.papers:
        assert " ".join(p.display_title.split()) in joined


def test_links_become_numbered_footnotes(capsys):
    digest = _digest(capsys, str(HF_DAY))
    text = render_text_digest(digest, 25)
    _check_plain(text)
    notes = dict(re.findall(r"^\[(\d+)\] +(https://\S+)$", text.split("\nLinks\n-----\n")[1], re.M))
    assert len(notes) == len(digest.papers) == 20
    body = " ".join(text.split("\nLinks\n-----\n")[0].split())
    cited = {n for n in re.findall(r"\[(\d+)\]", body)}
    assert cited == set(notes)
    for p in digest.papers:  # each title carries its own link's number
        number = next(n for n, url in notes.items() if url.endswith(p.arxiv_id or p.id))
        assert re.search(rf"{re.escape(p.display_title.split()[-1])} \[{number}\]", body), p.id


def test_a_1000_paper_digest_stays_within_78_columns(tmp_path):
    lines = (FIXTURES / "hf-2024-papers-2000.jsonl").read_text("utf-8").splitlines()[:1000]
    listing = tmp_path / "week.jsonl"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "d.json"
    assert main(["digest", str(listing), "--offline", "--db", str(tmp_path / "p.db"),
                 "--json", "--out", str(out)]) == 0
    digest = Digest.model_validate_json(out.read_text("utf-8"))
    _check_plain(render_text_digest(digest, 25), digest)


@pytest.mark.parametrize("command", [
    ["takeaway", "--input", str(HF_DAY)],
    ["compare", "Visual-ERM", "2603.12572", "--input", str(HF_DAY)],
])
def test_takeaway_and_compare_print_plain_text_with_format_text(capsys, command):
    assert main([*command, "--offline", "--format", "text"]) == 0
    text = capsys.readouterr().out
    _check_plain(text)
    assert main([*command, "--offline", "--format", "markdown"]) == 0
    assert MARKUP.search(capsys.readouterr().out)  # Markdown when asked (and into a pipe)


def test_a_terminal_gets_plain_text_a_pipe_markdown(tmp_path):
    """Run in a pseudo-terminal: stdout is a tty, so the output is plain text."""
    argv = [sys.executable, "-m", "paperbrief.cli", "compare", "Visual-ERM", "2603.12572",
            "--input", str(HF_DAY), "--offline", "--db", str(tmp_path / "p.db")]
    env = {**os.environ, "COLUMNS": "200"}
    piped = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    assert piped.returncode == 0 and "| Aspect |" in piped.stdout
    code, shown = on_a_terminal(argv, env)
    assert code == 0
    _check_plain(shown)
    # round 4: Visual-ERM's opening names no gap, so no problem row; the approach row stands
    assert "\nApproach\n  " in shown or "\nApproach\n" in shown
