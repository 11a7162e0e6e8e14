"""Issue #10's target: a 1,000-paper week of real Daily Papers with an interests profile and
`--top 25` is a digest of at most 1,200 lines that still shows every paper (the rest one line
each), every For-you entry in full and a head-to-head table for each of their comparisons.

The digest is built once (offline engine, real store) from the first 1,000 papers of the real
2024 Daily Papers fixture and parsed as Markdown (CommonMark with GFM tables, markdown-it-py).
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from markdown_it import MarkdownIt

from paperbrief import cli
from paperbrief import render as render_module
from paperbrief.layout import LINE_BUDGET, comparison_anchor
from paperbrief.models import Digest
from paperbrief.number_lines import number_lines
from paperbrief.render import key_number_line, md, render_digest
from paperbrief.sources import read_file
from tests.conftest import FIXTURES

# The README's example profile, without the liked papers that would be fetched from arXiv.
PROFILE = (
    'description = "Making large language models cheaper to serve: inference, quantization, '
    'distillation."\n'
    'keywords = ["speculative decoding", "KV cache", "quantization"]\n'
    'authors = ["Tri Dao", "Dettmers, Tim"]\n'
    'exclude = ["medical imaging"]\n'
)
WEEK = 1000
ONE_LINE = r"(\[.+?\]\(https://arxiv\.org/abs/[^)]+\)): (.+)"  # linked title: takeaway
TOP = 25


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Digest]:
    """(the Markdown digest, the same digest as JSON) for 1,000 real papers and a profile."""
    tmp = tmp_path_factory.mktemp("week")
    lines = (FIXTURES / "hf-2024-papers-2000.jsonl").read_text("utf-8").splitlines()[:WEEK]
    listing = tmp / "week.jsonl"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    profile = tmp / "interests.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    base = ["digest", str(listing), "--offline", "--interests", str(profile), "--top", str(TOP),
            "--db", str(tmp / "pb.db")]
    assert cli.main([*base, "--out", str(tmp / "digest.md")]) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # the rerun is served from the store
        assert cli.main([*base, "--json"]) == 0
    return (tmp / "digest.md").read_text("utf-8"), Digest.model_validate_json(out.getvalue())


def _link(paper) -> str:
    return f"[{md(paper.display_title)}](https://arxiv.org/abs/{paper.arxiv_id or paper.id})"


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_a_1000_paper_week_fits_in_1200_lines_and_shows_every_paper(week):
    text, digest = week
    papers = read_file(FIXTURES / "hf-2024-papers-2000.jsonl").papers[:WEEK]
    assert len(digest.papers) == WEEK and len(digest.detailed) == TOP
    assert len(text.splitlines()) <= LINE_BUDGET == 1200
    for p in papers:  # every paper, by its linked title (its arXiv id is in the link)
        assert _link(p) in text, p.id
    rest = _section(text, "## Also this week\n", "## Head to head")
    one_liners = re.findall(r"^- (.+)$", rest, re.M)
    assert len(one_liners) == WEEK - TOP == len(set(one_liners))
    detailed = set(digest.detailed)
    by_link = {_link(p): p for p in digest.papers}
    for line in one_liners:  # the rest: one line each, linked title and its takeaway
        link, takeaway = re.fullmatch(ONE_LINE, line).groups()
        paper = by_link[link]
        assert paper.id not in detailed
        assert takeaway == md(digest.takeaways[paper.id].takeaway)
    headings = re.findall(r"^### (.+) \((\d+)\)$", rest, re.M)
    assert len(headings) == len({name for name, _ in headings}) >= 10  # grouped, never repeated
    assert sum(int(n) for _, n in headings) == WEEK - TOP


def test_for_you_entries_keep_takeaway_numbers_reason_and_comparison(week):
    text, digest = week
    for_you = _section(text, "## For you\n", "## Also this week")
    entries = re.split(r"^(?=\d+\. )", for_you.strip(), flags=re.M)[1:]
    assert len(entries) == TOP
    ranks = {r.paper_id: r for r in digest.ranking}
    papers = {p.id: p for p in digest.papers}
    anchors = set(re.findall(r'<a id="(vs-[0-9a-f]{8})"></a>', text))
    with_numbers = 0
    for n, (entry, pid) in enumerate(zip(entries, digest.detailed, strict=True), 1):
        paper, takeaway = papers[pid], digest.takeaways[pid]
        assert entry.startswith(f"{n}. **{_link(paper)}**")
        assert f"score {ranks[pid].score:.2f}: _{md('; '.join(ranks[pid].reasons))}_" in entry
        assert md(takeaway.takeaway) in entry
        if takeaway.key_numbers:
            with_numbers += 1
            lines = number_lines(takeaway.key_numbers)
            numbers = "; ".join(key_number_line(line) for line in lines)
            assert f"Key numbers: {numbers}" in entry and "**" in numbers
        other = digest.compared_with.get(pid)
        if other is None:  # issue 22: no nearest paper sharing a subject, and it says so
            assert pid in digest.unrelated and "_No closely related paper this week._" in entry
            continue
        compared = re.search(r"Compared with (.+?): .+ \(\[head to head\]\(#(vs-[0-9a-f]{8})\)\)$",
                             entry, re.M)
        assert compared, entry
        assert papers[other].display_title.startswith(compared[1].rstrip("…").replace("\\", ""))
        assert compared[2] in anchors
    assert with_numbers >= 5


def test_head_to_head_tables_only_for_for_you_comparisons(week):
    text, digest = week
    detailed = set(digest.detailed)
    shown = [c for c in digest.comparisons if {c.paper_a, c.paper_b} & detailed]
    assert shown and len(shown) == len(digest.comparisons)  # nothing paid for the rest
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    assert len(tables) == len(shown)
    assert f"{len(shown)} head-to-head comparisons" in text
    head = text.split("## Head to head\n", 1)[1]
    papers = {p.id: p for p in digest.papers}
    for c in shown:
        a, b = papers[c.paper_a], papers[c.paper_b]
        block = head.split(f'<a id="{comparison_anchor(c)}"></a>', 1)[1].split("\n\n", 1)[0]
        header, delimiter, row_a, row_b = block.splitlines()[-4:]
        aspects = [d.aspect for d in c.differences]
        assert header.endswith(" | ".join(md(x) for x in aspects) + " | When to prefer |")
        assert delimiter.count("---") == len(aspects) + 2
        assert row_a.startswith(f"| [{md(render_module.short(a))}](")
        assert row_b.startswith(f"| [{md(render_module.short(b))}](")
        # a prefer line no fact supports is left empty (issue 22)
        assert row_a.endswith(f" | {md(c.prefer_a)} |")
        assert row_b.endswith(f" | {md(c.prefer_b)} |")
        for d in c.differences:
            assert f" {md(d.a)} |" in row_a and f" {md(d.b)} |" in row_b
        assert f"Shared ground: {md(c.shared_ground)}" in header


def test_valid_markdown_every_paper_a_list_item(week):
    text, _ = week
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == WEEK  # 25 numbered For-you entries, 975 one-liners
    ordered = [t for t in tokens if t.type == "ordered_list_open"]
    assert len(ordered) == 1
    rows = [t for t in tokens if t.type == "tr_open"]
    tables = [t for t in tokens if t.type == "table_open"]
    assert len(rows) == 3 * len(tables)  # header and one row per paper
    texts = [t.content for t in tokens if t.type == "inline"]
    assert not [t for t in texts if t.startswith("| ")]  # no table left as text


def test_still_too_long_puts_each_comparison_on_its_takeaway_line(week, monkeypatch):
    """The second compaction step, forced by a smaller budget: every entry keeps everything."""
    text, digest = week
    monkeypatch.setattr(render_module, "LINE_BUDGET", len(text.splitlines()) - 1)
    tighter = render_digest(digest, top=TOP)
    compared = [pid for pid in digest.detailed if pid in digest.compared_with]
    assert len(compared) >= 10
    assert len(tighter.splitlines()) <= len(text.splitlines()) - len(compared) + 1
    for_you = _section(tighter, "## For you\n", "## Also this week")
    entries = re.split(r"^(?=\d+\. )", for_you.strip(), flags=re.M)[1:]
    assert len(entries) == TOP
    for entry, pid in zip(entries, digest.detailed, strict=True):
        if pid not in digest.compared_with:  # the takeaway, then 'no closely related paper'
            assert entry.strip().endswith("_No closely related paper this week._")
            continue
        title, body = entry.strip().split("\n")  # two lines: title, then everything else
        assert md(digest.takeaways[pid].takeaway) in body
        assert re.search(r"\. Compared with .+ \(\[head to head\]\(#vs-[0-9a-f]{8}\)\)$", body)
    assert tighter.split("## Also this week", 1)[1] == text.split("## Also this week", 1)[1]


def test_a_small_digest_keeps_side_by_side_tables(capsys):
    """The seed page (54 papers, no profile): one row per aspect, each table under its heading."""
    assert cli.main(["digest", str(FIXTURES / "hf-daily-papers-page.txt"), "--offline"]) == 0
    text = capsys.readouterr().out
    assert len(text.splitlines()) < LINE_BUDGET
    head = text.split("## Head to head\n", 1)[1]
    headings = re.findall(r'^### <a id="vs-[0-9a-f]{8}"></a>.+ vs .+$', head, re.M)
    sides = re.findall(r"^\| Aspect \| .+ \| .+ \|$", head, re.M)
    # a 'When to prefer' row only where a fact supports a preference (issue 22)
    prefer = re.findall(r"^\| When to prefer \| .* \| .* \|$", head, re.M)
    assert len(headings) == len(sides) >= 10 and 1 <= len(prefer) <= len(headings)
    assert "Shared ground: " in head and "| <a id=" not in head
