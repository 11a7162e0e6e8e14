"""`main`, the console script's entry point: parse, check what can be checked before any work,
run the command, and turn every failure into one line on stderr and a documented exit code."""

from __future__ import annotations

import atexit
import gc
import os
import sys

from paperbrief.cli.common import check_endpoint, discard_stdout, setup_logging
from paperbrief.cli.parser import build_parser
from paperbrief.errors import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_TERMINATED,
    OutputError,
    PaperbriefError,
    Terminated,
)
from paperbrief.run import stopping
from paperbrief.safe_text import clean, short_lines


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
        setup_logging(args.verbose, args.log)
        from paperbrief.text_args import check_text

        check_text(args)  # a model name or URL that is not UTF-8: exit 2, not a crash later
        check_endpoint(args)
        stopping.check_settings()  # a bad PAPERBRIEF_DEADLINE is exit 2 now, not mid-run
        return args.func(args)
    except PaperbriefError as exc:
        if isinstance(exc, OutputError):
            discard_stdout()
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
        discard_stdout()
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



