"""The store's marks (likes and dislikes per reader) and the papers each reader saw in detail.

A mark names a paper by id; the paper itself is remembered in the `papers` table (every paper a
listing shows is), so a mark needs no fetch and an export carries the paper's text. Mixed into
`paperbrief.store.core.Store`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from paperbrief.models import Paper

MarkKind = Literal["like", "dislike"]
DEFAULT_READER = "default"


@dataclass(frozen=True)
class Mark:
    """One reader's like or dislike of one paper (with the paper when the store has it)."""

    reader: str
    paper_id: str
    mark: MarkKind
    marked: str
    paper: Paper | None = None

    @property
    def title(self) -> str:
        return self.paper.display_title if self.paper else f"({self.paper_id})"


@dataclass(frozen=True)
class Seen:
    """A paper a reader saw in detail: the version and text shown, and in which digest."""

    paper_id: str
    version: int | None
    content_hash: str
    title: str
    abstract: str
    period: str
    first_seen: str
    period_start: str | None = None
    period_end: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat()


class MarkStoreMixin:
    """Marks and seen papers for Store (uses its `_write`, `_read` and `get_paper`)."""

    if TYPE_CHECKING:  # provided by Store

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]: ...
        def get_paper(self, paper_id: str) -> Paper | None: ...

    def set_marks(self, reader: str, paper_ids: Sequence[str], mark: MarkKind,
                  marked: str | None = None) -> None:
        """Mark the papers (already saved) as liked or disliked by `reader` (replacing a mark)."""
        when = marked or _now()
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO marks (reader, paper_id, mark, marked) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(reader, paper_id) DO UPDATE SET mark = excluded.mark, "
                "marked = excluded.marked",
                [(reader, pid, mark, when) for pid in paper_ids],
            )

    def remove_marks(self, reader: str, paper_ids: Sequence[str]) -> list[str]:
        """Forget `reader`'s marks of these papers; return the ids that had one."""
        removed = []
        with self._write() as conn:
            for pid in paper_ids:
                cur = conn.execute("DELETE FROM marks WHERE reader = ? AND paper_id = ?",
                                   (reader, pid))
                if cur.rowcount:
                    removed.append(pid)
        return removed

    def get_marks(self, reader: str | None = None) -> list[Mark]:
        """The marks of `reader` (of every reader when None), oldest first, with their papers."""
        sql = ("SELECT m.reader, m.paper_id, m.mark, m.marked, p.json, p.version FROM marks AS m "
               "LEFT JOIN papers AS p ON p.id = m.paper_id")
        params: tuple = ()
        if reader is not None:
            sql += " WHERE m.reader = ?"
            params = (reader,)
        rows = self._read(sql + " ORDER BY m.reader, m.marked, m.rowid", params)
        out = []
        for row in rows:
            paper = None
            if row["json"] is not None:
                paper = Paper.model_validate_json(row["json"])
                paper = paper.model_copy(update={"version": row["version"] or None})
            out.append(Mark(row["reader"], row["paper_id"], row["mark"], row["marked"], paper))
        return out

    # -- seen in detail ----------------------------------------------------------------------

    def record_seen(self, reader: str, papers: Sequence[Paper], period: str,
                    start: date | None = None, end: date | None = None) -> None:
        """Remember that `reader` saw these papers in detail in the digest of `period` (from
        `start` to `end` when known; a paper seen again keeps its first period; its newest
        version and text replace the old)."""
        from paperbrief.text import title_key

        now = _now()
        first, last = (d.isoformat() if d else None for d in (start, end))
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO seen (reader, paper_id, version, content_hash, title, abstract, "
                "period, first_seen, title_key, period_start, period_end) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(reader, paper_id) DO UPDATE SET version = excluded.version, "
                "content_hash = excluded.content_hash, title = excluded.title, "
                "abstract = excluded.abstract, title_key = excluded.title_key",
                [(reader, p.id, p.version, p.content_hash, p.title, p.abstract, period, now,
                  title_key(p.title, p.authors[0] if p.authors else ""), first, last)
                 for p in papers],
            )

    def get_seen(self, reader: str, paper_ids: Sequence[str]) -> dict[str, Seen]:
        """What `reader` saw in detail before of these papers, by id."""
        found: dict[str, Seen] = {}
        unique = list(dict.fromkeys(paper_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = self._read(
                "SELECT paper_id, version, content_hash, title, abstract, period, first_seen, "
                "period_start, period_end FROM seen WHERE reader = ? AND paper_id IN "
                f"({', '.join('?' * len(chunk))})",
                (reader, *chunk),
            )
            for row in rows:
                found[row["paper_id"]] = Seen(**dict(row))
        return found

    def get_seen_by_title(self, reader: str, keys: Sequence[str]) -> dict[str, Seen]:
        """What `reader` saw in detail before, by title key (paperbrief.text.title_key)."""
        found: dict[str, Seen] = {}
        unique = [k for k in dict.fromkeys(keys) if k]
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = self._read(
                "SELECT paper_id, version, content_hash, title, abstract, period, first_seen, "
                f"period_start, period_end, title_key FROM seen WHERE reader = ? AND title_key IN "
                f"({', '.join('?' * len(chunk))})",
                (reader, *chunk),
            )
            for row in rows:
                data = dict(row)
                key = data.pop("title_key")
                found[key] = Seen(**data)
        return found

    def seen_periods(self, reader: str) -> list[tuple[str, int]]:
        """The digests this reader saw (their periods, newest first) and how many papers each
        detailed."""
        rows = self._read("SELECT period, COUNT(*) AS n, MAX(first_seen) AS last FROM seen "
                          "WHERE reader = ? GROUP BY period ORDER BY last DESC", (reader,))
        return [(r["period"], r["n"]) for r in rows]

    def seen_in_period(self, reader: str, period: str) -> list[Paper]:
        """The papers the digest of `period` detailed for this reader (remembered papers)."""
        rows = self._read("SELECT p.json, p.version FROM seen AS s JOIN papers AS p "
                          "ON p.id = s.paper_id WHERE s.reader = ? AND s.period = ? "
                          "ORDER BY s.rowid", (reader, period))
        return [Paper.model_validate_json(r["json"]).model_copy(
            update={"version": r["version"] or None}) for r in rows]

    def search_papers(self, query: str, limit: int = 50) -> list[Paper]:
        """Remembered papers whose id, title or abstract contains every word of `query`, newest
        first."""
        words = [w for w in query.lower().split() if w][:8]
        sql = "SELECT json, version FROM papers"
        params: list[str] = []
        if words:
            sql += " WHERE " + " AND ".join(
                "(lower(id) LIKE ? ESCAPE '\\' OR lower(json) LIKE ? ESCAPE '\\')" for _ in words
            )
            for w in words:
                escaped = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                pattern = f"%{escaped}%"
                params += [pattern, pattern]
        sql += " ORDER BY last_seen DESC, id LIMIT ?"
        rows = self._read(sql, (*params, max(limit, 0)))
        return [Paper.model_validate_json(r["json"]).model_copy(
            update={"version": r["version"] or None}) for r in rows]
