"""Context-aware Markdown escaping (paperbrief.digest.md_escape): rendered by CommonMark + GFM
tables and
strikethrough (markdown-it-py), escaped text reads exactly as the input, with a backslash only
where a character would otherwise start markup."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from markdown_it import MarkdownIt

from paperbrief.digest.md_escape import escape
from paperbrief.sources import read_file
from tests.conftest import FIXTURES

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# what issue 23 found escaped for nothing in the example and a 1,000-paper digest
NEEDLESS = [
    "Hogwild! Inference: Parallel LLM Generation via Concurrent Attention",
    "(71.9% on average and 79.9% on AIME24)",
    "A Simple and Effective L_2 Norm-Based Strategy for KV Cache Compression",
    "geomean 29% for sublayers in ~500-billion parameter models",
    "xGen-MM (BLIP-3): A Family of Open Large Multimodal Models",
    "cost < 5% at k > 3, a + b = c; 3 * 4 = 12; #1 on the board {x}",
    "snake_case_name and a_b_c",
]
HOSTILE = [
    "Attack [click](http://evil.example) *bold* _it_ <script>x</script> | pipe # head",
    "![image](http://evil.example/x.png) and <http://evil.example> and <!-- c -->",
    "# heading", "## two", "> quote", "- bullet", "+ plus", "* star", "1. one", "12) twelve",
    "===", "---", "* * *", "___", "<div>block</div>", "&amp; &#65; &#x41; &copy;",
    "a ~~struck~~ b", "~~~ fence", "``` fence", "`code` span", "**strong** __strong__",
    "trailing backslash \\", "C:\\path\\to\\file", "\\*not emphasis\\*", "a*b*c", "a_b_c",
    "_leading", "trailing_", "[a] [b]: http://x", "[ref]", "[x]: http://evil.example",
    "<a href='x'>link</a>", "<?php ?>", "<![CDATA[x]]>", "x <y", "x</y>", "| a | b |",
]


def _text(markdown: str) -> str:
    """What a reader sees once the Markdown is rendered: the HTML's text."""
    html = PARSER.render(markdown)
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def _corpus() -> list[str]:
    papers = read_file(FIXTURES / "hf-2024-papers-2000.jsonl").papers
    page = read_file(FIXTURES / "hf-daily-papers-page.txt").papers
    texts = [p.title for p in papers + page] + [p.abstract for p in page + papers[:500]]
    for line in (FIXTURES / "scitldr-a-dev-80.jsonl").read_text("utf-8").splitlines():
        texts.append(json.loads(line)["abstract"])
    return texts


@pytest.mark.parametrize("text", NEEDLESS)
def test_nothing_escaped_that_cannot_start_markup(text):
    assert escape(text, start=False) == text
    assert _text(text) == text  # and it does render as itself


@pytest.mark.parametrize("text", HOSTILE + NEEDLESS)
def test_hostile_text_renders_as_itself(text):
    assert _text(escape(text)) == " ".join(text.split())
    html = PARSER.render(escape(text))
    assert not re.search(r"<(?!/?p>)", html.replace("&lt;", "")), html  # no element but <p>
    cell = PARSER.render(f"| h |\n| --- |\n| {escape(text, cell=True)} |\n")
    assert unescape(re.sub(r"<[^>]+>", "", cell.split("<tbody>")[1])).strip() == " ".join(
        text.split())
    linked = PARSER.render(f"[{escape(text, link=True)}](https://arxiv.org/abs/1)")
    assert linked.count("<a ") == 1 and _text(f"[{escape(text, link=True)}](u)") == " ".join(
        text.split())


def test_every_real_title_and_abstract_renders_as_itself():
    """2,000 titles and 500 abstracts of real Daily Papers, the seed page, 80 SciTLDR papers."""
    texts = _corpus()
    assert len(texts) > 2500
    escapes = 0
    for text in texts:
        out = escape(text)
        escapes += out.count("\\") - text.count("\\")
        assert _text(out) == " ".join(text.split()), text
    assert escapes < len(texts) // 20  # backslashes are rare: only where markup would start


def test_the_seed_page_needs_no_backslash():
    page = read_file(FIXTURES / "hf-daily-papers-page.txt").papers
    assert [p.title for p in page if "\\" in escape(p.title, link=True)] == []
    assert any(p.title.startswith("Hogwild! Inference") for p in page)
