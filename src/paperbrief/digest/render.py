"""Render a Digest (and single comparisons) as Markdown through jinja2 templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from importlib import resources
from pathlib import Path

import jinja2

from paperbrief.digest.layout import (
    LINE_BUDGET,
    Layout,
    RestMode,
    build_layout,
    comparison_anchor,
    paper_anchor,
)
from paperbrief.digest.md_escape import escape
from paperbrief.digest.number_lines import number_lines
from paperbrief.digest.template_sandbox import BoundedSandbox, bounded
from paperbrief.errors import InputError
from paperbrief.models import Comparison, Digest, KeyNumber, Paper, Takeaway

HIGHLIGHTS = 5


def md(text: object) -> str:
    """A string from input as Markdown that shows it verbatim (one line, escapes only where a
    character would start markup; see paperbrief.digest.md_escape)."""
    return escape(text)


def md_cell(text: object) -> str:
    """`md` for a GFM table cell (`|` escaped too)."""
    return escape(text, cell=True)


def _inline(text: str, brackets: bool = False) -> str:
    """Escape text that sits inside a line (never at its start), keeping a space at either end."""
    if not text.strip():
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + escape(text, start=False, link=brackets) + trail


def key_number_parts(number: KeyNumber) -> tuple[str, str, str]:
    """(before, value, after): the context split around its own mention of the value, or the
    value first and the context after it (whitespace collapsed, nothing escaped)."""
    value = " ".join(number.value.split())
    context = " ".join(number.context.split())
    if value and value in context:
        before, _, after = context.partition(value)
        return before, value, after
    return "", value, f" {context}".rstrip()


def key_number(number: KeyNumber) -> str:
    """'**value** context', or the context with its own mention of the value in bold."""
    before, value, after = key_number_parts(number)
    return f"{_inline(before, True)}**{_inline(value, True)}**{_inline(after, True)}"


def key_number_line(segments: list[tuple[str, bool]]) -> str:
    """One line of `number_lines` in Markdown: the clause with its key numbers in bold."""
    # each segment escaped alone: brackets always (a pair across segments could make a link)
    return "".join(f"**{_inline(text, True)}**" if bold else _inline(text, True)
                   for text, bold in segments)


def _url(paper: Paper) -> str | None:
    if paper.url:
        return (
            paper.url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            .replace("<", "%3C").replace(">", "%3E")
        )
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return None


def paper_link(paper: Paper, text: str | None = None) -> str:
    """The paper's escaped title (or `text`), linked when a URL is known."""
    url = _url(paper)
    title = escape(paper.display_title if text is None else text, link=bool(url))
    return f"[{title}]({url})" if url else title


def paper_meta(paper: Paper, escape: Callable[[object], str] = md) -> str:
    """' · date · ▲ upvotes · N authors' for the paper line (only what is known)."""
    parts = []
    if paper.published:
        parts.append(paper.published.isoformat())
    if paper.upvotes:
        parts.append(f"▲ {paper.upvotes}")
    n = paper.n_authors
    if n:
        parts.append(f"{n} author{'s' if n != 1 else ''}")
    if paper.organization:
        parts.append(escape(paper.organization))
    return "".join(f" · {p}" for p in parts)


def short(paper: Paper, limit: int = 40) -> str:
    """A short handle for a paper in tables: the title up to its colon, or its first words."""
    title = paper.display_title
    head = title.split(":")[0].strip()
    if len(head) <= limit:
        return head
    return title[:limit].rsplit(" ", 1)[0] + "…"


def footer_lines(
    digest: Digest, escape: Callable[[object], str] = md
) -> tuple[list[str], list[str]]:
    """(sentences, problems) for the end of the digest: counts, engine, usage; what went wrong."""
    s = digest.stats
    lines = [
        f"{s.papers} papers, {s.takeaways} takeaways, {s.comparisons} comparisons. "
        f"Engine: {escape(s.engine)}."
    ]
    if s.provisional:
        lines.append(f"Provisional: {escape(s.provisional)}")
    if s.fallbacks:
        lines.append(f"{s.fallbacks} result(s) written by the offline engine as a fallback.")
    if s.extractive_by_design:
        lines.append(
            f"{s.extractive_by_design} one-line takeaway(s) written by the offline engine by "
            "design (only the detailed papers are paid for; `--llm-all` pays for all)."
        )
    u = s.usage
    if u.calls:
        lines.append(
            f"LLM calls: {u.calls}; tokens: {u.prompt_tokens} prompt ({u.cached_tokens} cached), "
            f"{u.completion_tokens} completion; cost: ${u.cost_usd:.4f}."
        )
    return lines, [escape(p) for p in s.problems]


def footer(digest: Digest) -> str:
    """Counts, engine, usage and every problem of the run, for the end of the digest."""
    lines, problems = footer_lines(digest)
    text = "\n\n".join(lines)  # a paragraph each: rendered, lines in a row would join
    if problems:
        text += "\n\nProblems:\n\n" + "\n".join(f"- {p}" for p in problems)
    return text + "\n\nGenerated by paperbrief."


def template_environment(
    template: Path | None, default: str, *, autoescape: bool
) -> tuple[jinja2.Environment, str]:
    """A jinja2 environment loading `template` (a file) or the packaged template `default`."""
    if template is not None:
        loader: jinja2.BaseLoader = jinja2.FileSystemLoader(str(template.parent))
        name = template.name
    else:
        loader = jinja2.FunctionLoader(
            lambda n: resources.files("paperbrief.digest").joinpath("templates", n).read_text("utf-8")  # noqa: E501
        )
        name = default
    # sandboxed: a --template reads the digest, never Python internals, files or our data's
    # methods ('{{ self.__init__.__globals__ }}' is a SecurityError, reported as a template error);
    # the packaged templates are ours, and the sandbox's check of every attribute read was half
    # the time of rendering a 10,000-paper digest
    # and bounded: no file tags, bounded operators, time and memory
    # (paperbrief.digest.template_sandbox)
    kind = jinja2.Environment if template is None else BoundedSandbox
    env = kind(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=autoescape,
    )
    return env, name


def template_error(where: object, exc: BaseException) -> InputError:
    """One line naming the template (and the line, for a syntax error) and what went wrong."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        return InputError(f"{where}:{exc.lineno}: template error: {exc.message or exc}")
    if isinstance(exc, jinja2.TemplateError):
        return InputError(f"{where}: template error: {exc}")
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return InputError(f"{where}: template error: {' '.join(detail.split())}")


def load_template(env: jinja2.Environment, name: str, template: Path | None) -> jinja2.Template:
    """`name` compiled; a user template that cannot be read or compiled is an InputError."""
    try:
        with bounded() if template is not None else nullcontext():  # compiling evaluates, too
            return env.get_template(name)
    except (jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
        raise template_error(template or name, exc) from exc


def check_template(template: Path) -> None:
    """Compile a Markdown --template before any work (a syntax error costs nothing)."""
    env, name = _environment(template)
    load_template(env, name, template)


def _environment(template: Path | None) -> tuple[jinja2.Environment, str]:
    env, name = template_environment(template, "digest.md.j2", autoescape=False)
    env.filters["md"] = md
    env.filters["md_inline"] = lambda text: escape(text, start=False)
    env.filters["md_cell"] = md_cell
    env.filters["md_link"] = lambda text: escape(text, link=True)
    env.filters["key_number"] = key_number
    env.filters["key_number_line"] = key_number_line
    env.filters["number_lines"] = number_lines
    env.globals.update(
        paper_link=paper_link, paper_meta=paper_meta, short=short, anchor=comparison_anchor,
        paper_anchor=paper_anchor,
    )
    return env, name


def highlights(digest: Digest, n: int = HIGHLIGHTS) -> list[Paper]:
    """The top papers by upvotes (ties and unknown upvotes keep listing order)."""
    ranked = sorted(
        (p for p in digest.papers if p.id in digest.takeaways),
        key=lambda p: -(p.upvotes or 0),
    )
    return ranked[:n]


@contextmanager
def template_errors(template: Path | None, name: str) -> Iterator[None]:
    """Errors while rendering become the template's one-line error naming it; an error inside
    a packaged template is a bug and goes up as it is ('{{ 1/0 }}' is only ever the user's)."""
    try:
        with bounded() if template is not None else nullcontext():
            yield
    except jinja2.TemplateError as exc:
        raise template_error(template or name, exc) from exc
    except Exception as exc:
        if template is None:
            raise
        raise template_error(template, exc) from exc


def render_digest(
    digest: Digest, template: Path | None = None, top: int = HIGHLIGHTS,
    rest: RestMode = "takeaways",
) -> str:
    """The digest as Markdown, from the packaged template or `template`. Past LINE_BUDGET lines,
    the last comparisons lose their side-by-side tables (one line each) until it fits or none
    is left (see paperbrief.digest.layout)."""
    env, name = _environment(template)
    tmpl = load_template(env, name, template)
    layout = build_layout(digest, rest)
    context = {
        "digest": digest,
        "papers": {p.id: p for p in digest.papers},
        "highlights": highlights(digest, top),
        "unrelated": set(digest.unrelated),
        "footer": footer(digest),
    }
    with template_errors(template, name):
        text = _tidy(tmpl.render(context, layout=layout))
        while text.count("\n") > LINE_BUDGET and layout.table_count:
            layout = replace(layout, tables=_fewer_tables(layout, text.count("\n") - LINE_BUDGET))
            text = _tidy(tmpl.render(context, layout=layout))
    return text


def _fewer_tables(layout: Layout, excess: int) -> int:
    """How many comparisons keep their table so that about `excess` lines go: a table takes
    about 10 lines and its aspects, a comparison in one line 1."""
    keep = layout.table_count
    while keep and excess > 0:
        keep -= 1
        excess -= 9 + len(layout.comparisons[keep].differences)
    return keep


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_comparison(comparison: Comparison, a: Paper, b: Paper) -> str:
    """One comparison as Markdown (the `compare` command's default output)."""
    lines = [
        f"# {md(a.display_title)} vs {md(b.display_title)}",
        "",
        md(comparison.summary),
        "",
        # a summary that is the shared ground (nothing else to say) is said once
        *([f"Shared ground: {_inline(comparison.shared_ground)}", ""]
          if comparison.shared_ground != comparison.summary else []),
        f"| Aspect | {md_cell(short(a))} | {md_cell(short(b))} |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {md_cell(d.aspect)} | {md_cell(d.a)} | {md_cell(d.b)} |"
              for d in comparison.differences]
    # a prefer line is empty when no fact supports it (issue 22): left out then
    prefer = [(short(p), line) for p, line in ((a, comparison.prefer_a),
                                               (b, comparison.prefer_b)) if line]  # fmt: skip
    lines += ["", *(f"- When to prefer {_inline(name)}: {_inline(line)}" for name, line in prefer)]
    lines += ["", f"_Engine: {_inline(comparison.engine)}"
              f"{_fallback_note(comparison.fallback_reason)}_"]
    return "\n".join(lines) + "\n"


def render_takeaway(takeaway: Takeaway, paper: Paper) -> str:
    """One takeaway as a Markdown bullet (the `takeaway` command's default output)."""
    line = f"- **{paper_link(paper)}**: {_inline(takeaway.takeaway)}"
    if takeaway.key_numbers:
        nums = "; ".join(
            key_number_line(line) for line in number_lines(takeaway.key_numbers, limit=5)
        )
        line += f"\n  - Key numbers: {nums}"  # a nested item: its own line once rendered
    if takeaway.fallback_reason:  # issue 24: a fallen-back paper says so, and why
        line += f"\n  - _Offline fallback: {_inline(takeaway.fallback_reason)}_"
    return line + "\n"


def _fallback_note(reason: str | None) -> str:
    """', a fallback: <reason>' after the engine name of a fallen-back result, else ''."""
    return f", a fallback: {_inline(reason)}" if reason else ""
