"""The offline engine: extractive takeaways and structural comparisons, no model, no network."""

from __future__ import annotations

import hashlib
from pathlib import Path

from paperbrief.engines import Outcome
from paperbrief.engines.offline_compare import compare_papers
from paperbrief.engines.offline_extract import as_line, takeaway_line
from paperbrief.engines.offline_facts import contribution_type, fit, key_numbers, roles, tags
from paperbrief.models import LINE_MAX_CHARS, TAKEAWAY_MAX_WORDS, Comparison, Paper, Takeaway

_HERE = Path(__file__).parent
_TAKEAWAY_SOURCES = ("offline.py", "offline_extract.py", "offline_facts.py", "../text.py",
                     "../numbers.py")  # fmt: skip
_COMPARISON_SOURCES = (
    *_TAKEAWAY_SOURCES,
    "offline_compare.py",
    *sorted(p.name for p in _HERE.glob("compare_*.py")),
)


def source_hash(names: tuple[str, ...]) -> str:
    """Short hash of the algorithm's source files, so a changed algorithm invalidates caches."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((_HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def takeaway_text(paper: Paper) -> str:
    """The one-line takeaway of <= 30 words; the title stands in when the abstract says nothing."""
    line = takeaway_line(paper.abstract, paper.title)
    if not line:
        line = as_line(paper.title, TAKEAWAY_MAX_WORDS) or "No abstract available."
    return fit(line, LINE_MAX_CHARS, TAKEAWAY_MAX_WORDS)


class OfflineEngine:
    """Deterministic extractive engine: the default without an API key and the LLM's fallback."""

    name = "offline"

    def __init__(self) -> None:
        self.takeaway_version = "offline-" + source_hash(_TAKEAWAY_SOURCES)
        self.comparison_version = "offline-" + source_hash(_COMPARISON_SOURCES)

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        """Extract the paper's takeaway, roles, key numbers, contribution type and tags."""
        parts = roles(paper.title, paper.abstract)
        value = Takeaway(
            paper_id=paper.id,
            takeaway=takeaway_text(paper),
            problem=parts.problem,
            method=parts.method,
            result=parts.result,
            key_numbers=key_numbers(paper.abstract),
            contribution_type=contribution_type(paper.title, paper.abstract),  # type: ignore[arg-type]
            tags=tags(paper.title, paper.abstract),
            engine=self.name,
            prompt_version=self.takeaway_version,
        )
        return Outcome(value)

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        """Compare two papers from their extracted structure."""
        draft = compare_papers(a, b)
        value = Comparison(
            **draft.model_dump(),
            paper_a=a.id,
            paper_b=b.id,
            engine=self.name,
            prompt_version=self.comparison_version,
        )
        return Outcome(value)
