"""`--out DIR/` never silently replaces a digest of other papers (another period's digest).

In a folder paperbrief names the file after the period (`DIR/Mar-5-2026.md`). A period read
wrongly (a page's year guessed, a label without a year) would give the name of an older digest
and replace it. So before any work: when that file exists and lists none of this run's papers,
the run is refused (exit 2) and the file is left as it is. A rerun of the same period, which
shares papers with the file, replaces it as usual; `--out FILE` names the file to replace
explicitly and is never refused for this.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from paperbrief.errors import UsageError
from paperbrief.models import Paper

READ_LIMIT = 20_000_000  # characters of an existing digest read to look for the run's papers


def _mentions(text: str, paper: Paper) -> bool:
    from paperbrief.digest.render import md

    if paper.arxiv_id and paper.arxiv_id in text:
        return True
    title = paper.title.strip()
    return bool(title) and any(form in text for form in (title, md(title), html.escape(title)))


def check_replaceable(target: Path, papers: Sequence[Paper], option: str = "--out") -> None:
    """UsageError when `target` exists and lists none of `papers` (a digest of other papers).

    A paper is listed when its arXiv id or its title (as written, Markdown- or HTML-escaped)
    occurs in the file.
    """
    if not papers:
        return
    try:
        with target.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read(READ_LIMIT)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"{option} {target}: cannot read it: {exc.strerror or exc}") from None
    if not text.strip() or any(_mentions(text, paper) for paper in papers):
        return
    raise UsageError(
        f"{option} {target}: it exists and lists none of this run's {len(papers)} papers "
        "(a digest of another period?); left as it is: remove it, or give the file itself "
        f"as {option} to replace it"
    )
