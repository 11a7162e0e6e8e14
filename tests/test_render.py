"""Markdown rendering: escaping of everything that comes from input, structure of the digest."""

from __future__ import annotations

from datetime import date

from markdown_it import MarkdownIt

from paperbrief.digest.render import (
    key_number,
    md,
    paper_link,
    render_comparison,
    render_digest,
    render_takeaway,
)
from paperbrief.models import (
    Comparison,
    Difference,
    Digest,
    DigestStats,
    KeyNumber,
    Paper,
    Period,
    RankedPaper,
    Takeaway,
    Topic,
    Usage,
)


def _html(text: str) -> str:
    """The Markdown as CommonMark + GFM tables render it (markdown-it-py)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


NASTY = "Attack [click](http://evil.example) *bold* _it_ <script>x</script> | pipe # head"


def _takeaway(pid: str, text: str = "Adds a thing that is 2x faster.") -> Takeaway:
    return Takeaway(
        paper_id=pid, takeaway=text, problem="p", method="m", result="r",
        key_numbers=[KeyNumber(value="2x", context="faster [than] *baseline*")],
        contribution_type="method", tags=["x"], engine="offline", prompt_version="v1",
    )


def _digest(papers, comparisons=(), problems=()) -> Digest:
    return Digest(
        period=Period(start=date(2026, 11, 16), end=date(2026, 11, 22), label="2026-W47"),
        papers=list(papers),
        takeaways={p.id: _takeaway(p.id) for p in papers},
        comparisons=list(comparisons),
        topics=[Topic(name="Topic [A]", paper_ids=[p.id for p in papers])] if papers else [],
        stats=DigestStats(papers=len(papers), takeaways=len(papers), engine="offline",
                          comparisons=len(comparisons),
                          usage=Usage(), problems=list(problems)),
    )


def test_md_escapes_markup_and_flattens_lines():
    out = md("a [b](c) *d* _e_ <f> | g\nnext line")
    assert "\n" not in out
    # only what would start markup there: the link's bracket, emphasis, the tag
    assert out == "a \\[b](c) \\*d\\* \\_e\\_ \\<f> | g next line"
    assert md("# not a heading").startswith("\\#")
    assert md("- not a bullet").startswith("\\-")
    assert md("1. not a list").startswith("1\\.")


def test_titles_and_takeaways_from_input_are_escaped_in_the_digest():
    paper = Paper(id="2401.00001", title=NASTY, abstract=NASTY, source="t", upvotes=3,
                  published=date(2026, 11, 17), authors=["A", "B"])
    digest = _digest([paper])
    digest.takeaways[paper.id] = _takeaway(paper.id, NASTY)
    text = render_digest(digest)
    html = _html(text)
    assert "evil.example\"" not in html and "<script>" not in html  # no link, no tag
    assert "<em>" not in html and "<strong>bold" not in html
    assert "Attack [click](http://evil.example) *bold* _it_ &lt;script&gt;x&lt;/script&gt;" in html
    assert "(https://arxiv.org/abs/2401.00001)" in text  # our own link survives
    assert "# Paper digest: 2026-W47" in text
    assert "▲ 3" in text and "2 authors" in text and "2026-11-17" in text
    assert "faster [than] *baseline*" in html


def test_digest_sections_footer_and_comparisons():
    a = Paper(id="a", title="Alpha: first", abstract="x", source="t", upvotes=9)
    b = Paper(id="b", title="Beta | second", abstract="y", source="t", upvotes=1)
    comp = Comparison(
        paper_a="a", paper_b="b", summary="Alpha vs Beta", shared_ground="both",
        differences=[Difference(aspect="method", a="one | two", b="three")],
        prefer_a_when="speed", prefer_b_when="quality", engine="offline", prompt_version="v1",
    )
    text = render_digest(_digest([a, b], [comp], problems=["feed.xml: entry 3 skipped"]))
    order = [text.index(h) for h in ("## Topic \\[A]", "## Head to head")]
    assert order == sorted(order)
    topic = text.split("## Topic \\[A]")[1].split("##")[0]
    assert topic.index("Alpha") < topic.index("Beta")
    assert ("Compared with [Beta | second](#paper-b): Alpha vs Beta ([head to head](#vs-a--b))"
            in topic)
    assert "| method | one \\| two | three |" in text  # a pipe is escaped in a table cell only
    assert "2 papers, 2 takeaways, 1 comparisons" in text
    assert "feed.xml: entry 3 skipped" in text


def test_key_number_is_bolded_where_its_context_mentions_it():
    quoted = KeyNumber(value="31.3 percent", context="31.3 percent re-tuned per depth")
    assert key_number(quoted) == "**31.3 percent** re-tuned per depth"  # not said twice
    inside = KeyNumber(value="2x", context="a [2x] speed-up over *baseline*")
    assert key_number(inside) == "a \\[**2x**\\] speed-up over \\*baseline\\*"  # never a link
    apart = KeyNumber(value="12.5", context="BLEU on WMT")
    assert key_number(apart) == "**12.5** BLEU on WMT"
    takeaway = _takeaway("a").model_copy(update={"key_numbers": [quoted, apart]})
    digest = _digest([Paper(id="a", title="A", abstract="x", source="t")])
    digest.takeaways["a"] = takeaway
    line = "Key numbers: **31.3 percent** re-tuned per depth; **12.5** BLEU on WMT"
    assert line in render_digest(digest)
    assert line in render_takeaway(takeaway, digest.papers[0])


def test_empty_digest_says_so():
    text = render_digest(_digest([]))
    assert "No papers in this period" in text
    assert "0 papers" in text


def test_custom_template(tmp_path):
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text(
        "{{ digest.period.label }}: {% for p in digest.papers %}{{ p.title | md }};{% endfor %}"
    )
    paper = Paper(id="a", title="T_1", abstract="x", source="t")
    assert render_digest(_digest([paper]), tpl).strip() == "2026-W47: T_1;"  # '_' inside a word


def test_link_without_url_is_plain_text_and_comparison_renders():
    p = Paper(id="slug-only", title="No link here", abstract="x", source="t")
    assert paper_link(p) == "No link here"
    q = Paper(id="other", title="Other", abstract="y", source="t")
    comp = Comparison(
        paper_a="slug-only", paper_b="other", summary="s", shared_ground="g",
        differences=[Difference(aspect="data", a="1", b="2")],
        prefer_a_when="x", prefer_b_when="y", engine="offline", prompt_version="v",
    )
    out = render_comparison(comp, p, q)
    assert out.startswith("# No link here vs Other")
    assert "| data | 1 | 2 |" in out


def test_ranked_layout_details_the_top_and_lists_the_rest_in_one_line():
    a = Paper(id="a", title="Alpha", abstract="x", source="t", upvotes=9)
    b = Paper(id="b", title="Beta", abstract="y", source="t", upvotes=1)
    digest = _digest([a, b]).model_copy(update={
        "ranked_by": "interests",
        "ranking": [RankedPaper(paper_id="b", score=0.71, reasons=["matches: beta [x]"]),
                    RankedPaper(paper_id="a", score=0.1, reasons=["no match"])],
        "detailed": ["b"],
    })
    text = render_digest(digest)
    for_you = text.split("## For you")[1].split("## Also this week")[0]
    assert "1 of 2 papers matches your interests." in for_you
    assert ('1. <a id="paper-b"></a>**Beta** · ▲ 1\n   - Why: matches: beta \\[x] (score 0.71)\n'
            "   - Adds a thing that is 2x faster.\n") in for_you
    assert "Alpha" not in for_you
    rest = text.split("## Also this week")[1]
    assert ('### Topic \\[A] (1)\n- <a id="paper-a"></a>Alpha: Adds a thing that is 2x faster.'
            in rest)
    assert render_digest(digest, rest="titles").count('- <a id="paper-a"></a>Alpha\n') == 1


def test_the_example_digest_renders_field_by_field(tmp_path):
    """The bundled example's digest.md through markdown-it-py: each detailed entry a list item
    whose takeaway is an item of its own, "Hogwild! Inference" intact, no backslash shown."""
    import json
    import re
    from html import unescape
    from pathlib import Path

    from paperbrief.cli import main

    example = Path(__file__).resolve().parent.parent / "examples" / "daily-papers-2026-03-05.txt"
    out, data = tmp_path / "digest.md", tmp_path / "digest.json"
    assert main(["digest", str(example), "--offline", "--out", str(out)]) == 0
    assert main(["digest", str(example), "--offline", "--json", "--out", str(data)]) == 0
    digest = json.loads(data.read_text("utf-8"))
    html = _html(out.read_text("utf-8"))
    entries = re.findall(r'<li><a id="(paper-[^"]+)"></a><strong>(.+?)</strong>.*?\n<ul>\n(.+?)'
                         r"</ul>", html, re.S)
    assert len(entries) == len(digest["detailed"]) == 25
    takeaways = {t["paper_id"]: t["takeaway"] for t in digest["takeaways"].values()}
    for anchor, _title, fields in entries:
        pid = anchor.removeprefix("paper-")
        items = [unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>",
                                                                           fields)]
        assert items[0] == " ".join(takeaways[pid].split())  # the takeaway, alone on its line
        # its comparison, or that it has no related paper, or neither: a related paper whose
        # offline comparison would not compare is left out (compare_shown), and never called
        # unrelated
        compared = pid in {c[k] for c in digest["comparisons"] for k in ("paper_a", "paper_b")}
        unrelated = pid in digest["unrelated"]
        assert items[-1].startswith("Compared with ") == compared
        assert items[-1].startswith("No closely related paper") == unrelated
    titles = [unescape(re.sub(r"<[^>]+>", "", t)) for _, t, _ in entries]
    assert "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention" in titles
    assert "\\" not in unescape(re.sub(r"<[^>]+>", "", html))
