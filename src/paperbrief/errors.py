"""Exceptions that carry their own exit code and a one-line message for the user."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_IOERR = 74  # sysexits.h EX_IOERR: standard output is closed or full
EXIT_TEMPFAIL = 75  # sysexits.h EX_TEMPFAIL: another run holds the lock
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process killed by SIGTERM


class PaperbriefError(Exception):
    """A failure the CLI reports as one line, then exits with `exit_code`."""

    exit_code = EXIT_FAILURE


class InputError(PaperbriefError):
    """Bad input: unreadable, unknown or invalid source, unknown paper reference."""

    exit_code = EXIT_USAGE


class UsageError(InputError):
    """Bad command-line usage that argparse cannot see (e.g. conflicting flags)."""


class OutputError(PaperbriefError):
    """Standard output cannot be written: closed, or its disk is full."""

    exit_code = EXIT_IOERR


class LockBusy(PaperbriefError):
    """Another paperbrief run holds the database lock."""

    exit_code = EXIT_TEMPFAIL


class FatalLLMError(PaperbriefError):
    """An LLM failure that must stop the run (e.g. a wrong API key), with no fallback."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the run is recorded as interrupted, then exit 143."""
