"""The HTML digest in a real browser: headless Chromium over the DevTools Protocol.

The seed page's digest is rendered by the CLI, opened from disk, and checked from the live page:
every paper and comparison, no element wider than a 375 px phone, no request leaving the page,
hostile text shown as text, light and dark schemes. Screenshots of the phone and desktop views
are kept in the artefacts folder printed at the end of the run.

Without Chromium these tests skip with a one-line reason; under CI (CI=true) that is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.digest.render import short
from paperbrief.digest.render_html import comparison_anchor, paper_anchor
from paperbrief.models import Comparison, Digest

from .browser import Browser, find_chromium

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "daily-papers-2026-03-05.txt"
PHONE = (375, 812)
DESKTOP = (1280, 900)

# Elements sticking out of the viewport, ignoring those inside a box that scrolls by itself.
OVERFLOW_JS = """(() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if ((r.right > vw + 0.5 || r.left < -0.5 || r.width > vw + 0.5) && !scrolls(el))
      bad.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${r.left}..${r.right}`);
  }
  return {vw, page: document.documentElement.scrollWidth, bad: bad.slice(0, 10)};
})()"""

PAPERS_JS = """[...document.querySelectorAll('article.paper')].map(
  a => [a.id, a.querySelector('h3').textContent])"""
COMPARISONS_JS = """[...document.querySelectorAll('article.comparison')].map(
  a => [a.id, a.querySelector('h3').textContent, a.querySelectorAll('tbody tr').length])"""
DANGLING_JS = """[...document.querySelectorAll('a[href^="#"]')]
  .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"""
TABLES_JS = """[...document.querySelectorAll('.table-wrap')].map(
  w => [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right])"""
# per comparison: each aspect's two cells as [label, left, right, top, bottom]
STACKED_JS = """[...document.querySelectorAll('article.comparison')].map(a => [a.id,
  [...a.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => {
    const r = td.getBoundingClientRect();
    return [td.dataset.label, r.left, r.right, r.top, r.bottom]; }))])"""
NOWRAP_JS = """document.querySelector('h1 .nw').getClientRects().length"""
NAV_JS = """(() => { const linked = new Set([...document.querySelectorAll('nav a')]
  .map(a => a.getAttribute('href').slice(1)));
  return [...document.querySelectorAll('section h2[id], section h3[id]')]
    .map(h => h.id).filter(id => !linked.has(id)); })()"""
COLOURS_JS = """(() => { const s = getComputedStyle(document.body);
  return [s.backgroundColor, s.color]; })()"""


def _luminance(css: str) -> float:
    r, g, b = (int(x) for x in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    executable = find_chromium()
    if executable is None:
        reason = "Chromium not found (apt-get install chromium, or set PAPERBRIEF_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the browser tests must run", pytrace=False)
        pytest.skip(reason)
    b = Browser(executable, tmp_path_factory.mktemp("chromium") / "profile")
    yield b
    b.close()


def _render(
    tmp: Path, sources: list[str], *extra: str, layout: tuple[str, ...] = ()
) -> tuple[Path, Digest]:
    """Run the CLI once for the HTML page and once for the JSON of the same digest (`layout`
    options go to both)."""
    db = tmp / "digest.db"
    html, data = tmp / "digest.html", tmp / "digest.json"
    common = ["digest", *sources, "--offline", "--db", str(db), *layout]
    assert main([*common, "--out", str(html), *extra]) == 0
    assert main([*common, "--json", "--out", str(data)]) == 0
    return html, Digest.model_validate_json(data.read_text("utf-8"))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Digest]:
    # every paper in detail, so that every comparison table is on the page
    return _render(tmp_path_factory.mktemp("seed"), [str(SEED)], layout=("--top", "100"))


def _title(c: Comparison, digest: Digest) -> str:
    titles = {p.id: p.display_title for p in digest.papers}
    return f"{titles[c.paper_a]} vs {titles[c.paper_b]}"


def test_phone_view_has_every_paper_and_comparison_and_nothing_wider(
    browser: Browser, seed: tuple[Path, Digest], browser_artefacts: Path
) -> None:
    html, digest = seed
    # the example's 54 papers and their comparisons (19 since issue 22 leaves thin links out, 13
    # since its round 5 leaves out loosely linked pairs, 10 since offline comparisons that do
    # not compare are left out, 7 since a problem cell must name a gap, 5 since round 10 never
    # takes an experiments sentence for the approach)
    assert len(digest.papers) == 54 and len(digest.comparisons) >= 5
    with browser.page(*PHONE, mobile=True) as page:
        page.goto(html.as_uri())
        papers = page.evaluate(PAPERS_JS)
        assert sorted(papers) == sorted(
            [paper_anchor(p.id), p.display_title] for p in digest.papers
        )
        comparisons = page.evaluate(COMPARISONS_JS)
        assert sorted(comparisons) == sorted(
            [comparison_anchor(c), _title(c, digest), len(c.differences)]
            for c in digest.comparisons
        )
        assert page.evaluate(DANGLING_JS) == []
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["vw"] == PHONE[0]
        assert layout["bad"] == [] and layout["page"] <= PHONE[0], layout
        # no table scrolls sideways: each aspect stacks the two papers, each cell labelled
        tables = page.evaluate(TABLES_JS)
        assert len(tables) == len(digest.comparisons)
        assert all(right <= PHONE[0] and scroll <= client for scroll, client, right in tables)
        by_id = {p.id: p for p in digest.papers}
        rows = page.evaluate(STACKED_JS)
        assert len(rows) == len(digest.comparisons)
        for (anchor, cells), c in zip(rows, digest.comparisons, strict=True):
            assert anchor == comparison_anchor(c) and len(cells) == len(c.differences)
            labels = [short(by_id[c.paper_a]), short(by_id[c.paper_b])]
            for (la, a_left, a_right, _, a_bottom), (lb, b_left, b_right, b_top, _) in cells:
                assert [la, lb] == labels
                assert 0 <= a_left < a_right <= PHONE[0] and 0 <= b_left < b_right <= PHONE[0]
                assert b_top >= a_bottom - 1  # the second paper under the first, both on screen
        # the date in the title never wraps
        assert page.evaluate(NOWRAP_JS) == 1
        assert page.requests == [html.as_uri()]
        page.screenshot(browser_artefacts / "phone-top.png")
        page.evaluate(f"document.getElementById('{papers[0][0]}').scrollIntoView()")
        page.screenshot(browser_artefacts / "phone-papers.png")
        page.evaluate(
            f"document.getElementById('{comparison_anchor(digest.comparisons[0])}')"
            ".scrollIntoView()"
        )
        page.screenshot(browser_artefacts / "phone-head-to-head.png")


def test_desktop_view_fits_without_scrolling_tables(
    browser: Browser, seed: tuple[Path, Digest], browser_artefacts: Path
) -> None:
    html, digest = seed
    with browser.page(*DESKTOP, mobile=False) as page:
        page.goto(html.as_uri())
        assert len(page.evaluate(PAPERS_JS)) == len(digest.papers)
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["bad"] == [] and layout["page"] <= DESKTOP[0], layout
        assert all(scroll <= client for scroll, client, _ in page.evaluate(TABLES_JS))
        assert page.requests == [html.as_uri()]
        page.screenshot(browser_artefacts / "desktop-top.png")
        page.evaluate(
            f"document.getElementById('{comparison_anchor(digest.comparisons[0])}')"
            ".scrollIntoView()"
        )
        page.screenshot(browser_artefacts / "desktop-head-to-head.png")
    last = paper_anchor(digest.topics[-1].paper_ids[-1])
    with browser.page(*DESKTOP, mobile=False) as page:  # a link into the digest lands on its paper
        page.goto(f"{html.as_uri()}#{last}")
        assert page.evaluate("document.querySelector(':target').id") == last
        assert page.evaluate("window.scrollY") > DESKTOP[1]


def test_light_and_dark_schemes_follow_the_system(
    browser: Browser, seed: tuple[Path, Digest], browser_artefacts: Path
) -> None:
    html, _ = seed
    colours = {}
    for dark in (False, True):
        with browser.page(*PHONE, mobile=True, dark=dark) as page:
            page.goto(html.as_uri())
            colours[dark] = [_luminance(c) for c in page.evaluate(COLOURS_JS)]
            if dark:
                page.screenshot(browser_artefacts / "phone-dark.png")
    (light_bg, light_fg), (dark_bg, dark_fg) = colours[False], colours[True]
    assert light_bg > 0.9 and light_fg < 0.2
    assert dark_bg < 0.15 and dark_fg > 0.8


HOSTILE = [
    {
        "id": "2401.00001",
        "title": "Robust <script>window.__pwned=1</script> parsing of web pages",
        # a problem and an approach on both sides: a comparison the digest shows (compare_shown)
        "abstract": "Existing parsers fail on hostile markup. We propose a robust parser for web "
        "pages with <img src=x onerror=\"window.__pwned=2\"> markup. It improves accuracy by "
        "12% on 3 benchmarks. "
        "Try <a href=\"javascript:window.__pwned=3\">the demo</a> or "
        "[click](javascript:window.__pwned=4) on parsing web pages.",
        "url": "javascript:window.__pwned=5",
        "published": "2026-03-02",
    },
    {
        "id": "2401.00002",
        "title": "Parsing web pages with <b>bold</b> claims",
        "abstract": "Current parsers struggle with hostile documents. We present a parser of "
        "web pages for <script>alert(1)</script> hostile "
        "documents that improves accuracy by 15% on web pages. It parses <img src=x "
        "onerror=alert(2)> tags on 4 benchmarks.",
        "url": "https://arxiv.org/abs/2401.00002",
        "published": "2026-03-03",
    },
]


def test_hostile_text_in_abstracts_arrives_as_text(
    browser: Browser, tmp_path: Path
) -> None:
    listing = tmp_path / "hostile.jsonl"
    listing.write_text("".join(json.dumps(p) + "\n" for p in HOSTILE), "utf-8")
    html, digest = _render(tmp_path, [str(listing)])
    assert digest.comparisons, "the two papers should be compared"
    with browser.page(*PHONE, mobile=True) as page:
        page.goto(html.as_uri())
        dom = page.evaluate("""({
          scripts: document.querySelectorAll('script').length,
          images: document.querySelectorAll('img').length,
          bold: document.querySelectorAll('article b').length,
          handlers: [...document.querySelectorAll('*')].filter(
              e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
          js_links: [...document.querySelectorAll('a[href]')].filter(
              a => !/^(#|https?:)/i.test(a.getAttribute('href'))).length,
          links: [...document.querySelectorAll('article.paper h3 a')].map(a => a.href),
          pwned: window.__pwned === undefined ? null : window.__pwned,
          text: document.body.innerText,
        })""")
        assert page.requests == [html.as_uri()]
    assert dom["scripts"] == dom["images"] == dom["bold"] == dom["handlers"] == 0
    assert dom["js_links"] == 0 and dom["pwned"] is None
    # the javascript: url is no link: dropped where the paper enters (#12), the arXiv page instead
    assert sorted(dom["links"]) == ["https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00002"]
    text = dom["text"]
    assert "Robust <script>window.__pwned=1</script> parsing" in text
    assert "Parsing web pages with <b>bold</b> claims" in text
    shown = [t.takeaway for t in digest.takeaways.values()] + [
        cell for c in digest.comparisons for d in c.differences for cell in (d.a, d.b)
    ]
    hostile = [s for s in shown if "<img" in s or "<script>" in s or "javascript:" in s]
    assert hostile, "the hostile markup should reach the digest's text"
    for s in hostile:
        assert " ".join(s.split()) in " ".join(text.split())


def test_the_checks_catch_a_page_that_leaks_or_overflows(
    browser: Browser, tmp_path: Path
) -> None:
    """The same checks fail on a page that loads a remote image and has a 900 px box."""
    template = tmp_path / "leaky.html.j2"
    template.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        "</head><body><p>{{ digest.period.label }}</p>"
        '<img src="http://192.0.2.1/pixel.png" alt=""><div style="width:900px">wide</div>'
        "</body></html>",
        "utf-8",
    )
    html, _ = _render(tmp_path, [str(SEED)], "--template", str(template))
    with browser.page(*PHONE, mobile=True) as page:
        page.goto(html.as_uri())
        layout = page.evaluate(OVERFLOW_JS)
        assert "http://192.0.2.1/pixel.png" in page.requests
    assert layout["page"] > PHONE[0]
    assert any(b.startswith("div#.") for b in layout["bad"])


LINES_JS = """[...document.querySelectorAll('li.line')].map(li => [li.id, li.textContent])"""


def test_for_you_and_one_line_rest_on_a_phone(browser: Browser, tmp_path: Path) -> None:
    """With a profile: the top 5 as cards, the other 49 one line each, every paper reachable."""
    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["code generation"]\n', "utf-8")
    html, digest = _render(tmp_path, [str(SEED)],
                           layout=("--interests", str(profile), "--top", "5"))
    assert digest.detailed is not None and len(digest.detailed) == 5
    with browser.page(*PHONE, mobile=True) as page:
        page.goto(html.as_uri())
        cards = [pid for pid, _ in page.evaluate(PAPERS_JS)]
        lines = page.evaluate(LINES_JS)
        assert cards == [paper_anchor(pid) for pid in digest.detailed]
        assert len(lines) == 49
        assert {pid for pid, _ in lines} | set(cards) == {paper_anchor(p.id) for p in digest.papers}
        assert page.evaluate(DANGLING_JS) == []
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["bad"] == [] and layout["page"] <= PHONE[0], layout
        assert page.evaluate("document.getElementById('for-you').textContent") == "For you"
        assert page.evaluate(NAV_JS) == []  # the contents link every section and topic
        assert len(page.evaluate(COMPARISONS_JS)) == len(digest.comparisons)
