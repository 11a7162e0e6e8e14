"""The store's cache of analysed papers: each paper's stemmed content words in order (space
separated: a stem has no space), per (content key, analyzer), for paperbrief.relate.term_vectors.

The content key is the paper's content hash (title and abstract), so a paper whose text changed is
analysed again, whatever its id; the analyzer names the analysis, so words made by another one are
never read. About 0.8 KB a paper. Mixed into `paperbrief.store.core.Store`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

_LOOKUP_CHUNK = 500  # keys per SELECT (SQLite limits the number of bound parameters)


class PaperWordStoreMixin:
    """Analysed-words cache for Store (uses its `_write` and `_read`)."""

    if TYPE_CHECKING:  # provided by Store

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]: ...

    def get_paper_words(self, keys: Sequence[str], analyzer: str) -> dict[str, list[str]]:
        """The cached words of `keys` made by `analyzer`, keyed by content key."""
        found: dict[str, list[str]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self._read(
                f"SELECT content_key, words FROM paper_words "  # noqa: S608 (marks only)
                f"WHERE analyzer = ? AND content_key IN ({marks})",
                (analyzer, *chunk),
            )
            for key, words in rows:
                found[key] = words.split()
        return found

    def put_paper_words(self, analyzer: str, words: Mapping[str, Sequence[str]]) -> None:
        """Cache `words` (content key -> a paper's words) made by `analyzer`, in one
        transaction."""
        now = datetime.now(UTC).isoformat()
        rows = [(key, analyzer, " ".join(w), now) for key, w in words.items()]
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO paper_words (content_key, analyzer, words, created) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
