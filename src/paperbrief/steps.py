"""The steps a command is made of, shared by the CLI (paperbrief.cli) and the Python API
(paperbrief.api): reading sources inside a window, the store locked for a run, the relatedness
child process, embeddings through the store's cache, finding named papers, liked papers.

Nothing here reads a command line or writes to stdout; warnings go to the "paperbrief" logger.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paperbrief.models import Paper, Period

log = logging.getLogger("paperbrief")


def load_listing(
    sources: Sequence[str], since: str | None = None, until: str | None = None,
    week: str | None = None,
) -> tuple[list[Paper], Period | None, list[str]]:
    """Papers from the sources inside the window (first day, last day or ISO week; None: all),
    the period they cover, and warnings (each also logged)."""
    from paperbrief import sources as readers
    from paperbrief import windows
    from paperbrief.sources.live import utc_today

    today = utc_today()
    window = windows.make_window(since, until, week, today)
    listing = readers.load(list(sources), window, today=today)
    for warning in listing.warnings:
        log.warning("%s", warning)
    # a window names the digest's period; without one the sources' own period does
    return listing.papers, window or listing.period, list(listing.warnings)


def period_of(papers: Sequence[Paper], period: Period | None) -> Period:
    """`period`, else the one the papers' publication dates span."""
    if period is not None:
        return period
    from paperbrief import windows

    dates = [p.published for p in papers if p.published]
    start, end = (min(dates), max(dates)) if dates else (None, None)
    return Period(start=start, end=end, label=windows.label_for(start, end))


@contextmanager
def session(db: str | Path | None, wait: float | None, command: str,
            argv: Sequence[str]) -> Iterator[tuple[Any, int]]:
    """The store at `db` (None: the default), locked for this run, with the run recorded from
    start to finish (`argv` without URL credentials)."""
    from paperbrief.redact import redact_argv, strip_userinfo
    from paperbrief.run.lock import run_lock
    from paperbrief.store.core import Store, default_db_path
    from paperbrief.store.guard import check_ours

    db_path = Path(db) if db else default_db_path()
    check_ours(db_path)  # a foreign file is refused before even its lock file is made
    with run_lock(db_path, wait), Store(db_path) as store:
        store.mark_interrupted_runs()
        run_id = store.start_run(command, redact_argv(list(argv)))
        try:
            yield store, run_id
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            store.finish_run(run_id, status, error=strip_userinfo(str(exc)) or type(exc).__name__)
            raise


def find_and_load_profile(option: str | Path | None, *, announce: bool = False) -> Any:
    """The interests profile named by `option`, else $PAPERBRIEF_INTERESTS, else the user config
    dir's, read and checked (InputError when named but missing or malformed), its warnings
    logged (terms that cannot match: paperbrief.relate.profile_terms); None without one.
    `announce` logs which file it is."""
    from paperbrief.relate.interests import find_profile, load_profile

    path = find_profile(str(option) if option is not None else None)
    if path is None:
        return None
    if announce:
        log.info("interests profile: %s", path)
    profile = load_profile(path)
    for warning in profile.warnings:
        log.warning("%s", warning)
    return profile


def read_profile(option: str | Path | None) -> Any:
    """The interests profile to rank with (None without one, or with nothing usable in it), read
    and checked: `option`, else $PAPERBRIEF_INTERESTS, else the user config dir's."""
    profile = find_and_load_profile(option, announce=True)
    # none, or nothing usable in it: ranked by upvotes
    return None if profile is None or profile.is_empty else profile


def digest_of(
    papers: Sequence[Paper], period: Period, pipeline: Any, store: Any, *,
    warnings: Sequence[str] = (), profile: Any = None, top: int = 25, llm_all: bool = False,
    embed: Any = None, relater: Any = None, marks: Any = None,
    not_detailed: Collection[str] = (), prepare: Callable[[Any], None] | None = None,
) -> Any:
    """The Digest of `papers` over `period`, its takeaways and comparisons written by `pipeline`
    (cached in `store`, whose papers resolve liked ids): ranked by `profile` and `marks` (likes,
    dislikes), `top` detailed (none of `not_detailed`), related by `embed` (None: TF-IDF), in
    the `relater` child process when given. With `prepare`, the plan is made first and handed
    to it before anything is paid for (a batch submits it); else planning overlaps the first
    answers."""
    from paperbrief.digest.build import build_digest, plan_digest

    choice: dict[str, Any] = dict(
        profile=profile, top=top, llm_all=llm_all, lookup=store.get_paper,
        fetch=fetch_liked(store), embed=embed, relater=relater, marks=marks,
        not_detailed=not_detailed, cache=store,
    )
    plan = None
    if prepare is not None:
        plan = plan_digest(papers, **choice)
        prepare(plan)
    return build_digest(papers, period, pipeline, warnings=warnings, plan=plan, **choice)


def preload(module: str) -> None:
    """Import `module` in a thread while this one reads and stores the listing (an import of the
    same module here waits for it to finish)."""
    import importlib
    from contextlib import suppress

    def load() -> None:
        with suppress(Exception):  # the import where the module is needed reports it
            importlib.import_module(module)

    thread = threading.Thread(target=load, name=f"import {module}", daemon=True)
    thread.start()
    if not _LOADING:
        # a run that ends early (a refused lock: exit 75) waits for the import before the
        # interpreter shuts down: finalising one mid-import of a C extension crashed (SIGSEGV,
        # exit -11 in CI's overlapping-run test)
        atexit.register(_finish_loading)
    _LOADING.append(thread)


_LOADING: list[threading.Thread] = []


def _finish_loading() -> None:
    for thread in _LOADING:
        thread.join(timeout=60)


def relate_process() -> Any:
    """A child process importing scikit-learn for the plan (paperbrief.relate.process), unless
    this process has it already (then relatedness is made here, at no import cost)."""
    if "sklearn" in sys.modules:
        return None
    from paperbrief.relate.process import RelateProcess

    return RelateProcess()


def fetch_liked(store: Any | None) -> Callable[[list[str]], list[Paper]]:
    """Liked papers named by arXiv id and seen nowhere yet: fetched from arXiv in one request
    and, with a store, kept there (the next run does not fetch them again). One fetcher asks
    arXiv once per set of ids: asked again (a lab's readers, its profile texts and its plans
    resolve the same likes), it gives the same papers, or raises the same error, without
    waiting through arXiv's retries a second time."""
    from paperbrief.errors import PaperbriefError
    from paperbrief.sources.live import fetch_by_id

    answers: dict[tuple[str, ...], list[Paper] | PaperbriefError] = {}

    def fetch(ids: list[str]) -> list[Paper]:
        key = tuple(sorted(ids))
        if key not in answers:
            log.info("fetching liked papers %s from arXiv", ", ".join(ids))
            try:
                answers[key] = fetch_by_id(ids)
            except PaperbriefError as exc:
                answers[key] = exc
            else:
                if store is not None and answers[key]:
                    store.save_papers(answers[key])
        answer = answers[key]
        if isinstance(answer, PaperbriefError):
            raise answer
        return list(answer)

    return fetch


def paper_lookup(db: str | Path | None) -> Callable[[str], Paper | None] | None:
    """Papers seen by earlier runs, by id, from the database (read only; none if it is absent)."""
    from paperbrief.store.core import Store, default_db_path

    db_path = Path(db) if db else default_db_path()
    if not db_path.is_file():
        return None

    def lookup(paper_id: str) -> Paper | None:
        try:
            with Store(db_path) as store:
                return store.get_paper(paper_id)
        except Exception as exc:  # an unreadable database only costs the liked paper
            log.warning("%s: cannot look up %s: %s", db_path, paper_id, exc)
            return None

    return lookup


def find(refs: Sequence[Any], listing: Sequence[Paper] | None, store: Any,
         refresh: bool = False) -> list[Paper]:
    """The papers `refs` (parsed references) name: in the listing, else in the store (not with
    `refresh`), else fetched from arXiv in one request."""
    from paperbrief.sources.live import fetch_by_id
    from paperbrief.sources.lookup import find_papers

    def fetch(ids: list[str]) -> list[Paper]:
        log.info("fetching %s from arXiv", ", ".join(ids))
        return fetch_by_id(ids)

    stored = (lambda _id: None) if refresh else store.get_paper
    return find_papers(list(refs), list(listing) if listing is not None else None,
                       stored=stored, fetch=fetch)


def pair_to_compare(found: Sequence[Paper], listing: Sequence[Paper] | None,
                    embed: Callable[[], Any]) -> tuple[Paper, Paper, Any]:
    """The two papers to compare: the two `found`, or the one found and its most related paper
    in `listing` (by the embeddings `embed()` gives, None: TF-IDF), with that pick (a
    paperbrief.relate.partner.Partner that explains itself; None when both were named)."""
    picked = None
    if len(found) == 1:
        from paperbrief.relate.partner import most_related_to

        picked = most_related_to(found[0], listing or [], embed())
        found = [*found, picked.paper]
    a, b = found
    return a, b, picked


def pipeline_embeddings(pipeline: Any, store: Any, model_option: str | None,
                        refresh: bool) -> Any:
    """With the LLM engine: embed papers and profile through the store's cache, on the chat
    engine's endpoint, limiter and breaker, logged and budgeted with the run's other calls.
    None (TF-IDF) offline or with the embedding model 'none'."""
    if not pipeline.uses_llm:  # offline: not even the import (openai's costs about a second)
        return None
    from paperbrief.engines.llm.embed import Embedder, embedding_model

    model = embedding_model(model_option)
    if model is None:
        return None
    embedder = Embedder.for_engine(pipeline.engine, model)
    embedder.call_log = pipeline.engine.call_log  # the pipeline's: the store's log and usage
    embedder.may_call = lambda in_flight: pipeline.budget.exhausted(
        pipeline.report.usage, in_flight
    )
    return embed_with(embedder, store, refresh)


def embed_with(embedder: Any, store: Any, refresh: bool) -> Callable[..., Any]:
    """A listing embedder through the store's embeddings cache."""
    from paperbrief.relate.embedding import CachedEmbeddings, embed_listing

    cache = CachedEmbeddings(embedder, store, refresh=refresh)
    return lambda papers, texts: embed_listing(papers, texts, cache)


def rank_embedder(offline: bool, model_option: str | None, base_url: str | None) -> Any:
    """The embedder ranking uses: with an API key or base URL, unless `offline` or the
    embedding model 'none'."""
    from paperbrief.run.setup import offline_only

    if offline_only(offline, base_url):
        return None
    from paperbrief.engines.llm.embed import embedder_from_env, embedding_model

    model = embedding_model(model_option)
    return embedder_from_env(model, base_url) if model else None
