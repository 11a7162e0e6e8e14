"""The store's record of OpenAI Batch API jobs (`digest --batch`): ids, states and their lines.

A batch is *open* from submission until a run has collected it (`collected` set), whatever the
server says meanwhile. Each line names what it asks for (kind, cache key, prompt version) and
holds the papers it quotes, so a later run can judge, ground and cache the answer without the
listing that produced it. Mixed into `paperbrief.store.core.Store`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from paperbrief.models import Paper


@dataclass(frozen=True)
class BatchLine:
    """One request line of a batch: a takeaway (one paper) or a comparison (two)."""

    custom_id: str
    kind: str
    cache_key: str
    prompt_version: str
    papers: tuple[Paper, ...]


@dataclass(frozen=True)
class BatchRecord:
    """A batch as the store knows it."""

    id: str
    model: str
    input_file_id: str
    status: str
    requests: int
    submitted: datetime
    collected: datetime | None


def _now() -> str:
    return datetime.now(UTC).isoformat()


class BatchStoreMixin:
    """Batch bookkeeping for Store (uses its `_write` and `_read`)."""

    if TYPE_CHECKING:  # provided by Store

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]: ...

    def add_batch(
        self,
        batch_id: str,
        model: str,
        input_file_id: str,
        status: str,
        lines: Sequence[BatchLine],
        run_id: int | None = None,
    ) -> None:
        """Record a submitted batch and its lines (one transaction)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO batches (id, model, input_file_id, status, requests, run_id, "
                "submitted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (batch_id, model, input_file_id, status, len(lines), run_id, _now()),
            )
            conn.executemany(
                "INSERT INTO batch_items (batch_id, custom_id, kind, cache_key, prompt_version, "
                "papers) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        batch_id,
                        line.custom_id,
                        line.kind,
                        line.cache_key,
                        line.prompt_version,
                        json.dumps([p.model_dump(mode="json") for p in line.papers]),
                    )
                    for line in lines
                ],
            )

    def open_batches(self, model: str | None = None) -> list[BatchRecord]:
        """Batches not yet collected (of `model`, if given), oldest first."""
        sql = "SELECT * FROM batches WHERE collected IS NULL"
        params: tuple = ()
        if model is not None:
            sql += " AND model = ?"
            params = (model,)
        return [_record(row) for row in self._read(sql + " ORDER BY submitted, id", params)]

    def get_batch(self, batch_id: str) -> BatchRecord | None:
        rows = self._read("SELECT * FROM batches WHERE id = ?", (batch_id,))
        return _record(rows[0]) if rows else None

    def batch_lines(self, batch_id: str) -> list[BatchLine]:
        """The lines of batch `batch_id`, in submission order."""
        rows = self._read(
            "SELECT custom_id, kind, cache_key, prompt_version, papers FROM batch_items "
            "WHERE batch_id = ? ORDER BY rowid",
            (batch_id,),
        )
        return [
            BatchLine(
                row["custom_id"],
                row["kind"],
                row["cache_key"],
                row["prompt_version"],
                tuple(Paper.model_validate(p) for p in json.loads(row["papers"])),
            )
            for row in rows
        ]

    def open_batch_keys(self, model: str) -> dict[tuple[str, str, str], str]:
        """{(kind, cache key, prompt version): batch id} of the lines of open batches of `model`."""
        rows = self._read(
            "SELECT i.kind, i.cache_key, i.prompt_version, b.id FROM batch_items AS i "
            "JOIN batches AS b ON b.id = i.batch_id WHERE b.collected IS NULL AND b.model = ?",
            (model,),
        )
        return {(r["kind"], r["cache_key"], r["prompt_version"]): r["id"] for r in rows}

    def set_batch_status(self, batch_id: str, status: str, *, collected: bool = False) -> None:
        """Record the server's latest status of a batch; `collected` closes it for good."""
        with self._write() as conn:
            if collected:
                conn.execute(
                    "UPDATE batches SET status = ?, checked = ?, collected = ? WHERE id = ?",
                    (status, _now(), _now(), batch_id),
                )
            else:
                conn.execute(
                    "UPDATE batches SET status = ?, checked = ? WHERE id = ?",
                    (status, _now(), batch_id),
                )

    def iter_batches(self) -> Iterator[BatchRecord]:
        """Every batch, newest first."""
        for row in self._read("SELECT * FROM batches ORDER BY submitted DESC, id DESC"):
            yield _record(row)


def _record(row: sqlite3.Row) -> BatchRecord:
    return BatchRecord(
        id=row["id"],
        model=row["model"],
        input_file_id=row["input_file_id"],
        status=row["status"],
        requests=row["requests"],
        submitted=datetime.fromisoformat(row["submitted"]),
        collected=datetime.fromisoformat(row["collected"]) if row["collected"] else None,
    )
