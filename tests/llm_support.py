"""Helpers for the LLM engine tests: papers, a stand-in fallback engine, a sleep recorder."""

from __future__ import annotations

from pathlib import Path

from paperbrief.engines import Outcome
from paperbrief.models import Comparison, Difference, Paper, Takeaway
from paperbrief.sources import read_file

ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-test-SECRET123-do-not-leak-0123456789"


def scitldr_papers(n: int = 3) -> list[Paper]:
    """The first `n` (at most 300) SciTLDR papers of tests/fixtures/scitldr-300.jsonl, read by
    paperbrief's JSONL source."""
    return read_file(ROOT / "tests" / "fixtures" / "scitldr-300.jsonl").papers[:n]


def numbered_paper() -> Paper:
    """A paper whose abstract states numbers in several notations."""
    return Paper(
        id="2603.00001",
        title="FastLM: Sparse Attention at Scale",
        abstract=(
            "Long-context language models are slow. We propose FastLM, a sparse attention "
            "scheme for 10M-token contexts. FastLM reaches 71.9 % accuracy on LongBench and "
            "runs 1.53x faster than dense attention with 7B parameters."
        ),
        source="test",
    )


class StubFallback:
    """The offline engine's role: always answers, marked engine='offline'."""

    name = "offline"
    takeaway_version = "offline-test"
    comparison_version = "offline-test"

    def __init__(self) -> None:
        self.takeaways: list[str] = []

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        self.takeaways.append(paper.id)
        return Outcome(
            Takeaway(
                takeaway=f"Offline takeaway of {paper.id}",
                problem="p",
                method="m",
                result="r",
                key_numbers=[],
                contribution_type="other",
                tags=[],
                paper_id=paper.id,
                engine="offline",
                prompt_version=self.takeaway_version,
            )
        )

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        return Outcome(
            Comparison(
                summary="offline",
                shared_ground="s",
                differences=[Difference(aspect="x", a="a", b="b")],
                prefer_a_when="a",
                prefer_b_when="b",
                paper_a=a.id,
                paper_b=b.id,
                engine="offline",
                prompt_version=self.comparison_version,
            )
        )


class SleepRecorder:
    """Stands in for time.sleep: records the waits tenacity asks for, sleeps not at all."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
