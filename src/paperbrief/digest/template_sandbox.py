"""The sandbox a user's `--template` runs in: jinja2's ImmutableSandboxedEnvironment plus limits.

jinja2's sandbox keeps a template away from Python internals, but not away from the machine: a
nested `range(100000)` loop runs for hours, `{{ "x" * 1000000000 }}` writes a gigabyte, doubling a
list 40 times exhausts memory, and `{% include %}` reads files beside the template. So here:

- `{% include %}`, `{% import %}`, `{% from ... import %}` and `{% extends %}` are refused when
  the template is compiled (before any work): a template is one self-contained file;
- nothing is evaluated at compile time (no constant folding, which would run filters such as
  `"x"|center(2000000000)` outside every limit);
- `*`, `+` and `**` are checked before they run: no string or list over MAX_ITEMS characters or
  items, no power with a result over MAX_POWER_BITS bits (jinja2 then does not fold them at
  compile time either);
- rendering has a deadline (TIMEOUT_S, or $PAPERBRIEF_TEMPLATE_TIMEOUT seconds; SIGALRM, in the
  main thread), a cap on the output (MAX_OUTPUT characters), and on Linux an address-space
  headroom (MEMORY_HEADROOM bytes over what the process uses; RLIMIT_AS, restored afterwards), so
  whatever else a template builds ends as a MemoryError, not in the OOM killer.

Each limit is a one-line template error (exit 2), never a hang or a traceback.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

TIMEOUT_ENV = "PAPERBRIEF_TEMPLATE_TIMEOUT"
TIMEOUT_S = 60.0
MAX_ITEMS = 10_000_000  # characters of a string, items of a list, built by one operator
MAX_OUTPUT = 50_000_000  # characters rendered by a template
MAX_POWER_BITS = 10_000
MEMORY_HEADROOM = 1 << 30  # bytes of address space a rendering may add

_FILE_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}


class TemplateLimit(SecurityError):
    """A user template went past one of the limits (a template error, exit 2)."""


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return False
    return abs(base) > 1 and exponent * math.log2(abs(base)) > MAX_POWER_BITS


class BoundedTemplate(jinja2.Template):
    """Renders chunk by chunk, refusing output past MAX_OUTPUT characters."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        parts: list[str] = []
        size = 0
        for chunk in self.generate(*args, **kwargs):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateLimit(f"the output is over {MAX_OUTPUT:,} characters")
            parts.append(chunk)
        return "".join(parts)


class _RuntimeOutput(CodeGenerator):
    """Evaluates `{{ ... }}` at render time, inside the limits, never while compiling."""

    def _output_child_to_const(self, node: nodes.Expr, frame: Any, finalize: Any) -> str:
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with no file tags and bounded `*`, `+` and `**`."""

    intercepted_binops = frozenset({"*", "+", "**"})
    template_class = BoundedTemplate
    code_generator_class = _RuntimeOutput

    def __init__(self, **options: Any) -> None:
        # no constant folding: jinja2 would evaluate '"x"|center(2000000000)' while compiling,
        # outside every limit below
        options["optimized"] = False
        super().__init__(**options)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for node in tree.find_all(tuple(_FILE_TAGS)):
            raise jinja2.TemplateSyntaxError(
                f"{{% {_FILE_TAGS[type(node)]} %}} is not allowed: a --template is one "
                "self-contained file and reads no other",
                node.lineno, name, filename,
            )
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                n = _size(seq)
                if n is not None and isinstance(times, int) and n * max(times, 0) > MAX_ITEMS:
                    raise TemplateLimit(f"'*' would build over {MAX_ITEMS:,} characters or items")
        elif operator == "+":
            a, b = _size(left), _size(right)
            if a is not None and b is not None and a + b > MAX_ITEMS:
                raise TemplateLimit(f"'+' would build over {MAX_ITEMS:,} characters or items")
        elif operator == "**" and _huge_power(left, right):
            raise TemplateLimit(f"'**' would build a number over {MAX_POWER_BITS:,} bits")
        return super().call_binop(context, operator, left, right)


def _timeout() -> float:
    try:
        value = float(os.environ.get(TIMEOUT_ENV, "") or TIMEOUT_S)
    except ValueError:
        return TIMEOUT_S
    return value if math.isfinite(value) and value > 0 else TIMEOUT_S


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; the other limits still hold
        return

    def expired(signum: int, frame: object) -> None:
        raise TemplateLimit(f"rendering took over {seconds:g} s (${TIMEOUT_ENV})")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def _memory_headroom(extra: int) -> Iterator[None]:
    try:
        import resource
    except ImportError:  # not on this platform
        yield
        return
    used = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = None if used is None else used + extra
    if cap is None or (soft != resource.RLIM_INFINITY and soft <= cap) or (
        hard != resource.RLIM_INFINITY and hard < cap
    ):
        yield  # already tighter than this, or unknown
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def bounded() -> Iterator[None]:
    """Render a user template inside the deadline and the memory headroom."""
    with _deadline(_timeout()), _memory_headroom(MEMORY_HEADROOM):
        try:
            yield
        except MemoryError:
            raise TemplateLimit(
                f"rendering needed over {MEMORY_HEADROOM >> 20} MiB more memory"
            ) from None
