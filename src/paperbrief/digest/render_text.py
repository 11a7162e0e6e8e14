"""Render a Digest (and single takeaways and comparisons) as plain text: the mail's text/plain
part and the terminal output of `takeaway` and `compare`.

Real plain text, not Markdown: no markup and no escapes, numbers unbolded, lines wrapped at
WIDTH columns (textwrap), links as numbered footnotes ("[3]") listed at the end. The layout is
the one the Markdown and HTML renderers show (paperbrief.digest.layout).
"""

from __future__ import annotations

import textwrap
from urllib.parse import quote

from paperbrief.digest.layout import Entry, Layout, RestMode, build_layout
from paperbrief.digest.number_lines import number_lines
from paperbrief.digest.render import _url, footer_lines, paper_meta, short
from paperbrief.models import Comparison, Digest, Paper, Takeaway

WIDTH = 78


def _plain(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def wrap(text: str, indent: str = "", first: str | None = None, width: int = WIDTH) -> list[str]:
    """`text` wrapped at `width` columns; the first line starts with `first` (default `indent`).
    A word longer than a line (a URL) is kept whole rather than cut."""
    return textwrap.wrap(
        _plain(text), width=width, initial_indent=indent if first is None else first,
        subsequent_indent=indent, break_long_words=False, break_on_hyphens=False,
    ) or [(indent if first is None else first).rstrip()]


def heading(text: str, underline: str) -> list[str]:
    lines = wrap(text)
    return [*lines, underline * min(WIDTH, max(len(line) for line in lines))]


class Links:
    """Numbered footnotes: each URL gets a number the first time it is cited."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._numbers: dict[str, int] = {}

    def cite(self, paper: Paper) -> str:
        """' [n]' for the paper's URL, or '' without one."""
        return self.cite_url(_url(paper))

    def cite_url(self, url: str | None) -> str:
        """' [n]' for `url`, or '' without one."""
        if not url:
            return ""
        if url not in self._numbers:
            self.urls.append(url)
            self._numbers[url] = len(self.urls)
        return f" [{self._numbers[url]}]"

    def lines(self) -> list[str]:
        if not self.urls:
            return []
        width = len(f"[{len(self.urls)}]")
        return ["Links", "-----", *(f"{f'[{n}]':<{width}} {url}"
                                    for n, url in enumerate(self.urls, 1))]


def numbers_text(takeaway: Takeaway, limit: int | None = None) -> str:
    """The key numbers as one sentence, unbolded: 'clause; clause'."""
    chosen = number_lines(takeaway.key_numbers) if limit is None else number_lines(
        takeaway.key_numbers, limit=limit)
    return "; ".join("".join(text for text, _bold in line) for line in chosen)


def _entry(e: Entry, layout: Layout, links: Links, marker: str, engine: str,
           unrelated: set[str], serve_url: str | None = None) -> list[str]:
    indent = " " * len(marker)
    out = wrap(e.paper.display_title + links.cite(e.paper), indent, marker)
    meta = paper_meta(e.paper, escape=_plain).removeprefix(" · ")
    if meta:
        out += wrap(meta, indent)
    if e.rank and layout.ranked_by == "interests":
        out += wrap(f"Why: {e.reason} (score {e.rank.score:.2f})", indent)
    t = e.takeaway
    if t:
        note = f" ({t.engine})" if t.engine != engine else ""
        out += wrap(t.takeaway + note, indent)
        if t.key_numbers:
            out += wrap(f"Key numbers: {numbers_text(t)}", indent)
    if e.comparison and e.other:
        out += wrap(f"Compared with {short(e.other)}: {e.comparison.summary} "
                    "(see Head to head)", indent)
    elif e.paper.id in unrelated:
        out += wrap(f"No closely related paper {layout.span}.", indent)
    if serve_url:  # `paperbrief serve` (issue 25): mark the paper from the mail
        like, dislike = (f"{serve_url}/paper/{quote(e.paper.id, safe='')}?want={want}"
                         for want in ("like", "dislike"))
        out += wrap(f"More like this{links.cite_url(like)} · Not for me{links.cite_url(dislike)}",
                    indent)
    return out


def _numbered(entries: list[Entry], layout: Layout, links: Links, engine: str,
              unrelated: set[str], serve_url: str | None = None) -> list[str]:
    out: list[str] = []
    width = len(f"{len(entries)}. ")
    for n, e in enumerate(entries, 1):
        out += [*_entry(e, layout, links, f"{n}. ".ljust(width), engine, unrelated, serve_url),
                ""]
    return out


def _one_line(e: Entry, layout: Layout, links: Links) -> list[str]:
    text = e.paper.display_title + links.cite(e.paper)
    if layout.rest == "takeaways" and e.takeaway:
        text += f": {e.takeaway.takeaway}"
    return wrap(text, "  ", "- ")


def comparison_lines(c: Comparison, a: Paper, b: Paper, engine: str | None = None) -> list[str]:
    """A head-to-head as plain text: the two papers stacked under each aspect, labelled."""
    sa, sb = short(a), short(b)
    note = f" ({c.engine})" if engine is not None and c.engine != engine else ""
    out = [*wrap(c.summary + note)]
    if c.shared_ground != c.summary:  # a summary that is the shared ground is said once
        out += wrap(f"Shared ground: {c.shared_ground}")
    # a prefer line no fact supports is left out (issue 22), as in Markdown and HTML
    prefer = [("When to prefer", c.prefer_a, c.prefer_b)] if c.prefer_a or c.prefer_b else []
    for aspect, x, y in [*((d.aspect, d.a, d.b) for d in c.differences), *prefer]:
        out += ["", *wrap(aspect[:1].upper() + aspect[1:]),
                *(line for name, cell in ((sa, x), (sb, y)) if cell
                  for line in wrap(f"{name}: {cell}", "    ", "  "))]
    return out


def render_text_digest(digest: Digest, top: int = 5, rest: RestMode = "takeaways") -> str:
    """The digest as plain text wrapped at WIDTH columns, links as footnotes (`top` is accepted
    for the other renderers' signature; the layout says what is detailed)."""
    layout = build_layout(digest, rest)
    links = Links()
    engine = digest.stats.engine
    unrelated = set(digest.unrelated)
    papers = {p.id: p for p in digest.papers}
    out = [*heading(f"Paper digest: {digest.period.label}", "="), ""]
    if not digest.papers:
        out += ["No papers in this period. Nothing to summarise this time.", ""]
    elif layout.kind == "ranked":
        ranked = "your interests" if layout.ranked_by == "interests" else "upvotes"
        out += [*wrap(f"{digest.stats.papers} papers: {len(layout.detailed) + len(layout.more)} "
                      f"in detail (ranked by {ranked}), {layout.rest_count} more in one line "
                      f"each, {len(layout.comparisons)} head-to-head comparisons."), ""]
        if layout.detailed or layout.ranked_by == "interests":
            out += [*heading(layout.detailed_title, "-"), ""]
            if layout.detailed_note:
                out += [*wrap(layout.detailed_note), ""]
            out += _numbered(layout.detailed, layout, links, engine, unrelated, digest.serve_url)
        if layout.more:
            out += [*heading(layout.more_title, "-"), ""]
            out += _numbered(layout.more, layout, links, engine, unrelated, digest.serve_url)
        if layout.rest_count:
            out += [*heading(layout.rest_title, "-"), ""]
            if layout.rest == "none":
                out += [f"{layout.rest_count} more papers, not listed (--rest none).", ""]
            else:
                if layout.by_design and layout.rest == "takeaways":
                    out += [*wrap("One line per paper, written by the offline engine by design: "
                                  "the LLM is paid only for the papers above."), ""]
                for s in layout.sections:
                    out.append(f"{s.name} ({len(s.entries)})")
                    for e in s.entries:
                        out += _one_line(e, layout, links)
                    out.append("")
    else:
        out += [*wrap(f"{digest.stats.papers} papers in {layout.topic_count} topics, "
                      f"{len(layout.comparisons)} head-to-head comparisons."), ""]
        for s in layout.sections:
            out += [*heading(s.name, "-"), ""]
            for e in s.entries:
                if e.detailed:
                    out += [*_entry(e, layout, links, "- ", engine, unrelated), ""]
                else:
                    out += _one_line(e, layout, links)
            out.append("")
    if layout.comparisons:
        out += [*heading("Head to head", "-"), ""]
        for c in layout.comparisons:
            a, b = papers[c.paper_a], papers[c.paper_b]
            out += [*wrap(f"{a.display_title} vs {b.display_title}"), ""]
            out += [*comparison_lines(c, a, b, engine), ""]
    lines, problems = footer_lines(digest, escape=_plain)
    out += ["-- ", *(w for line in lines for w in wrap(line.replace("`", "")))]
    if problems:
        out += ["Problems:", *(w for p in problems for w in wrap(p, "  ", "- "))]
    out += ["Generated by paperbrief.", "", *links.lines()]
    return _tidy(out)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def render_text_takeaway(takeaway: Takeaway, paper: Paper) -> str:
    """One takeaway as plain text (`takeaway` on a terminal, or `--format text`)."""
    url = _url(paper)
    out = wrap(paper.display_title)
    out += wrap(takeaway.takeaway, "  ")
    if takeaway.key_numbers:
        out += wrap(f"Key numbers: {numbers_text(takeaway, limit=5)}", "  ")
    if takeaway.fallback_reason:  # issue 24: a fallen-back paper says so, and why
        out += wrap(f"Offline fallback: {takeaway.fallback_reason}", "  ")
    if url:
        out += wrap(url, "  ")
    return _tidy([*out, ""]) + "\n"


def render_text_comparison(comparison: Comparison, a: Paper, b: Paper) -> str:
    """One comparison as plain text (`compare` on a terminal, or `--format text`)."""
    links = Links()
    title = f"{a.display_title}{links.cite(a)} vs {b.display_title}{links.cite(b)}"
    out = [*heading(title, "="), "", *comparison_lines(comparison, a, b), "",
           *wrap(f"Engine: {comparison.engine}"
                 + (f", a fallback: {comparison.fallback_reason}"
                    if comparison.fallback_reason else "")),
           "", *links.lines()]
    return _tidy(out)
