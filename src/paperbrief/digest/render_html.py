"""Render a Digest as one self-contained HTML page (inline CSS, no scripts, no external resources).

The page comes from a jinja2 template with autoescaping (`templates/digest.html.j2`, or the user's
`--template`), so every string from input reaches the reader as text. It shares with the Markdown
renderer (render.py) what both show: highlights, short names, meta line, key numbers, footer.
Every paper, topic and comparison gets an anchor derived from ids, so a link into the page
survives a rerun.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from paperbrief.digest.layout import (  # noqa: F401 (anchor: re-exported)
    RestMode,
    anchor,
    build_layout,
    comparison_anchor,
    paper_anchor,
)
from paperbrief.digest.number_lines import number_lines
from paperbrief.digest.render import (
    HIGHLIGHTS,
    _url,
    footer_lines,
    highlights,
    key_number_parts,
    load_template,
    paper_meta,
    short,
    template_environment,
    template_errors,
)
from paperbrief.models import Comparison, Digest, Paper

DEFAULT_TEMPLATE = "digest.html.j2"
CONTENT_BLOCK = "content"
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def paper_href(paper: Paper) -> str | None:
    """The paper's link when it is an http(s) URL (never `javascript:` or `data:`)."""
    url = _url(paper)
    if url and urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).netloc:
        return url
    return None


def _topic_anchors(names: list[str]) -> list[str]:
    seen: set[str] = set()
    anchors = []
    for topic in names:
        base = "topic-" + (_ANCHOR_UNSAFE.sub("-", topic.lower()).strip("-") or "topic")
        name, n = base, 2
        while name in seen:
            name, n = f"{base}-{n}", n + 1
        seen.add(name)
        anchors.append(name)
    return anchors


def _compared_with(digest: Digest) -> dict[str, list[tuple[Comparison, str]]]:
    """Paper id -> [(comparison, the other paper's id)] for each comparison it is part of."""
    out: dict[str, list[tuple[Comparison, str]]] = {}
    for c in digest.comparisons:
        out.setdefault(c.paper_a, []).append((c, c.paper_b))
        out.setdefault(c.paper_b, []).append((c, c.paper_a))
    return out


def _plain(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def _environment(template: Path | None) -> tuple[jinja2.Environment, str]:
    env, name = template_environment(template, DEFAULT_TEMPLATE, autoescape=True)
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["key_number_parts"] = key_number_parts
    env.filters["number_lines"] = number_lines
    env.globals.update(
        paper_anchor=paper_anchor,
        comparison_anchor=comparison_anchor,
        paper_href=paper_href,
        short=short,
        paper_meta=lambda paper: paper_meta(paper, escape=_plain).removeprefix(" · "),
        meta_parts=lambda paper: paper_meta(paper, escape=_plain).split(" · ")[1:],
    )
    return env, name


def _context(digest: Digest, top: int, rest: RestMode = "takeaways") -> dict[str, Any]:
    lines, problems = footer_lines(digest, escape=_plain)
    layout = build_layout(digest, rest)
    return {
        "digest": digest,
        "papers": {p.id: p for p in digest.papers},
        "highlights": highlights(digest, top),
        "layout": layout,
        "topic_anchors": _topic_anchors([t.name for t in digest.topics]),
        "section_anchors": _topic_anchors([s.name for s in layout.sections]),
        "compared_with": _compared_with(digest),
        "unrelated": set(digest.unrelated),
        "footer_lines": lines,
        "problems": problems,
    }


def _render(
    digest: Digest,
    template: Path | None,
    top: int,
    produce: Callable[[jinja2.Template, dict[str, Any]], str],
    rest: RestMode = "takeaways",
) -> str:
    env, name = _environment(template)
    tmpl = load_template(env, name, template)
    with template_errors(template, name):
        return produce(tmpl, _context(digest, top, rest))


def check_html_template(template: Path) -> None:
    """Compile an HTML --template before any work (a syntax error costs nothing)."""
    env, name = _environment(template)
    load_template(env, name, template)


def render_html_digest(
    digest: Digest, template: Path | None = None, top: int = HIGHLIGHTS,
    rest: RestMode = "takeaways",
) -> str:
    """The digest as a self-contained HTML page, from the packaged template or `template`."""
    text = _render(digest, template, top, lambda tmpl, ctx: tmpl.render(ctx), rest)
    return text.strip() + "\n"


def render_html_body(digest: Digest, template: Path | None = None, top: int = HIGHLIGHTS) -> str:
    """The page's content (its `content` block, no <html>/<head>/<style>): for a feed entry.

    A user template without a `content` block gets the packaged template's block instead.
    """

    def block(tmpl: jinja2.Template, ctx: dict[str, Any]) -> str:
        if CONTENT_BLOCK not in tmpl.blocks:
            return render_html_body(digest, None, top)
        return "".join(tmpl.blocks[CONTENT_BLOCK](tmpl.new_context(ctx)))

    return _render(digest, template, top, block).strip() + "\n"

