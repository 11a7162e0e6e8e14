"""The Python API: what the `paperbrief` command does, as functions (docs/python-api.md).

    import paperbrief

    digest = paperbrief.digest("examples/daily-papers-2026-03-05.txt", top=10, engine="offline")
    print(paperbrief.render(digest, "markdown", top=10))

`load` reads sources, `digest` writes a `Digest` of them, `render` turns it into Markdown, HTML,
plain text or JSON, `compare` compares two papers, `rank` ranks papers by an interests profile.
Each run is recorded in the store (`db`, default: $PAPERBRIEF_DB or the user data dir), whose
cache makes a second run cost nothing, exactly as the CLI's runs. Mistakes raise
`paperbrief.errors.PaperbriefError` subclasses (`UsageError`, `InputError`, `LockBusy`, ...)
carrying the message the CLI prints; a wrong `format` or `engine` name is a ValueError.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from paperbrief import steps
from paperbrief.errors import UsageError
from paperbrief.models import Comparison, Digest, Paper
from paperbrief.run import setup

if TYPE_CHECKING:
    from paperbrief.relate.ranking import Ranked

Source = str | os.PathLike[str]
Sources = Source | Sequence[Source] | Sequence[Paper]
EngineName = Literal["auto", "offline", "llm"]
Format = Literal["markdown", "html", "text", "json"]
Rest = Literal["takeaways", "titles", "none"]
DEFAULT_TOP = 25  # as `paperbrief digest --top`

__all__ = ["compare", "digest", "load", "rank", "render"]


def _day(value: str | date | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _specs(sources: Sources) -> tuple[list[str], list[Paper] | None]:
    """(source specs, papers given as they are)."""
    if isinstance(sources, (str, os.PathLike)):
        return [os.fspath(sources)], None
    items = list(sources)
    if items and all(isinstance(s, Paper) for s in items):
        return [], list(items)  # type: ignore[arg-type]
    if not all(isinstance(s, (str, os.PathLike)) for s in items):
        raise ValueError("sources: file paths or live specs (str), or Paper objects, not a mix")
    return [os.fspath(s) for s in items], None  # type: ignore[arg-type]


def _listing(sources: Sources, since: str | date | None, until: str | date | None,
             week: str | None) -> tuple[list[Paper], Any, list[str], list[str]]:
    """(papers, period or None, warnings, the specs read)."""
    specs, given = _specs(sources)
    if given is not None:
        return given, None, [], []
    if not specs:
        raise UsageError("no source given")
    papers, period, warnings = steps.load_listing(specs, _day(since), _day(until), week)
    return papers, period, warnings, specs


def _engines(engine: EngineName, model: str | None, base_url: str | None) -> tuple[Any, Any]:
    if engine not in ("auto", "offline", "llm"):
        raise ValueError(f"engine: 'auto', 'offline' or 'llm', not {engine!r}")
    offline = engine == "offline"
    if engine == "llm" and setup.offline_only(False, base_url):
        raise UsageError("engine='llm' needs OPENAI_API_KEY or OPENAI_BASE_URL (or base_url=)")
    return setup.choose_engine(offline=offline, model=model, base_url=base_url)


def load(
    sources: Sources, *, since: str | date | None = None, until: str | date | None = None,
    week: str | None = None,
) -> list[Paper]:
    """The papers of one or more sources, duplicates merged, inside the window if one is given.

    A source is a file (a Hugging Face Daily Papers page or API JSON, arXiv Atom or RSS, JSONL)
    or a live spec (`hf:2026-03-05`, `hf:2026-W10`, `arxiv:cs.CL`, `arxiv:search:QUERY`);
    `since`/`until` (a date, `YYYY-MM-DD`, `today` or `yesterday`) or `week` (`2026-W10`) keep
    the papers published in that window. Warnings (a live source that failed, skipped entries)
    go to the "paperbrief" logger.
    """
    return _listing(sources, since, until, week)[0]


def digest(
    sources: Sources,
    *,
    top: int = DEFAULT_TOP,
    engine: EngineName = "auto",
    interests: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    week: str | None = None,
    llm_all: bool = False,
    model: str | None = None,
    base_url: str | None = None,
    embedding_model: str | None = None,
    wait: float | None = None,
) -> Digest:
    """The digest of `sources` (see `load`), or of a list of `Paper`s: the `top` papers in
    detail (by the `interests` profile when there is one, else by upvotes, else the first),
    the rest by topic, and the head-to-head comparisons, as `paperbrief digest --json` makes it.

    `engine`: "offline" (extractive, no network), "llm" (the OpenAI-compatible server of
    $OPENAI_API_KEY / $OPENAI_BASE_URL or `base_url`, with `model`), or "auto" (the LLM when
    one is configured, else offline, as the CLI). `interests`: a profile file (TOML, BibTeX or
    CSL JSON; default: $PAPERBRIEF_INTERESTS, else the user config dir's interests.toml).
    `db`: the store (cache and run record). `wait`: seconds to wait for another run's lock
    (default: LockBusy at once). The reader's marks and papers seen before are the CLI's.
    """
    profile = steps.read_profile(interests)
    papers, period, warnings, specs = _listing(sources, since, until, week)
    period = steps.period_of(papers, period)
    engines = _engines(engine, model, base_url)
    with steps.session(db, wait, "digest", ["paperbrief.digest", *specs]) as (store, run_id):
        store.save_papers(papers)
        pipeline = setup.make_pipeline(engines, store, run_id)
        result = steps.digest_of(
            papers, period, pipeline, store, warnings=warnings, profile=profile, top=top,
            llm_all=llm_all, embed=steps.pipeline_embeddings(pipeline, store, embedding_model,
                                                             False),
        )
        store.finish_run(run_id, "ok", result.stats)
    return result


def render(
    digest: Digest, format: Format = "markdown", *, top: int = DEFAULT_TOP,
    rest: Rest = "takeaways", template: str | os.PathLike[str] | None = None,
) -> str:
    """The digest as text: "markdown" (the default), "html" (one self-contained page), "text"
    (plain, wrapped at 78 columns, as mailed) or "json" (the `Digest` as `--json` prints it).

    `top` and `rest` are `paperbrief digest`'s (pass the `top` the digest was made with);
    `template` a Jinja2 template for Markdown or HTML.
    """
    path = Path(template) if template is not None else None
    if format == "markdown":
        from paperbrief.digest.render import render_digest

        return render_digest(digest, path, top, rest)
    if format == "html":
        from paperbrief.digest.render_html import render_html_digest

        return render_html_digest(digest, path, top, rest)
    if format == "text":
        from paperbrief.digest.render_text import render_text_digest

        return render_text_digest(digest, top, rest)
    if format == "json":
        return digest.model_dump_json(indent=2) + "\n"
    raise ValueError(f"format: 'markdown', 'html', 'text' or 'json', not {format!r}")


def compare(
    a: str | Paper,
    b: str | Paper | None = None,
    *,
    source: Sources | None = None,
    engine: EngineName = "auto",
    db: str | os.PathLike[str] | None = None,
    model: str | None = None,
    base_url: str | None = None,
    embedding_model: str | None = None,
    wait: float | None = None,
) -> Comparison:
    """The comparison of papers `a` and `b`, as `paperbrief compare --json` makes it.

    Each is a `Paper`, or an arXiv id or link, or a title fragment of a paper in `source`
    (papers found nowhere are fetched from arXiv). Without `b`, `a` is compared with its most
    related paper in `source`. `engine`, `db`, `model`, `base_url`, `wait`: as for `digest`.
    """
    from paperbrief.sources.references import check_distinct, parse_reference

    named = [x for x in (a, b) if isinstance(x, str)]
    refs = [parse_reference(x) for x in named]
    check_distinct(refs)
    listing = _listing(source, None, None, None)[0] if source is not None else None
    if b is None and listing is None:
        raise UsageError("compare with one paper needs a source: the other paper is its most "
                         "related paper there")
    engines = _engines(engine, model, base_url)
    with steps.session(db, wait, "compare", ["paperbrief.compare", *named]) as (store, run_id):
        found = iter(steps.find(refs, listing, store) if refs else [])
        pair = [x if isinstance(x, Paper) else next(found) for x in (a, b) if x is not None]
        pipeline = setup.make_pipeline(engines, store, run_id)
        first, second, _ = steps.pair_to_compare(
            pair, listing,
            lambda: steps.pipeline_embeddings(pipeline, store, embedding_model, False),
        )
        if first.id == second.id:
            raise UsageError(f"{a!r} and {b!r} name the same paper ({first.id})")
        store.save_papers([first, second])
        (comparison,) = pipeline.comparisons([(first, second)])
        store.finish_run(run_id, "ok", pipeline.stats(2, comparisons=1))
    return comparison


def rank(
    sources: Sources, *, interests: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
) -> list[Ranked]:
    """The papers of `sources` ranked by relevance to the `interests` profile (default:
    $PAPERBRIEF_INTERESTS, else the user config dir's interests.toml), best first, each with
    its score and reasons, by TF-IDF (no LLM calls), as `paperbrief rank --offline`. Liked
    papers of the profile named by arXiv id are looked up in `db`, else fetched from arXiv."""
    from paperbrief.relate.interests import default_profile_path
    from paperbrief.relate.ranking import rank_listing

    profile = steps.find_and_load_profile(interests)  # its warnings logged
    if profile is None:
        raise UsageError(f"rank needs an interests profile (interests=, $PAPERBRIEF_INTERESTS or "
                         f"{default_profile_path()})")
    papers = load(sources)
    ranked, warnings = rank_listing(papers, profile, lookup=steps.paper_lookup(db),
                                    fetch=steps.fetch_liked(None))
    for warning in warnings:
        steps.log.warning("%s", warning)
    return ranked
