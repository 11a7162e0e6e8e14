"""Child processes that die with their parent (kill -9 of a run must not leave workers behind).

A forked worker of the offline engine waits for work on a pipe whose other end it holds itself,
so it never sees its parent go: killed with SIGKILL, the parent left its workers running for
ever (re-parented to init, the store still open). `die_with_parent` makes a child end itself
when its parent is gone: on Linux the kernel sends it SIGKILL at once (prctl PR_SET_PDEATHSIG;
that signal comes when the *thread* that forked the child ends, so only for children forked by
a thread that lives as long as its process), and everywhere a daemon thread checks every
`poll` seconds that the parent is still its parent (a reparented child sees another pid).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_S = 1.0


def _kernel_kills_me_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent (thread) ends; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, poll: float) -> None:
    while True:
        time.sleep(poll)
        if os.getppid() != parent:
            os._exit(1)  # no clean-up: the parent's run is over, nothing here is its to save


def die_with_parent(parent: int, *, kernel: bool = True, poll: float = POLL_S) -> None:
    """End this process when `parent` (the pid it was started by) is gone. `kernel`: also ask
    Linux to kill it at once (only for a child forked by a thread that lives as long as the
    parent process)."""
    if kernel:
        _kernel_kills_me_with_parent()
    if os.getppid() != parent:  # gone already, before the kernel was asked
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, poll), name="parent watch", daemon=True).start()
