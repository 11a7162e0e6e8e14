"""The command line's building blocks: one-line parser errors, the exit codes every --help shows,
the bounded number types of numeric options, and the option groups several commands share
(engine, store, window, output, format, interests, embeddings). paperbrief.cli.parser puts the
commands together from these."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from paperbrief import bounds
from paperbrief.bounds import MAX_CONCURRENCY, MAX_COUNT, MAX_RPM, MAX_SECONDS, MAX_WAIT, MIN_RPM
from paperbrief.run.setup import COOLDOWN_ENV

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



class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and where to read more, not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")



def _whole(text: str, maximum: int) -> int:
    try:
        return bounds.whole(text, maximum)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(text: str) -> int:
    return _whole(text, MAX_COUNT)



def concurrency_count(text: str) -> int:
    return _whole(text, MAX_CONCURRENCY)



def _finite(text: str, minimum: float, inclusive: bool, maximum: float = math.inf) -> float:
    try:
        return bounds.finite(text, minimum, inclusive, maximum)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def non_negative_finite(text: str) -> float:
    return _finite(text, 0.0, inclusive=True)



def seconds(text: str) -> float:  # --timeout
    return _finite(text, 0.0, inclusive=False, maximum=MAX_SECONDS)



def poll_seconds(text: str) -> float:  # --batch-poll
    return _finite(text, 0.0, inclusive=True, maximum=MAX_SECONDS)



def wait_seconds(text: str) -> float:
    return _finite(text, 0.0, inclusive=True, maximum=MAX_WAIT)



def rpm(text: str) -> float:
    return _finite(text, MIN_RPM, inclusive=True, maximum=MAX_RPM)



def cooldown(text: str) -> float:
    return _finite(text, 0.0, inclusive=True, maximum=bounds.MAX_COOLDOWN_HOURS)


def add_llm_call_options(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--timeout", type=seconds, metavar="SECONDS",
                   help="give up on one LLM call after SECONDS (default: 30)")
    g.add_argument("--rpm", type=rpm, metavar="N",
                   help="start at most N LLM calls a minute (default: no cap; 429s and the "
                   "server's x-ratelimit headers are obeyed anyway)")
    g.add_argument("--max-tokens", type=positive_int, metavar="N",
                   help="output tokens one LLM answer may use, reasoning included (default: "
                   "$PAPERBRIEF_MAX_TOKENS, else 1200, or 16000 for a reasoning model)")
    g.add_argument("--failure-cooldown", type=cooldown, metavar="HOURS",
                   help="do not pay again for an item whose answers failed until HOURS have "
                   f"passed (default: ${COOLDOWN_ENV} or 24; --refresh retries now)")



def add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--offline", action="store_true",
                   help="use the offline extractive engine even if an API key is set")
    g.add_argument("--model", help="model name (default: $PAPERBRIEF_MODEL or a small cheap model)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    g.add_argument("--concurrency", type=concurrency_count, default=8,
                   help="LLM calls in flight at once (default: 8)")
    g.add_argument("--max-calls", type=positive_int, metavar="N",
                   help="stop paying after N LLM calls; the rest get offline results")
    g.add_argument("--max-cost", type=non_negative_finite, metavar="USD",
                   help="stop paying once the run has cost USD; the rest get offline results")
    add_llm_call_options(g)
    s = p.add_argument_group("store")
    s.add_argument("--db", type=Path,
                   help="SQLite database (default: $PAPERBRIEF_DB or the user data dir)")
    s.add_argument("--refresh", action="store_true", help="ignore cached results and pay again")
    s.add_argument("--wait", type=wait_seconds, metavar="SECONDS",
                   help="wait up to SECONDS for another run's lock instead of exiting 75")



def add_window_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("window (by publication date)")
    g.add_argument("--since", metavar="DATE", help="first day: YYYY-MM-DD, today or yesterday")
    g.add_argument("--until", metavar="DATE", help="last day: YYYY-MM-DD, today or yesterday")
    g.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W48")



def add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument("-v", "--verbose", action="store_true", help="say what is happening on stderr")
    g.add_argument("--log", type=Path, metavar="FILE", help="append a log of the run to FILE")



def add_text_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "markdown"),
                   help="plain text wrapped at 78 columns, or Markdown (default: text when "
                   "stdout is a terminal, else markdown)")



def add_interests_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interests", metavar="FILE",
                   help="interests profile: TOML, BibTeX (.bib) or CSL JSON export (default: "
                   "$PAPERBRIEF_INTERESTS, else interests.toml in the user config dir if present)")



def add_embedding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--embedding-model", metavar="MODEL",
                   help="with an API key, rank, pair and group papers by this model's embeddings "
                   "(cached; default: $PAPERBRIEF_EMBEDDING_MODEL or text-embedding-3-small; "
                   "'none': TF-IDF)")



def add_command(sub: Any, name: str, func: Callable[[argparse.Namespace], int]) -> Any:
    """A sub-command whose --help is the first line of `func`'s docstring."""
    summary = (func.__doc__ or name).strip().splitlines()[0]
    parser = sub.add_parser(name, help=summary[:1].lower() + summary[1:].rstrip("."),
                            description=summary, epilog=EXIT_CODES,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser





READER_HELP = "whose marks (default: $PAPERBRIEF_READER or 'default')"


def add_reader_and_db(p: argparse.ArgumentParser) -> None:
    """--reader and --db of the marks commands and `serve`."""
    p.add_argument("--reader", metavar="NAME", help=READER_HELP)
    p.add_argument("--db", type=Path, help="SQLite database (default: $PAPERBRIEF_DB)")
