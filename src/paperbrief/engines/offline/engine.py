"""The offline engine: extractive takeaways and structural comparisons, no model, no network."""

from __future__ import annotations

import hashlib
from pathlib import Path

from paperbrief.engines import Outcome
from paperbrief.engines.offline.compare import compare_papers
from paperbrief.engines.offline.extract import as_line
from paperbrief.engines.offline.facts import contribution_type, fit, key_numbers, roles
from paperbrief.engines.offline.select import takeaway_line
from paperbrief.engines.offline.tags import tags
from paperbrief.models import (
    ABSTRACT_MAX_CHARS,
    LINE_MAX_CHARS,
    TAKEAWAY_MAX_WORDS,
    TITLE_MAX_CHARS,
    Comparison,
    Paper,
    Takeaway,
)

_HERE = Path(__file__).parent
# selector.json (the fitted selector) is hashed too: a retrained selector is a new version
_TAKEAWAY_SOURCES = ("engine.py", "extract.py", "facts.py", "select.py",
                     "candidates.py", "tldr_words.py", "standalone.py",
                     "selector.json", "tags.py", "../../text.py", "../../numbers.py",
                     "../../phrases.py")  # fmt: skip
_COMPARISON_SOURCES = (
    *_TAKEAWAY_SOURCES,
    "compare.py",
    "phrase_df.json",
    "pair_strength.py",
    *sorted(p.name for p in _HERE.glob("compare_*.py")),
)


def source_hash(names: tuple[str, ...]) -> str:
    """Short hash of the algorithm's source files, so a changed algorithm invalidates caches."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((_HERE / name).read_bytes())
    return digest.hexdigest()[:10]


_NO_TAKEAWAY = "No abstract available."


def _head(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the last space before the cut if any."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit // 2)
    return cut[:space] if space > 0 else cut


def within_limits(paper: Paper) -> Paper:
    """The paper as the engine reads it: abstract and title capped (ABSTRACT_MAX_CHARS,
    TITLE_MAX_CHARS), so that no abstract costs more than a bounded amount of work."""
    if len(paper.abstract) <= ABSTRACT_MAX_CHARS and len(paper.title) <= TITLE_MAX_CHARS:
        return paper
    return paper.model_copy(
        update={"abstract": _head(paper.abstract, ABSTRACT_MAX_CHARS),
                "title": _head(paper.title, TITLE_MAX_CHARS)}
    )  # fmt: skip


def takeaway_text(paper: Paper) -> str:
    """The one-line takeaway of <= 30 words; the title stands in when the abstract says nothing."""
    line = takeaway_line(paper.abstract, paper.title)
    if not line:
        line = as_line(paper.title, TAKEAWAY_MAX_WORDS) or _NO_TAKEAWAY
    # a line of punctuation or LaTeX debris fits to nothing: say so rather than fail
    return fit(line, LINE_MAX_CHARS, TAKEAWAY_MAX_WORDS) or _NO_TAKEAWAY


class OfflineEngine:
    """Deterministic extractive engine: the default without an API key and the LLM's fallback."""

    name = "offline"

    def __init__(self) -> None:
        self.takeaway_version = "offline-" + source_hash(_TAKEAWAY_SOURCES)
        self.comparison_version = "offline-" + source_hash(_COMPARISON_SOURCES)

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        """Extract the paper's takeaway, roles, key numbers, contribution type and tags."""
        paper = within_limits(paper)
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
        draft = compare_papers(within_limits(a), within_limits(b))
        value = Comparison(
            **draft.model_dump(),
            paper_a=a.id,
            paper_b=b.id,
            engine=self.name,
            prompt_version=self.comparison_version,
        )
        return Outcome(value)
