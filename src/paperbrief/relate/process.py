"""A digest's relatedness (scikit-learn) made in a child process, beside the LLM work queue.

A fresh `paperbrief digest` with an LLM engine spends its first second importing openai for its
first request, and its plan (pairs and topics) needs scikit-learn and scipy, about two seconds
more of imports. In one process those imports and the threads taking up the answers share one
interpreter lock, so the comparisons joined the queue late. `RelateProcess` starts a child
(`python -m paperbrief.relate.process`) with the command: it imports scikit-learn on another
core while this process imports openai and pays for the first takeaways, then receives the
papers (and their embeddings) when the plan needs them and sends back what a digest reads of
their relatedness (`Related`: each paper's most related paper, the pairs, the topics) — plain
values, so this process never imports scikit-learn at all. That answer is the relatedness of the
digest's one plan (`relate.plan.make_plan` with `relater=RelateProcess.relate`).

The child serves one plan and exits; it ignores Ctrl-C and exits when this process goes (its
standard input closes). When it cannot start, dies or sends nothing readable, relatedness is
computed in this process instead, with a warning: the same result, only slower.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import subprocess
import sys
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from paperbrief.models import Paper, Topic

if TYPE_CHECKING:
    import numpy as np

    from paperbrief.relate.relatedness import Relatedness

log = logging.getLogger(__name__)


class RelatedPair(NamedTuple):
    """Two papers worth comparing and their similarity (as relatedness.Pair)."""

    a: Paper
    b: Paper
    similarity: float


@dataclass
class Related:
    """What a digest reads of its papers' relatedness (see relatedness.Relatedness), made in the
    child: the pairs, the topics and each paper's most related paper above the threshold."""

    papers: list[Paper]
    pairs: list[RelatedPair]
    topics: list[Topic]
    nearest: list[tuple[int, float] | None]  # per paper: Relatedness.most_related(i)
    near: list[list[tuple[int, float]]] = field(default_factory=list)  # Relatedness.candidates
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def most_related(self, i: int) -> tuple[int, float] | None:
        """Paper i's best neighbour (index, cosine) when it passes the threshold, else None."""
        return self.nearest[i]

    def candidates(self, i: int) -> list[tuple[int, float]]:
        """Paper i's best neighbours above the threshold, best first (see Relatedness)."""
        if self.near:
            return self.near[i]
        best = self.nearest[i]
        return [] if best is None else [best]

    def index(self, paper_id: str) -> int:
        """The position of the paper with this id (KeyError when it is not in the digest)."""
        if not self._index:
            self._index = {p.id: i for i, p in enumerate(self.papers)}
        return self._index[paper_id]

    def unrelated(self) -> list[str]:
        """Ids of the papers with no related paper above the threshold."""
        return [p.id for p, near in zip(self.papers, self.nearest, strict=True) if near is None]


# What the child sends: ("ok", nearest, pairs as (i, j, similarity), topics, candidates) or
# ("error", text)
Answer = tuple[Any, ...]


def summarize(related: Relatedness) -> Answer:
    """A Relatedness as plain values (no scikit-learn or scipy object in them)."""
    position = {id(p): i for i, p in enumerate(related.papers)}
    nearest = [related.most_related(i) for i in range(len(related.papers))]
    pairs = [(position[id(p.a)], position[id(p.b)], p.similarity) for p in related.pairs]
    near = [related.candidates(i) for i in range(len(related.papers))]
    return ("ok", nearest, pairs, related.topics, near)


def _related(papers: list[Paper], answer: Answer) -> Related:
    _, nearest, pairs, topics, near = answer
    if len(nearest) != len(papers):
        raise ValueError(f"an answer for {len(nearest)} papers, not {len(papers)}")
    return Related(
        papers=papers,
        pairs=[RelatedPair(papers[i], papers[j], sim) for i, j, sim in pairs],
        topics=list(topics),
        nearest=[tuple(n) if n is not None else None for n in nearest],  # type: ignore[misc]
        near=[[(int(j), float(sim)) for j, sim in row] for row in near],
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the child (if it still runs) and reap it."""
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    if proc.poll() is None:
        proc.kill()
    proc.wait()


class RelateProcess:
    """A child process that imports scikit-learn at once and makes one digest's relatedness.

    `relate(papers, embeddings=...)` has the signature and the result of
    `paperbrief.relate.relatedness.relate` as far as a digest reads it. Use it as a context manager,
    or `close()` it: an unused child is ended.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "paperbrief.relate.process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("relatedness: no child process (%s): made in this process", exc)
            return
        self._finalizer = weakref.finalize(self, _stop, self._proc)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def __enter__(self) -> RelateProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            self._finalizer()
            self._proc = None

    def relate(
        self, papers: Sequence[Paper], *, embeddings: np.ndarray | None = None
    ) -> Related | Relatedness:
        """The papers' relatedness from the child; made here when the child fails."""
        papers = list(papers)
        proc, self._proc = self._proc, None  # one plan a child
        if proc is not None:
            try:
                answer = self._ask(proc, papers, embeddings)
            finally:
                self._finalizer()
            if answer is not None:
                return answer
        from paperbrief.relate.relatedness import relate

        return relate(papers, embeddings=embeddings)

    @staticmethod
    def _ask(
        proc: subprocess.Popen[bytes], papers: list[Paper], embeddings: np.ndarray | None
    ) -> Related | None:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            pickle.dump((papers, embeddings), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.close()
            answer = pickle.load(proc.stdout)
            if answer[0] == "ok":
                related = _related(papers, answer)
                log.info("relatedness: made by the child process %d", proc.pid)
                return related
            problem = str(answer[1])
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                IndexError) as exc:
            code = proc.poll()
            problem = f"{type(exc).__name__}" + (f", exit code {code}" if code else "")
        log.warning("relatedness: the child process failed (%s): made in this process", problem)
        return None


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    """The child: import scikit-learn, read one job (papers, embeddings), answer, exit."""
    try:
        # the import this process exists for, without the collector: its passes over the
        # growing heap of scikit-learn's and scipy's modules cost about a tenth of the import's
        # time; what the import made is frozen, so no later pass reads it again
        gc.disable()
        from paperbrief.relate.relatedness import relate

        gc.freeze()
        gc.enable()
        try:
            papers, embeddings = pickle.load(stdin)
        except EOFError:  # the parent needed no plan (or is gone)
            return 0
        answer = summarize(relate(papers, embeddings=embeddings))
    except Exception as exc:  # told to the parent, which makes the plan itself
        answer = ("error", f"{type(exc).__name__}: {exc}")
    try:
        pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
    except OSError:  # the parent is gone
        pass
    return 0


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from paperbrief.run.orphans import die_with_parent

    # not the kernel's parent-death signal: it would come when the thread that started this
    # child ends, which may be before the parent process does
    die_with_parent(os.getppid(), kernel=False)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, not into the answer
    return serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    os._exit(code)  # at once: no collector passes over scikit-learn's objects at exit
