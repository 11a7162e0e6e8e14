"""HTML digest without a browser: structure, escaping, anchors, self-containment, CLI choices."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.digest.render_html import (
    anchor,
    comparison_anchor,
    paper_anchor,
    render_html_body,
    render_html_digest,
)
from paperbrief.models import (
    Comparison,
    Difference,
    Digest,
    DigestStats,
    KeyNumber,
    Paper,
    Period,
    Takeaway,
    Topic,
    Usage,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "daily-papers-2026-03-05.txt"
NASTY = 'Attack <script>alert(1)</script> <img src=x onerror="alert(2)"> & "quotes"'


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if a.get("id")]


def _paper(pid: str, title: str = "A title", url: str | None = None) -> Paper:
    return Paper(id=pid, title=title, abstract="An abstract.", source="t", url=url,
                 published=date(2026, 11, 17), upvotes=3, authors=["A", "B"])


def _takeaway(pid: str, text: str) -> Takeaway:
    return Takeaway(
        paper_id=pid, takeaway=text, problem="p", method="m", result="r",
        key_numbers=[KeyNumber(value="2x", context=f"{NASTY} is 2x faster")],
        contribution_type="method", tags=["x"], engine="offline", prompt_version="v1",
    )


def _digest(papers: list[Paper], problems: tuple[str, ...] = ()) -> Digest:
    a, b = papers[0].id, papers[1].id
    comparison = Comparison(
        summary=NASTY, shared_ground=NASTY, prefer_a_when=NASTY, prefer_b_when="b",
        differences=[Difference(aspect="method <i>", a=NASTY, b="plain")],
        paper_a=a, paper_b=b, engine="offline", prompt_version="v1",
    )
    return Digest(
        period=Period(start=date(2026, 11, 16), end=date(2026, 11, 22), label="2026-W47"),
        papers=papers,
        takeaways={p.id: _takeaway(p.id, NASTY) for p in papers},
        comparisons=[comparison],
        topics=[Topic(name="Topic <b>A</b>", paper_ids=[p.id for p in papers])],
        stats=DigestStats(papers=len(papers), takeaways=len(papers), comparisons=1,
                          engine="offline", usage=Usage(), problems=list(problems)),
    )


def test_everything_from_input_is_escaped_and_links_are_http_only():
    papers = [
        _paper("2401.00001", NASTY, url="javascript:alert(3)"),
        _paper("2401.00002", "Second", url="https://example.org/p?a=1&b=2"),
    ]
    page = render_html_digest(_digest(papers, problems=(NASTY,)))
    tags = Tags(page)
    names = [t for t, _ in tags.tags]
    assert "script" not in names and "img" not in names and "b" not in names and "i" not in names
    assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)
    hrefs = [a["href"] for t, a in tags.tags if t == "a"]
    assert "https://example.org/p?a=1&b=2" in hrefs  # parsed back from &amp;
    assert all(h.startswith(("#", "https://")) for h in hrefs), hrefs
    text = "".join(tags.text)
    assert text.count(NASTY) >= 8  # title, takeaway, key number, summary, cells, footer...
    assert "Topic <b>A</b>" in text and "method <i>" in text


def test_page_is_self_contained():
    page = render_html_digest(_digest([_paper("2401.00001"), _paper("2401.00002", "B")]))
    tags = Tags(page)
    assert page.startswith("<!DOCTYPE html>")
    assert not [a for _, a in tags.tags if "src" in a]
    assert [t for t, _ in tags.tags if t in ("link", "script", "iframe", "object", "embed")] == []
    csp = [a["content"] for t, a in tags.tags
           if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]
    assert "prefers-color-scheme: dark" in page and 'name="viewport"' in page
    assert "@import" not in page and "url(" not in page


def test_anchors_come_from_ids_and_never_collide():
    assert paper_anchor("2401.00001") == "paper-2401.00001"
    odd = ["cs/0701001", "cs-0701001", "a b", "a-b", "ünï", ""]
    anchors = [paper_anchor(i) for i in odd]
    assert len(set(anchors)) == len(odd)
    assert all(a.replace("-", "").replace(".", "").isalnum() for a in anchors)
    assert anchor("x", "cs/0701001") == anchor("x", "cs/0701001")  # stable
    papers = [_paper("2401.00002", "B"), _paper("2401.00001", "A")]
    digest = _digest(papers)
    ids = Tags(render_html_digest(digest)).ids()
    assert len(ids) == len(set(ids))
    expected = {"paper-2401.00001", "paper-2401.00002", comparison_anchor(digest.comparisons[0])}
    assert expected <= set(ids)


def test_the_seed_digest_keeps_its_anchors_on_a_rerun_of_a_reordered_listing(tmp_path):
    """Same papers in another order (as JSONL): every paper and comparison keeps its anchor."""
    first = tmp_path / "first.html"
    assert main(["digest", str(SEED), "--offline", "--out", str(first)]) == 0
    data = tmp_path / "digest.json"
    assert main(["digest", str(SEED), "--offline", "--json", "--out", str(data)]) == 0
    papers = json.loads(data.read_text("utf-8"))["papers"]
    listing = tmp_path / "reordered.jsonl"
    listing.write_text("".join(json.dumps(p) + "\n" for p in reversed(papers)), "utf-8")
    second = tmp_path / "second.html"
    assert main(["digest", str(listing), "--offline", "--out", str(second)]) == 0

    def anchors(path: Path) -> set[str]:
        return {i for i in Tags(path.read_text("utf-8")).ids() if i.startswith(("paper-", "vs-"))}

    assert len([a for a in anchors(first) if a.startswith("paper-")]) == 54
    assert anchors(first) == anchors(second)


def test_format_by_extension_option_and_folder(tmp_path, capsys):
    assert main(["digest", str(SEED), "--offline", "--out", str(tmp_path / "d.HTML")]) == 0
    assert (tmp_path / "d.HTML").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert main(["digest", str(SEED), "--offline", "--format", "html",
                 "--out", f"{tmp_path}/site/"]) == 0
    # named by ISO date whatever the source (the page says 'Mar 5')
    assert (tmp_path / "site" / "2026-03-05.html").read_text("utf-8").startswith("<!DOCTYPE")
    assert main(["digest", str(SEED), "--offline", "--format", "markdown",
                 "--out", str(tmp_path / "x.html")]) == 0
    assert (tmp_path / "x.html").read_text("utf-8").startswith("# Paper digest")
    capsys.readouterr()
    assert main(["digest", str(SEED), "--offline", "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_json_and_format_together_is_a_usage_error(capsys):
    assert main(["digest", str(SEED), "--offline", "--json", "--format", "html"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--json and --format" in err


def test_user_template_is_autoescaped_and_errors_are_one_line(tmp_path, capsys):
    tmpl = tmp_path / "mine.html.j2"
    tmpl.write_text("<h1>{{ digest.papers[0].title }}</h1>{{ digest.papers | length }}", "utf-8")
    listing = tmp_path / "p.jsonl"
    listing.write_text(json.dumps({"id": "2401.00001", "title": NASTY,
                                   "abstract": "We propose a thing."}) + "\n", "utf-8")
    out = tmp_path / "o.html"
    assert main(["digest", str(listing), "--offline", "--template", str(tmpl),
                 "--out", str(out)]) == 0
    assert out.read_text("utf-8").startswith("<h1>Attack &lt;script&gt;alert(1)&lt;/script&gt;")
    bad = tmp_path / "bad.html.j2"
    bad.write_text("{% for %}", "utf-8")
    capsys.readouterr()
    code = main(["digest", str(listing), "--offline", "--template", str(bad),
                 "--out", str(tmp_path / "b.html")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "bad.html.j2:1: template error" in err


def test_body_is_the_page_content_without_head_or_style(tmp_path):
    digest = _digest([_paper("2401.00001"), _paper("2401.00002", "B")])
    body = render_html_body(digest)
    assert "<style" not in body and "<html" not in body and "<head>" not in body
    assert 'id="paper-2401.00001"' in body
    assert '<h1>Paper digest: <span class="nw">2026-W47</span></h1>' in body
    # a user template without a `content` block gets the packaged content
    plain = tmp_path / "plain.html.j2"
    plain.write_text("<p>{{ digest.period.label }}</p>", "utf-8")
    assert render_html_body(digest, plain) == body


def test_empty_digest_says_so():
    digest = Digest(period=Period(label="2026-W01"), papers=[], takeaways={}, comparisons=[],
                    topics=[], stats=DigestStats())
    page = render_html_digest(digest)
    assert "No papers in this period" in page and "<nav" not in page


@pytest.mark.parametrize("scheme", ["data:text/html,x", "vbscript:x", "//evil.example/x", "ftp://x/y"])
def test_only_http_links(scheme):
    digest = _digest([_paper("2401.00001", url=scheme), _paper("2401.00002", "B")])
    hrefs = [a["href"] for t, a in Tags(render_html_digest(digest)).tags if t == "a"]
    # the hostile url is dropped where the paper enters (#12); its arXiv page is linked instead
    arxiv = ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00002")
    assert all(h.startswith("#") or h in arxiv for h in hrefs)
