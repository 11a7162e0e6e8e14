"""The `paperbrief` command line: digest, takeaway, compare, runs."""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import logging
import math
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from paperbrief import __version__
from paperbrief.errors import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_TERMINATED,
    OutputError,
    PaperbriefError,
    Terminated,
    UsageError,
)
from paperbrief.models import Paper, Period
from paperbrief.run import stopping
from paperbrief.safe_text import LINE_MAX_CHARS, CleanFormatter, brief, clean, short_lines

log = logging.getLogger("paperbrief")
COOLDOWN_ENV = "PAPERBRIEF_FAILURE_COOLDOWN"

EXIT_CODES = """exit codes:
  0   success (also: an empty listing, a budget that stopped paying)
  1   failure (e.g. a wrong API key, an exhausted quota or balance (HTTP 402, a per-day
      limit: the provider's message is shown, what was done is kept), nothing could be
      fetched, an internal error)
  2   usage error or bad input (unreadable, invalid, cut-off or unknown source; unknown
      paper; an output that cannot be written or is not a regular file; a damaged database
      or one a newer paperbrief changed)
  75  another run holds the database lock (try again later, or pass --wait SECONDS)
"""


REF_HELP = (
    "arXiv id (2401.01234v2, astro-ph/0601001), arxiv.org/abs, arxiv.org/pdf or "
    "huggingface.co/papers link, or a title fragment (needs --input)"
)


# -- argument parsing -------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and where to read more, not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# Upper bounds of numeric options (issue 28, item 18): beyond them a date, a timeout or an SQLite
# integer overflows deep inside a run (or after a batch was paid for), so they are refused first.
MAX_COUNT = 1_000_000_000  # --top, --max-calls, runs --limit: SQLite's INTEGER holds it
MAX_CONCURRENCY = 1_000
MAX_SECONDS = 86_400.0  # --timeout, --batch-poll: a day
MAX_WAIT = 7 * 86_400.0  # --wait: a week
MAX_COOLDOWN_HOURS = 10 * 8_766.0  # ten years
MIN_RPM, MAX_RPM = 0.001, 1_000_000.0


def _whole(text: str, maximum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {brief(text)!r}") from None
    if not 1 <= value <= maximum:
        raise argparse.ArgumentTypeError(
            f"expected a number from 1 to {maximum:,}, got {brief(text)!r}"
        )
    return value


def _positive_int(text: str) -> int:
    return _whole(text, MAX_COUNT)


def _concurrency(text: str) -> int:
    return _whole(text, MAX_CONCURRENCY)


def _finite(text: str, minimum: float, inclusive: bool, maximum: float = math.inf) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {brief(text)!r}") from None
    if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
        bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
        if maximum < math.inf:
            bound += f" and <= {maximum:g}"
        raise argparse.ArgumentTypeError(f"expected a finite number {bound}, got {brief(text)!r}")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"expected at most {maximum:g}, got {brief(text)!r}")
    return value


def _positive_finite(text: str) -> float:
    return _finite(text, 0.0, inclusive=False)


def _non_negative_finite(text: str) -> float:
    return _finite(text, 0.0, inclusive=True)


def _seconds(text: str) -> float:  # --timeout
    return _finite(text, 0.0, inclusive=False, maximum=MAX_SECONDS)


def _poll(text: str) -> float:  # --batch-poll
    return _finite(text, 0.0, inclusive=True, maximum=MAX_SECONDS)


def _wait(text: str) -> float:
    return _finite(text, 0.0, inclusive=True, maximum=MAX_WAIT)


def _rpm(text: str) -> float:
    return _finite(text, MIN_RPM, inclusive=True, maximum=MAX_RPM)


def _cooldown(text: str) -> float:
    return _finite(text, 0.0, inclusive=True, maximum=MAX_COOLDOWN_HOURS)


def _add_llm_call_options(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="give up on one LLM call after SECONDS (default: 30)")
    g.add_argument("--rpm", type=_rpm, metavar="N",
                   help="start at most N LLM calls a minute (default: no cap; 429s and the "
                   "server's x-ratelimit headers are obeyed anyway)")
    g.add_argument("--max-tokens", type=_positive_int, metavar="N",
                   help="output tokens one LLM answer may use, reasoning included (default: "
                   "$PAPERBRIEF_MAX_TOKENS, else 1200, or 16000 for a reasoning model)")
    g.add_argument("--failure-cooldown", type=_cooldown, metavar="HOURS",
                   help="do not pay again for an item whose answers failed until HOURS have "
                   f"passed (default: ${COOLDOWN_ENV} or 24; --refresh retries now)")


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--offline", action="store_true",
                   help="use the offline extractive engine even if an API key is set")
    g.add_argument("--model", help="model name (default: $PAPERBRIEF_MODEL or a small cheap model)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    g.add_argument("--concurrency", type=_concurrency, default=8,
                   help="LLM calls in flight at once (default: 8)")
    g.add_argument("--max-calls", type=_positive_int, metavar="N",
                   help="stop paying after N LLM calls; the rest get offline results")
    g.add_argument("--max-cost", type=_non_negative_finite, metavar="USD",
                   help="stop paying once the run has cost USD; the rest get offline results")
    _add_llm_call_options(g)
    s = p.add_argument_group("store")
    s.add_argument("--db", type=Path,
                   help="SQLite database (default: $PAPERBRIEF_DB or the user data dir)")
    s.add_argument("--refresh", action="store_true", help="ignore cached results and pay again")
    s.add_argument("--wait", type=_wait, metavar="SECONDS",
                   help="wait up to SECONDS for another run's lock instead of exiting 75")


def _add_window_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("window (by publication date)")
    g.add_argument("--since", metavar="DATE", help="first day: YYYY-MM-DD, today or yesterday")
    g.add_argument("--until", metavar="DATE", help="last day: YYYY-MM-DD, today or yesterday")
    g.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W48")


def _add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument("-v", "--verbose", action="store_true", help="say what is happening on stderr")
    g.add_argument("--log", type=Path, metavar="FILE", help="append a log of the run to FILE")


def _add_text_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "markdown"),
                   help="plain text wrapped at 78 columns, or Markdown (default: text when "
                   "stdout is a terminal, else markdown)")


def _add_interests_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interests", metavar="FILE",
                   help="interests profile: TOML, BibTeX (.bib) or CSL JSON export (default: "
                   "$PAPERBRIEF_INTERESTS, else interests.toml in the user config dir if present)")


def _add_embedding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--embedding-model", metavar="MODEL",
                   help="with an API key, rank, pair and group papers by this model's embeddings "
                   "(cached; default: $PAPERBRIEF_EMBEDDING_MODEL or text-embedding-3-small; "
                   "'none': TF-IDF)")


def _command(sub: Any, name: str, func: Callable[[argparse.Namespace], int]) -> Any:
    """A sub-command whose --help is the first line of `func`'s docstring."""
    summary = (func.__doc__ or name).strip().splitlines()[0]
    parser = sub.add_parser(name, help=summary[:1].lower() + summary[1:].rstrip("."),
                            description=summary, epilog=EXIT_CODES,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paperbrief",
        description="One-line takeaways, pairwise comparisons and a weekly Markdown digest "
        "of research papers. Sources are files (HF Daily Papers page or API JSON, arXiv "
        "Atom/RSS, JSONL) or live specs (hf:YYYY-MM-DD, hf:YYYY-Www, arxiv:CATEGORY, "
        "arxiv:search:QUERY).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"paperbrief {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    d = _command(sub, "digest", cmd_digest)
    d.add_argument("sources", nargs="*", metavar="SOURCE", help="file or live source spec")
    d.add_argument("--config", type=Path, metavar="LAB.toml",
                   help="a digest per reader of a lab: sources, readers, their profiles and "
                   "destinations (mail, Slack, Discord, Telegram, webhook) from this TOML file "
                   "(docs/lab.md)")
    d.add_argument("--digest-url", metavar="URL",
                   help="with --config: the full digest's URL chat messages link to "
                   "({reader} and {period} are filled in)")
    d.add_argument("--out", metavar="FILE|DIR",
                   help="write here (atomically); a directory gets PERIOD.md; default: stdout")
    d.add_argument("--top", type=_positive_int, default=25, metavar="N",
                   help="papers shown in detail: 'For you' with a profile, else the most "
                   "upvoted, else the first N (default: 25)")
    d.add_argument("--rest", choices=("takeaways", "titles", "none"), default="takeaways",
                   help="the other papers: one line with a short takeaway (default), the title "
                   "only, or not listed")
    d.add_argument("--llm-all", action="store_true",
                   help="pay the LLM for every paper's takeaway, not only the detailed ones")
    _add_interests_option(d)
    _add_embedding_option(d)
    d.add_argument("--template", type=Path, metavar="FILE", help="jinja2 template to render with")
    d.add_argument("--json", action="store_true", help="print the Digest as JSON instead")
    d.add_argument("--format", choices=("markdown", "html"),
                   help="markdown or html (default: html when --out ends in .html or .htm)")
    d.add_argument("--reader", metavar="NAME",
                   help="whose likes rank the digest and whose papers seen before are not "
                   "detailed again (default: $PAPERBRIEF_READER or 'default')")
    d.add_argument("--serve-url", metavar="URL",
                   help="address of `paperbrief serve`: each detailed paper of the HTML digest "
                   "(and mail) links 'More like this' / 'Not for me' there")
    d.add_argument("--seen", choices=("show", "hide", "again"), default="show",
                   help="papers this reader saw in detail before: one line under 'Seen before' "
                   "(default), left out, or detailed again")
    g = d.add_argument_group("delivery")
    g.add_argument("--email", metavar="ADDR[,ADDR...]",
                   help="mail the digest (text + HTML) once per period to each address; "
                   "server from $PAPERBRIEF_SMTP_URL, sender from $PAPERBRIEF_MAIL_FROM")
    g.add_argument("--resend", action="store_true",
                   help="with --email (or --config): send again to addresses and chat "
                   "destinations that already had this period")
    g.add_argument("--feed", metavar="FILE",
                   help="keep an Atom feed of digests in FILE (one entry per period)")
    g.add_argument("--feed-url", metavar="URL",
                   help="the URL FILE is served at (absolute links and the feed's id)")
    b = d.add_argument_group("batch (OpenAI Batch API: half the price, answers within 24 h)")
    b.add_argument("--batch", action="store_true",
                   help="send uncached takeaways and comparisons as one batch and return at once; "
                   "a later run collects it (until then the digest is provisional)")
    b.add_argument("--batch-wait", action="store_true",
                   help="like --batch, but poll until the batch is done and write the full digest")
    b.add_argument("--batch-poll", type=_poll, default=60.0, metavar="SECONDS",
                   help="seconds between polls with --batch-wait (default: 60)")

    t = _command(sub, "takeaway", cmd_takeaway)
    t.add_argument("refs", nargs="*", metavar="REF", help=REF_HELP)
    t.add_argument("--input", "-i", nargs="+", metavar="SOURCE", dest="sources",
                   help="listing to take papers from (default: fetch the named papers from arXiv)")
    t.add_argument("--json", action="store_true", help="one JSON object per line")
    _add_text_format_option(t)

    c = _command(sub, "compare", cmd_compare)
    c.add_argument("a", metavar="A", help=REF_HELP)
    c.add_argument("b", metavar="B", nargs="?",
                   help="the other paper (default: A's most related paper in the --input listing)")
    c.add_argument("--input", "-i", nargs="+", metavar="SOURCE", dest="sources",
                   help="listing to find papers in (ids absent from it are fetched from arXiv)")
    c.add_argument("--json", action="store_true", help="print the Comparison as JSON")
    _add_text_format_option(c)
    _add_embedding_option(c)
    for paying in (d, t, c):
        _add_window_options(paying)
        _add_engine_options(paying)
        _add_output_options(paying)

    k = _command(sub, "rank", cmd_rank)
    k.add_argument("--input", "-i", nargs="+", required=True, metavar="SOURCE", dest="sources")
    k.add_argument("--json", action="store_true", help="one JSON object per line")
    k.add_argument("--db", type=Path,
                   help="database whose papers resolve liked arXiv ids and that caches "
                   "embeddings (default: $PAPERBRIEF_DB)")
    _add_interests_option(k)
    _add_embedding_option(k)
    k.add_argument("--offline", action="store_true",
                   help="rank by TF-IDF even if an API key is set (no embeddings calls)")
    k.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    k.add_argument("--reader", metavar="NAME",
                   help="whose likes and dislikes train the ranking (default: $PAPERBRIEF_READER "
                   "or 'default'); with 2 likes or more, rank needs no profile")
    k.add_argument("--wait", type=_wait, metavar="SECONDS",
                   help="with embeddings: wait up to SECONDS for another run's lock instead of "
                   "exiting 75")
    k.set_defaults(refresh=False)
    _add_window_options(k)
    _add_output_options(k)

    from paperbrief.cli_marks import add_commands  # like, dislike, unmark, marks (issue 25)

    add_commands(sub, _command, REF_HELP, _add_window_options, _add_output_options)

    r = _command(sub, "runs", cmd_runs)
    r.add_argument("--limit", type=_positive_int, default=10, metavar="N")
    r.add_argument("--db", type=Path, help="SQLite database (default: $PAPERBRIEF_DB)")
    r.add_argument("--json", action="store_true", help="one JSON object per line")
    r.set_defaults(verbose=False, log=None)
    return parser


# -- shared set-up ----------------------------------------------------------------------------


def _setup_logging(verbose: bool, log_file: Path | None) -> None:
    log.handlers.clear()
    log.setLevel(logging.DEBUG)
    log.propagate = False
    err = logging.StreamHandler(sys.stderr)
    # quiet under cron (which mails any stderr): what is happening only with -v or on a
    # terminal; warnings and errors always
    err.setLevel(logging.INFO if verbose or _is_tty(sys.stderr) else logging.WARNING)
    # no escapes from input, no 4 KB line (the --log file below keeps whole lines)
    err.setFormatter(CleanFormatter("paperbrief: %(message)s", max_chars=LINE_MAX_CHARS))
    log.addHandler(err)
    if log_file is not None:
        from paperbrief.atomic import writable_file

        log_file = writable_file(log_file, "--log")  # a regular file, never a FIFO or device
        try:
            log_file.expanduser().parent.mkdir(parents=True, exist_ok=True)
            fh = logging.FileHandler(log_file.expanduser(), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--log {log_file}: {exc.strerror or exc}") from exc
        fh.setLevel(logging.INFO)
        fh.setFormatter(CleanFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(fh)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def _choose_engine(args: argparse.Namespace) -> tuple[Any, Any]:
    """(engine, offline engine): the LLM when a key or base URL is configured, else offline."""
    if _offline_only(args):
        from paperbrief.engines.offline.engine import OfflineEngine

        if args.offline:
            log.info("using the offline engine (--offline)")
        else:
            log.info("no OPENAI_API_KEY or OPENAI_BASE_URL: using the offline engine")
        offline = OfflineEngine()
        return offline, offline
    from paperbrief.engines.llm.engine import DEFAULT_TIMEOUT, llm_engine_from_env
    from paperbrief.engines.offline.lazy import LazyOfflineEngine
    from paperbrief.ratelimit import RateLimiter

    offline = LazyOfflineEngine()  # the fallback: imported if and when needed, not before
    engine = llm_engine_from_env(
        model=args.model,
        base_url=args.base_url,
        fallback=offline,
        timeout=args.timeout or DEFAULT_TIMEOUT,
        limiter=RateLimiter(args.concurrency, rpm=args.rpm),
        max_tokens=getattr(args, "max_tokens", None),
    )
    if engine is None:
        return offline.engine, offline.engine
    log.info("using model %s", engine.name)
    return engine, offline


def _check_priced(engine: Any) -> None:
    """--max-cost needs the model's price: refused (exit 2) when it is unknown."""
    from paperbrief.pricing import find_price, unpriced_message

    prices = getattr(engine, "prices", None)
    if prices is None:  # the offline engine costs nothing
        return
    if find_price(prices, engine.model) is None:
        raise UsageError(f"--max-cost: {unpriced_message(engine.model)}")
    engine.cost_limited = True


def _load(args: argparse.Namespace) -> tuple[list[Paper], Period | None, list[str]]:
    """Papers from the sources inside the window flags, the period they cover, and warnings."""
    from paperbrief import sources, windows
    from paperbrief.sources.live import utc_today

    today = utc_today()
    window = windows.make_window(args.since, args.until, args.week, today)
    listing = sources.load(args.sources, window, today=today)
    for warning in listing.warnings:
        log.warning("%s", warning)
    # window flags name the digest's period; without them the sources' own period does
    return listing.papers, window or listing.period, list(listing.warnings)


@contextmanager
def _session(args: argparse.Namespace, command: str) -> Iterator[tuple[Any, int]]:
    """The store, locked for this run, with the run recorded from start to finish."""
    from paperbrief.redact import redact_argv, strip_userinfo
    from paperbrief.run.lock import run_lock
    from paperbrief.store.core import Store, default_db_path
    from paperbrief.store.guard import check_ours

    db_path = Path(args.db) if args.db else default_db_path()
    check_ours(db_path)  # a foreign file is refused before even its lock file is made
    with run_lock(db_path, args.wait), Store(db_path) as store:
        store.mark_interrupted_runs()
        # no URL credentials (--base-url http://user:pass@...) in the stored command line
        argv = redact_argv(getattr(args, "argv", None) or sys.argv[1:])
        run_id = store.start_run(command, argv)
        try:
            yield store, run_id
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            store.finish_run(run_id, status, error=strip_userinfo(str(exc)) or type(exc).__name__)
            raise


def _failure_cooldown(args: argparse.Namespace) -> float:
    """Hours of the failure cooldown: the option, else $PAPERBRIEF_FAILURE_COOLDOWN, else 24."""
    if args.failure_cooldown is not None:
        return float(args.failure_cooldown)
    raw = os.environ.get(COOLDOWN_ENV, "").strip()
    if not raw:
        return 24.0
    try:
        return _cooldown(raw)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"${COOLDOWN_ENV}: {exc}") from None


def _pipeline(args: argparse.Namespace, store: Any, run_id: int, total: int) -> Any:
    from datetime import timedelta

    from paperbrief.run.pipeline import Budget, Pipeline

    cooldown = timedelta(hours=_failure_cooldown(args))
    engine, offline = _choose_engine(args)
    if args.max_cost is not None:
        _check_priced(engine)
    return Pipeline(
        engine,
        offline,
        store=store,
        run_id=run_id,
        concurrency=args.concurrency,
        refresh=args.refresh,
        budget=Budget(max_calls=args.max_calls, max_cost=args.max_cost),
        progress=_progress(total),
        failure_cooldown=cooldown,
    )


def _preload(module: str) -> None:
    """Import `module` in a thread while this one reads and stores the listing (an import of the
    same module here waits for it to finish)."""
    import importlib
    from contextlib import suppress

    def load() -> None:
        with suppress(Exception):  # the import where the module is needed reports it
            importlib.import_module(module)

    threading.Thread(target=load, name=f"import {module}", daemon=True).start()


def _relate_process() -> Any:
    """A child process importing scikit-learn for the plan (paperbrief.relate.process), unless
    this process has it already (then relatedness is made here, at no import cost)."""
    if "sklearn" in sys.modules:
        return None
    from paperbrief.relate.process import RelateProcess

    return RelateProcess()


def _check_endpoint(args: argparse.Namespace) -> None:
    """A base URL that cannot be an http(s) endpoint is exit 2 before any work, not an outage
    (issue 28, item 23); unused (offline, `runs`), it is not looked at."""
    if not hasattr(args, "base_url") or _offline_only(args):
        return
    from paperbrief.base_url import check_base_url

    if args.base_url is not None:
        check_base_url(args.base_url, "--base-url")
    elif os.environ.get("OPENAI_BASE_URL"):
        check_base_url(os.environ["OPENAI_BASE_URL"], "$OPENAI_BASE_URL")


def _offline_only(args: argparse.Namespace) -> bool:
    """The offline engine does the work: --offline, or no API key or base URL to reach an LLM."""
    configured = os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")
    return bool(args.offline or not (configured or args.base_url))


def _batch_mode(args: argparse.Namespace, pipeline: Any, store: Any, run_id: int, plan) -> Any:
    """Collect finished batches, submit what is missing (see paperbrief.run.batching), and switch
    the pipeline to the engine that answers from batches (only what the digest pays for: the
    detailed papers and their comparisons, unless --llm-all)."""
    from paperbrief.run.batching import BatchMode
    from paperbrief.run.pipeline import Budget

    if not pipeline.uses_llm:
        raise UsageError("--batch needs the LLM engine (set OPENAI_API_KEY or OPENAI_BASE_URL)")
    mode = BatchMode(
        pipeline.engine,
        store,
        run_id,
        refresh=args.refresh,
        poll=args.batch_poll,
        cooldown=pipeline.failure_cooldown,
        budget=pipeline.budget,
    )
    mode.prepare(plan.paid_papers(True), plan.pairs, wait=args.batch_wait)
    pipeline.engine = mode.engine(pipeline.offline)
    pipeline.refresh = False  # --refresh went into the batch; its answers are in the cache now
    if not mode.asks_live:  # the budget went into the batch; stand-ins cost nothing
        pipeline.budget = Budget()
    return mode


def _embeddings(args: argparse.Namespace, pipeline: Any, store: Any) -> Any:
    """With the LLM engine: embed papers and profile through the store's cache, on the chat
    engine's endpoint, limiter and breaker, logged and budgeted with the run's other calls.
    None (TF-IDF) offline or with --embedding-model none."""
    if not pipeline.uses_llm:  # offline: not even the import (openai's costs about a second)
        return None
    from paperbrief.engines.llm.embed import Embedder, embedding_model

    model = embedding_model(args.embedding_model)
    if model is None:
        return None
    embedder = Embedder.for_engine(pipeline.engine, model)
    embedder.call_log = pipeline.engine.call_log  # the pipeline's: the store's log and usage
    embedder.may_call = lambda in_flight: pipeline.budget.exhausted(
        pipeline.report.usage, in_flight
    )
    return _embed_with(embedder, store, args.refresh)


def _embed_with(embedder: Any, store: Any, refresh: bool) -> Callable[..., Any]:
    from paperbrief.relate.embedding import CachedEmbeddings, embed_listing

    cache = CachedEmbeddings(embedder, store, refresh=refresh)
    return lambda papers, texts: embed_listing(papers, texts, cache)


def _progress(total: int) -> Callable[[str], None] | None:
    """A rich progress bar on an interactive stderr; nothing otherwise (cron stays quiet)."""
    if not sys.stderr.isatty() or total == 0:
        return None
    from rich.progress import Progress

    bar = Progress(transient=True, console=None)
    task = bar.add_task("writing", total=total)
    bar.start()

    def tick(_label: str) -> None:
        bar.advance(task)
        if bar.finished:
            bar.stop()

    return tick


def _report_budget(pipeline: Any, where: str = "see the digest footer") -> None:
    """Say once (a warning: cron mails it) that the budget stopped paying or items fell back
    to the offline engine (with the reason when the LLM endpoint was given up), then what was
    done."""
    report = pipeline.report
    fallbacks = report.fallback_line()
    if fallbacks:
        log.warning("%s: %s", fallbacks, where)
    if report.budget_stop:
        log.warning(
            "%s; %d result(s) written by the offline engine instead (marked in the output)",
            report.budget_stop,
            report.budget_fallbacks,
        )
    u = report.usage
    log.info(
        "%d LLM call(s), %d tokens (%d cached), $%.4f; %d result(s) from the cache; "
        "%d offline fallback(s)",
        u.calls,
        u.prompt_tokens + u.completion_tokens,
        u.cached_tokens,
        u.cost_usd,
        report.cache_hits,
        report.fallbacks,
    )


# -- standard output and signals ---------------------------------------------------------------


def _out(text: str) -> None:
    """Write to stdout now (flushed): a closed or full stdout is an OutputError (exit 74)."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed (write to a file with --out)")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise  # the reader left (`| head`): not an error
    except (OSError, ValueError) as exc:  # ENOSPC, EIO; ValueError: the stream was closed
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"cannot write to standard output: {reason}") from exc


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass  # stdout was never open: nothing left to flush


# -- commands ---------------------------------------------------------------------------------


def _digest_format(args: argparse.Namespace) -> str:
    """'markdown' or 'html': --format, else by the extension of --out."""
    if args.json and args.format:
        raise UsageError("--json and --format cannot be used together")
    if args.format:
        return str(args.format)
    out = str(args.out or "").lower()
    return "html" if out.endswith((".html", ".htm")) else "markdown"


def _plain_text(args: argparse.Namespace) -> bool:
    """Whether `takeaway`/`compare` print plain text: --format text, or stdout is a terminal."""
    if args.json and args.format:
        raise UsageError("--json and --format cannot be used together")
    if args.format:
        return bool(args.format == "text")
    return bool(sys.stdout is not None and sys.stdout.isatty())


def _profile(option: str | None) -> Any:
    """The interests profile to rank with (None without one), read and checked."""
    from paperbrief.relate.interests import find_profile, load_profile

    path = find_profile(option)
    if path is None:
        return None
    log.info("interests profile: %s", path)
    profile = load_profile(path)
    for warning in profile.warnings:  # terms that cannot match (paperbrief.relate.profile_terms)
        log.warning("%s", warning)
    return None if profile.is_empty else profile  # nothing usable: ranked by upvotes


def cmd_digest(args: argparse.Namespace) -> int:
    """Write the digest (Markdown or HTML) of one or more sources."""
    if args.config is not None:  # several readers: paperbrief.lab
        from paperbrief.lab import run_lab

        return run_lab(args)
    if not args.sources:
        raise UsageError("digest needs a SOURCE (or --config LAB.toml)")
    offline = _offline_only(args)
    if not offline:  # first, beside this thread's work
        # openai: about a second, while the listing is read
        _preload("paperbrief.engines.llm.engine")
    from paperbrief import windows
    from paperbrief.atomic import check_output, output_path, writable_file, write_atomic
    from paperbrief.deliver.output_guard import guard_outputs
    from paperbrief.deliver.overwrite import check_replaceable
    from paperbrief.digest.build import build_digest, plan_digest
    from paperbrief.redact import strip_userinfo

    if args.template is not None and not args.template.is_file():
        raise UsageError(f"--template {args.template}: no such file")
    fmt = _digest_format(args)
    if args.out is None and sys.stdout is None:
        raise OutputError("standard output is closed (write to a file with --out)")
    if args.template is not None and not args.json:  # compiled before any fetching or paying
        from paperbrief.digest.render import check_template
        from paperbrief.digest.render_html import check_html_template

        (check_html_template if fmt == "html" else check_template)(args.template)
    if args.out is not None:
        check_output(args.out)  # before any fetching or paying
    mail = _check_delivery(args)
    batch = args.batch or args.batch_wait
    if batch and offline:
        raise UsageError(
            "--batch needs the LLM engine: set OPENAI_API_KEY or OPENAI_BASE_URL (not --offline)"
        )
    profile = _profile(args.interests)  # a malformed profile fails before anything is fetched
    from paperbrief.cli_marks import serve_url_option

    serve_url = serve_url_option(args.serve_url)
    # offline, scikit-learn's import for the plan starts now, in a child on the other core, while
    # this process reads the listing (with a profile, ranking needs the TF-IDF space here)
    relater = _relate_process() if offline and profile is None else None
    papers, period, warnings = _load(args)
    if period is None:
        dates = [p.published for p in papers if p.published]
        start, end = (min(dates), max(dates)) if dates else (None, None)
        period = Period(start=start, end=end, label=windows.label_for(start, end))
    target = None
    if args.out is not None:  # DIR/ gets its file name from the period: check it before paying
        suffix = ".json" if args.json else ".html" if fmt == "html" else ".md"
        named = output_path(args.out, windows.file_label(period), suffix)  # ISO dates
        target = writable_file(named, "--out")
        guard_outputs(args, target)
        if named != Path(args.out).expanduser():
            check_replaceable(target, papers)  # never another period's digest, silently
    with _session(args, "digest") as (store, run_id):
        store.save_papers(papers)
        from paperbrief.cli_marks import seen_and_marks  # issue 25: marks, papers seen before

        papers, reader, seen, marks = seen_and_marks(args, store, papers, period)
        pipeline = _pipeline(args, store, run_id, total=len(papers) * 3 // 2)
        # once openai is imported (the first requests' CPU work done), scikit-learn's import
        # runs in a child on the other core, while the first answers are awaited
        if relater is None and pipeline.uses_llm:
            relater = _relate_process()
        choice = dict(profile=profile, top=args.top, llm_all=args.llm_all,
                      lookup=store.get_paper, fetch=_fetch_liked(store),
                      embed=_embeddings(args, pipeline, store),
                      relater=relater.relate if relater is not None else None,
                      marks=marks, not_detailed=seen.seen_before if seen else ())
        # live: build_digest plans while the first takeaways are paid for; a batch needs it first
        plan = plan_digest(papers, **choice) if batch else None
        mode = _batch_mode(args, pipeline, store, run_id, plan) if batch else None
        digest = build_digest(papers, period, pipeline, warnings=warnings, plan=plan, **choice)
        if seen is not None:
            from paperbrief.relate.seen import annotate

            annotate(digest, seen)
        digest.serve_url = serve_url
        if relater is not None:
            relater.close()  # ended if unused (e.g. a plan given, or made before)
        if mode is not None:
            mode.finish(digest.stats, pipeline.report)
        if args.json:
            text = digest.model_dump_json(indent=2) + "\n"
        elif fmt == "html":
            from paperbrief.digest.render_html import render_html_digest

            text = render_html_digest(digest, args.template, args.top, args.rest)
        else:
            from paperbrief.digest.render import render_digest  # jinja2's templates: after the work

            text = render_digest(digest, args.template, args.top, args.rest)
        if target is not None:
            write_atomic(target, text)
            log.info("wrote %s (%d papers)", target, len(papers))
        else:
            _out(text)
        if mail is not None and digest.stats.provisional:
            log.info("not mailed yet: the digest is provisional (the run that collects mails it)")
            mail = None  # mailed once per period: the full digest, not the stand-ins
        if reader is not None:  # what this reader now saw in detail
            store.record_seen(reader, [p for p in papers if p.id in set(digest.detailed or [])],
                              period.label, period.start, period.end)
        failure = _deliver(args, digest, fmt, text, target, mail, store, run_id)
        store.finish_run(run_id, "failed" if failure else "ok", digest.stats,
                         error=strip_userinfo(str(failure)) if failure else None)
    _report_budget(pipeline)
    if not papers:
        log.info("no papers in %s", period.label)
    if failure:
        raise failure
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    """'1 topic', '3 topics' (not '1 topics')."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check_delivery(args: argparse.Namespace) -> tuple[Any, list[str]] | None:
    """Validate --email/--resend/--feed before any work; the SMTP settings and recipients."""
    from paperbrief.deliver.feed import check_feed, check_feed_url

    if args.resend and not args.email:
        raise UsageError("--resend needs --email")
    if args.feed_url and not args.feed:
        raise UsageError("--feed-url needs --feed")
    if args.feed is not None:
        check_feed(args.feed)
        if args.feed_url:
            args.feed_url = check_feed_url(args.feed_url)  # user:token@ never goes public
    if not args.email:
        return None
    from paperbrief.deliver.mail import parse_recipients, settings_from_env

    recipients = parse_recipients(args.email)
    return settings_from_env(), recipients


def _deliver(args: argparse.Namespace, digest: Any, fmt: str, text: str, target: Path | None,
             mail: tuple[Any, list[str]] | None, store: Any, run_id: int) -> Exception | None:
    """Update the feed, then mail the digest; an SMTP failure is returned, not raised, so the
    run is recorded (as failed) with its stats before the CLI reports it."""
    from paperbrief.digest.render_html import render_html_digest

    written = None if args.json else fmt
    feed_failure = None
    if args.feed is not None:
        try:  # a feed problem (a damaged feed, a full disk) never stops the mail
            _update_feed(args, digest, fmt, written, target)
        except (PaperbriefError, OSError) as exc:
            log.warning("the feed was not updated; the digest and the mail go on")
            feed_failure = PaperbriefError(str(exc))  # exit 1: the work is done, the feed failed
    if mail is None:
        return feed_failure
    from paperbrief.deliver.mail import DeliveryError, deliver_digest

    settings, recipients = mail
    from paperbrief.digest.render_text import render_text_digest

    plain = render_text_digest(digest, args.top, args.rest)  # the text part: plain, not Markdown
    html = text if written == "html" else render_html_digest(digest, None, args.top, args.rest)
    try:
        sent = deliver_digest(store, run_id, settings, recipients, period=digest.period.label,
                              papers=digest.stats.papers, text=plain, html=html,
                              resend=args.resend, digest=_digest_key(args))
    except DeliveryError as exc:
        return exc
    log.info("mailed %s to %d address(es)", digest.period.label, len(sent))
    return feed_failure


def _digest_key(args: argparse.Namespace) -> str:
    """The digest's identity within its period: its sources and profile (digest_identity)."""
    from paperbrief.digest.identity import digest_key
    from paperbrief.relate.interests import find_profile

    return digest_key(args.sources, find_profile(args.interests))


def _update_feed(args: argparse.Namespace, digest: Any, fmt: str, written: str | None,
                 target: Path | None) -> None:
    from paperbrief.deliver.feed import link_to, update_feed
    from paperbrief.deliver.mail import subject
    from paperbrief.digest.render_html import render_html_body

    feed = Path(args.feed)
    update_feed(
        feed,
        period=digest.period.label,
        start=digest.period.start,
        end=digest.period.end,
        title=subject(digest.period.label, digest.stats.papers),
        summary=f"{_count(digest.stats.papers, 'paper')} in "
        f"{_count(len(digest.topics), 'topic')}, "
        f"{_count(len(digest.comparisons), 'head-to-head comparison')}.",
        content=render_html_body(digest, args.template if written == "html" else None,
                                 args.top),
        link=link_to(target, feed, args.feed_url) if target else None,
        link_type="application/json" if args.json else
        "text/html" if fmt == "html" else "text/markdown",
        feed_url=args.feed_url,
    )
    log.info("updated the feed %s", feed)


def _find(args: argparse.Namespace, refs: list[Any], listing: list[Paper] | None,
          store: Any) -> list[Paper]:
    """The papers `refs` name: in the listing, else in the store (not with --refresh), else
    fetched from arXiv in one request and kept in the store."""
    from paperbrief.sources.live import fetch_by_id
    from paperbrief.sources.lookup import find_papers

    def fetch(ids: list[str]) -> list[Paper]:
        log.info("fetching %s from arXiv", ", ".join(ids))
        return fetch_by_id(ids)

    stored = (lambda _id: None) if args.refresh else store.get_paper
    return find_papers(refs, listing, stored=stored, fetch=fetch)


def cmd_takeaway(args: argparse.Namespace) -> int:
    """Print the takeaways of the named papers, or of all of them."""
    from paperbrief.digest.render import render_takeaway
    from paperbrief.digest.render_text import render_text_takeaway
    from paperbrief.sources.references import parse_reference

    plain = _plain_text(args)
    refs = [parse_reference(ref) for ref in args.refs]  # a malformed one: exit 2 at once
    if not refs and not args.sources:
        raise UsageError("name papers (arXiv ids or links), or pass --input SOURCE")
    listing = _load(args)[0] if args.sources else None
    with _session(args, "takeaway") as (store, run_id):
        chosen = _find(args, refs, listing, store) if refs else list(listing or [])
        store.save_papers(chosen)
        pipeline = _pipeline(args, store, run_id, total=len(chosen))
        takeaways = pipeline.takeaways(chosen)
        for paper in chosen:
            t = takeaways[paper.id]
            if args.json:
                _out(t.model_dump_json() + "\n")
            else:
                _out(render_takeaway(t, paper) if not plain else render_text_takeaway(t, paper))
        store.finish_run(run_id, "ok", pipeline.stats(len(chosen), takeaways=len(takeaways)))
    _report_budget(pipeline, "marked in the output")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two papers named by arXiv id, link or title fragment (or one with its nearest)."""
    from paperbrief.digest.render import render_comparison
    from paperbrief.digest.render_text import render_text_comparison
    from paperbrief.relate.partner import most_related_to
    from paperbrief.sources.references import check_distinct, parse_reference

    plain = _plain_text(args)
    refs = [parse_reference(ref) for ref in (args.a, args.b) if ref is not None]
    check_distinct(refs)
    if len(refs) == 1 and not args.sources:
        raise UsageError(
            "compare with one paper needs --input SOURCE: the other paper is its most related "
            "paper there"
        )
    listing = _load(args)[0] if args.sources else None
    with _session(args, "compare") as (store, run_id):
        found = _find(args, refs, listing, store)
        pipeline = _pipeline(args, store, run_id, total=1)
        picked = None
        if len(found) == 1:
            embed = _embeddings(args, pipeline, store)  # with a key: the digest's relatedness
            picked = most_related_to(found[0], listing or [], embed)
            found.append(picked.paper)
            sys.stderr.write(f"paperbrief: {picked.explain()}\n")
        a, b = found
        if a.id == b.id:
            raise UsageError(f"{args.a!r} and {args.b!r} name the same paper ({a.id})")
        store.save_papers([a, b])
        (comparison,) = pipeline.comparisons([(a, b)])
        usage = pipeline.report.usage
        if args.json:
            payload = comparison.model_dump(mode="json") | {"usage": usage.model_dump()}
            if picked is not None:
                payload["picked"] = picked.as_dict()
            _out(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            _out((render_text_comparison if plain else render_comparison)(comparison, a, b))
        store.finish_run(run_id, "ok", pipeline.stats(2, comparisons=1))
    _report_budget(pipeline, "marked in the output")
    return EXIT_OK


def _fetch_liked(store: Any | None) -> Callable[[list[str]], list[Paper]]:
    """Liked papers named by arXiv id and seen nowhere yet: fetched from arXiv in one request
    and, with a store, kept there (the next run does not fetch them again)."""
    from paperbrief.sources.live import fetch_by_id

    def fetch(ids: list[str]) -> list[Paper]:
        log.info("fetching liked papers %s from arXiv", ", ".join(ids))
        papers = fetch_by_id(ids)
        if store is not None and papers:
            store.save_papers(papers)
        return papers

    return fetch


def _paper_lookup(db: Path | None) -> Callable[[str], Paper | None] | None:
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


def cmd_rank(args: argparse.Namespace) -> int:
    """Rank papers by relevance to your interests profile, with reasons (no chat-model calls)."""
    from paperbrief.cli_marks import rank_marked, reader_marks
    from paperbrief.relate.interests import default_profile_path, find_profile, load_profile
    from paperbrief.relate.learned_rank import MIN_LIKES
    from paperbrief.relate.ranking import rank_listing, ranked_as_dict

    path = find_profile(args.interests)
    likes, dislikes = reader_marks(args)
    if path is None and len(likes) < MIN_LIKES:
        raise UsageError(
            "rank needs an interests profile (--interests FILE, $PAPERBRIEF_INTERESTS or "
            f"{default_profile_path()}) or at least {MIN_LIKES} liked papers (paperbrief like ID)"
        )
    profile = load_profile(path) if path else None  # a malformed one fails before any fetch
    for warning in profile.warnings if profile else []:  # terms that cannot match
        log.warning("%s", warning)
    papers, _, _ = _load(args)
    embedder = _rank_embedder(args)
    if len(likes) >= MIN_LIKES:  # a ranking learned from the marks (issue 25)
        ranked, warnings = rank_marked(args, papers, likes, dislikes, profile, embedder), []
    elif embedder is None:
        ranked, warnings = rank_listing(
            papers, profile,  # type: ignore[arg-type]  # None only with MIN_LIKES likes
            lookup=_paper_lookup(args.db), fetch=_fetch_liked(None),
        )
    else:
        with _session(args, "rank") as (store, run_id):
            embedder.call_log = lambda call: store.log_call(run_id, call)
            ranked, warnings = rank_listing(
                papers, profile,  # type: ignore[arg-type]
                lookup=store.get_paper, fetch=_fetch_liked(store),
                embed=_embed_with(embedder, store, False),
            )
            store.finish_run(run_id, "ok")
    for warning in warnings:
        log.warning("%s", warning)
    for position, r in enumerate(ranked, 1):
        if args.json:
            _out(json.dumps(ranked_as_dict(position, r), ensure_ascii=False) + "\n")
        else:
            _out(
                f"{position:>4}. {r.score:6.3f}  {r.paper.id}  {r.paper.display_title}\n"
                f"{'':14}{r.reason}\n"
            )
    return EXIT_OK


def _rank_embedder(args: argparse.Namespace) -> Any:
    """The embedder `rank` uses: with an API key or base URL, unless --offline or
    --embedding-model none."""
    if _offline_only(args):
        return None
    from paperbrief.engines.llm.embed import embedder_from_env, embedding_model

    model = embedding_model(args.embedding_model)
    return embedder_from_env(model, args.base_url) if model else None


def _nobody_running(db_path: Path) -> bool:
    """True when no run holds the lock (then runs still 'running' were killed). Taking the lock
    needs a writable folder: without one, nobody can be running a paid run here either."""
    from paperbrief.errors import LockBusy
    from paperbrief.run.lock import run_lock

    try:
        with run_lock(db_path, 0):
            return True
    except LockBusy:
        return False  # a live run holds the lock: its 'running' is true
    except PaperbriefError:
        return not os.access(db_path.parent, os.W_OK)


def cmd_runs(args: argparse.Namespace) -> int:
    """List recent runs with their calls, tokens, cost and failures."""
    from dataclasses import replace

    from paperbrief.store.core import Store, default_db_path

    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.exists():
        raise UsageError(f"{db_path}: no database yet (run `paperbrief digest` first)")
    with Store(db_path, read_only=True) as store:  # reading never writes: read-only files work
        try:
            runs = store.recent_runs(args.limit)
        except sqlite3.Error as exc:
            raise UsageError(f"{db_path}: cannot list its runs ({exc}); a run of `paperbrief "
                             "digest` with write access brings its schema up to date") from exc
    if any(run.status == "running" for run in runs) and _nobody_running(db_path):
        runs = [replace(r, status="interrupted") if r.status == "running" else r for r in runs]
    from paperbrief.redact import redact_argv, strip_userinfo

    # runs stored before credentials were left out of the command line are shown without them
    runs = [replace(r, argv=redact_argv(r.argv), error=strip_userinfo(r.error) if r.error else None)
            for r in runs]
    for run in runs:
        if args.json:
            _out(json.dumps(run.as_dict(), default=str) + "\n")
        else:
            _out(clean(run.as_line()) + "\n")  # errors may quote input
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `paperbrief` console script (argv None: this process's own command)."""
    if argv is None:  # the process ends with this command: no collector passes over every
        atexit.register(gc.freeze)  # object at exit (about 1 s with scikit-learn and openai)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    restore = stopping.install()  # SIGTERM / Ctrl-C: stop, even while a call hangs
    try:
        from paperbrief.deliver.output_guard import guard_outputs

        guard_outputs(args)  # never the store, its side files or an input
        _setup_logging(args.verbose, args.log)
        from paperbrief.text_args import check_text

        check_text(args)  # a model name or URL that is not UTF-8: exit 2, not a crash later
        _check_endpoint(args)
        stopping.check_settings()  # a bad PAPERBRIEF_DEADLINE is exit 2 now, not mid-run
        return args.func(args)
    except PaperbriefError as exc:
        if isinstance(exc, OutputError):
            _discard_stdout()
        from paperbrief.redact import strip_userinfo

        first, *rest = short_lines(clean(strip_userinfo(str(exc)))).splitlines() or [
            type(exc).__name__]
        sys.stderr.write(f"paperbrief: error: {first}\n" + "".join(f"{r}\n" for r in rest))
        return exc.exit_code
    except Terminated:
        sys.stderr.write("paperbrief: terminated (SIGTERM)\n")
        if argv is None:
            stopping.leave(EXIT_TERMINATED)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        sys.stderr.write("paperbrief: interrupted\n")
        if argv is None:
            stopping.leave(130)
        return 130
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_OK
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("PAPERBRIEF_DEBUG"):
            raise
        from paperbrief.redact import strip_userinfo

        reason = short_lines(clean(strip_userinfo(str(exc))))
        sys.stderr.write(f"paperbrief: internal error: {type(exc).__name__}: {reason}\n")
        return EXIT_FAILURE
    finally:
        restore()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

