"""Run a command with one of its streams on a pseudo-terminal, as a person at a terminal sees it."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Mapping, Sequence


def on_a_terminal(argv: Sequence[str], env: Mapping[str, str], stream: str = "stdout",
                  timeout: float = 120) -> tuple[int, str]:
    """(exit code, what the terminal showed) with `stream` ('stdout' or 'stderr') on a pty; the
    other stream is discarded."""
    primary, secondary = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: secondary}
    with subprocess.Popen(list(argv), env=dict(env), **streams) as proc:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=timeout)
    os.close(primary)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
