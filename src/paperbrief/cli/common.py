"""What every command shares: logging to stderr (and --log), stdout that reports a full disk
instead of a traceback, the window flags read into a listing, the store opened and locked for a
run, the pipeline made from the engine options, and the budget's report. The work itself is the
library's (paperbrief.steps, paperbrief.run.setup); these turn a command's options into it."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from paperbrief import steps
from paperbrief.errors import OutputError, UsageError
from paperbrief.models import Paper, Period
from paperbrief.run import setup
from paperbrief.safe_text import LINE_MAX_CHARS, CleanFormatter

log = logging.getLogger("paperbrief")


def setup_logging(verbose: bool, log_file: Path | None) -> None:
    log.handlers.clear()
    log.setLevel(logging.DEBUG)
    log.propagate = False
    err = logging.StreamHandler(sys.stderr)
    # quiet under cron (which mails any stderr): what is happening only with -v or on a
    # terminal; warnings and errors always
    err.setLevel(logging.INFO if verbose or is_tty(sys.stderr) else logging.WARNING)
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



def is_tty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, OSError):  # a closed stream
        return False



def load(args: argparse.Namespace) -> tuple[list[Paper], Period | None, list[str]]:
    """Papers from the sources inside the window flags, the period they cover, and warnings."""
    return steps.load_listing(args.sources, args.since, args.until, args.week)


def session(args: argparse.Namespace, command: str) -> AbstractContextManager[tuple[Any, int]]:
    """The store (--db), locked for this run (--wait), with the run recorded from start to
    finish under this command line."""
    return steps.session(args.db, args.wait, command, getattr(args, "argv", None) or sys.argv[1:])


def offline_only(args: argparse.Namespace) -> bool:
    """The offline engine does the work: --offline, or no API key or base URL to reach an LLM."""
    return setup.offline_only(args.offline, args.base_url)


def make_pipeline(args: argparse.Namespace, store: Any, run_id: int, total: int) -> Any:
    """The run's pipeline over the engine the options choose."""
    hours = setup.failure_cooldown(args.failure_cooldown)  # a bad $PAPERBRIEF_... first
    engines = setup.choose_engine(
        offline=args.offline, model=args.model, base_url=args.base_url, timeout=args.timeout,
        concurrency=args.concurrency, rpm=args.rpm, max_tokens=getattr(args, "max_tokens", None),
    )
    return setup.make_pipeline(
        engines, store, run_id, concurrency=args.concurrency, refresh=args.refresh,
        max_calls=args.max_calls, max_cost=args.max_cost, progress=progress(total),
        cooldown_hours=hours,
    )


def embeddings(args: argparse.Namespace, pipeline: Any, store: Any) -> Any:
    """With the LLM engine, the papers' embeddings through the store's cache (None: TF-IDF)."""
    return steps.pipeline_embeddings(pipeline, store, args.embedding_model, args.refresh)


def check_endpoint(args: argparse.Namespace) -> None:
    """A base URL that cannot be an http(s) endpoint is exit 2 before any work, not an outage
    (issue 28, item 23); unused (offline, `runs`), it is not looked at."""
    if not hasattr(args, "base_url") or offline_only(args):
        return
    from paperbrief.base_url import check_base_url

    if args.base_url is not None:
        check_base_url(args.base_url, "--base-url")
    elif os.environ.get("OPENAI_BASE_URL"):
        check_base_url(os.environ["OPENAI_BASE_URL"], "$OPENAI_BASE_URL")



def progress(total: int) -> Callable[[str], None] | None:
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



def report_budget(pipeline: Any, where: str = "see the digest footer") -> None:
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



def out(text: str) -> None:
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



def discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass  # stdout was never open: nothing left to flush



def plain_text(args: argparse.Namespace) -> bool:
    """Whether `takeaway`/`compare` print plain text: --format text, or stdout is a terminal."""
    if args.json and args.format:
        raise UsageError("--json and --format cannot be used together")
    if args.format:
        return bool(args.format == "text")
    return bool(sys.stdout is not None and sys.stdout.isatty())



