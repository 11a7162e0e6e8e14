"""SQLite store: papers, the takeaway/comparison cache, runs and a log of every model call.

Durability: the database runs in WAL mode and every write (`save_papers`, `put_*`, `start_run`,
`log_call`, `finish_run`) is one transaction committed before the method returns, so a process
killed at any moment loses at most the write in flight and never leaves a corrupt database.
One connection is shared by all threads of a process; a lock serialises its use.

Cache keys:
- A takeaway is keyed by (paper content hash, engine, prompt version). `engine` is the name of
  the engine that was asked ("offline" or the model's name) and `prompt_version` that engine's
  takeaway version; `put_takeaway` takes them from the takeaway itself unless `engine` is given.
- A comparison is keyed by (content hash of A, content hash of B, engine, prompt version). The
  key is ordered: (a, b) and (b, a) are different entries, because a comparison's fields
  (`differences[].a/b`, `prefer_a_when`) depend on the order. Callers that want one entry per
  pair must put pairs in a canonical order.
- Fallbacks are never cached: a takeaway or comparison with `fallback_reason` set (the offline
  engine standing in for a failed or over-budget LLM) is not stored, so the next run asks the LLM
  again for that paper instead of serving the stand-in as the LLM's answer. `put_*` returns False
  in that case. Genuine offline results are cached under engine "offline" and the offline version.
- An embedding is keyed by (content key, embedding model): see paperbrief.store.embeddings.
- A cached value is returned with its paper ids set to the papers asked about, so two papers with
  the same title and abstract under different ids share one entry.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import platformdirs

from paperbrief.errors import InputError, PaperbriefError
from paperbrief.models import CallRecord, Comparison, DigestStats, Paper, Takeaway
from paperbrief.store.batches import BatchStoreMixin
from paperbrief.store.damage import (
    check_not_newer,
    damaged,
    is_damage,
    readable_argv,
    readable_time,
    remove_new_store,
)
from paperbrief.store.embeddings import EmbeddingStoreMixin
from paperbrief.store.guard import check_ours, read_only_connection
from paperbrief.store.marks import MarkStoreMixin
from paperbrief.store.migrations import MIGRATIONS, migrate
from paperbrief.store.paper_words import PaperWordStoreMixin

DB_ENV = "PAPERBRIEF_DB"
BUSY_TIMEOUT_MS = 15_000


def default_db_path() -> Path:
    """`$PAPERBRIEF_DB` if set, else `paperbrief.db` in the user data directory."""
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("paperbrief")) / "paperbrief.db"


@dataclass(frozen=True)
class RunSummary:
    """One run as listed by `recent_runs`, with totals over its logged calls."""

    id: int
    command: str
    argv: list[str]
    started: datetime
    finished: datetime | None
    status: str
    error: str | None
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    cost_usd: float
    failures: int
    fallbacks: int

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens of the run's calls."""
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON-ready values (times as ISO 8601 strings)."""
        out: dict[str, object] = dict(self.__dict__)
        out["started"] = self.started.isoformat()
        out["finished"] = self.finished.isoformat() if self.finished else None
        out["tokens"] = self.tokens
        return out

    def as_line(self) -> str:
        """One line for `paperbrief runs`: id, start, command, status, calls, tokens, cost."""
        started = self.started.astimezone().strftime("%Y-%m-%d %H:%M")
        line = (
            f"#{self.id} {started} {self.command} {self.status}: {self.calls} calls, "
            f"{self.tokens} tokens ({self.cached_tokens} cached), ${self.cost_usd:.4f}, "
            f"{self.failures} failed calls, {self.fallbacks} fallbacks"
        )
        if self.error:
            line += f"; error: {' '.join(self.error.split())}"
        return line


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Store(BatchStoreMixin, EmbeddingStoreMixin, MarkStoreMixin, PaperWordStoreMixin):
    """A paperbrief database; open it with `Store(path)` or `with Store(path) as store:`."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (creating and migrating) the database at `path`. A file that is not a
        paperbrief database is refused untouched. `read_only` never writes (for `runs`: a
        database in a read-only folder or file works; its schema must be current)."""
        self.path = Path(path).expanduser()
        self._lock = threading.RLock()
        self._deferred = False  # inside deferred_commits: writes are savepoints
        self.read_only = read_only
        check_ours(self.path)
        if read_only:
            if not self.path.exists():
                raise InputError(f"{self.path}: no such database")
            try:
                self._conn = read_only_connection(self.path, BUSY_TIMEOUT_MS / 1000)
            except sqlite3.Error as exc:
                if is_damage(exc):
                    raise damaged(self.path, exc) from exc
                raise InputError(f"cannot open the database {self.path}: {exc}") from exc
            self.applied: list[str] = []
            try:
                check_not_newer(self._conn, self.path, (m.__name__ for m in MIGRATIONS))
            except BaseException:
                self._conn.close()
                raise
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the folder of {self.path}: {exc}") from exc
        existed = self.path.exists()
        new = not existed or self.path.stat().st_size == 0
        try:
            self._conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the database {self.path}: {exc}") from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            check_not_newer(self._conn, self.path, (m.__name__ for m in MIGRATIONS))
            self.applied = migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if is_damage(exc):
                raise damaged(self.path, exc) from exc
            if new:  # e.g. a full disk: no half-made database is left behind (issue 28, 19)
                remove_new_store(self.path, existed)
                raise InputError(f"cannot create the database {self.path}: {exc} (is its disk "
                                 "full?); nothing was left behind") from exc
            raise InputError(f"cannot use the database {self.path}: {exc}") from exc
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def deferred_commits(self) -> Iterator[None]:
        """Writes inside share one transaction, committed when the block ends.

        For results that are free to recompute (the offline engine's): they need not pay a
        durable commit each, and a killed run loses nothing paid for. Holds the store for the
        block; each write inside is a savepoint, so a failed one leaves the others.
        """
        with self._lock:
            if self._deferred:
                yield
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from exc
            self._deferred = True
            try:
                yield
            finally:
                self._deferred = False
                try:
                    if self._conn.in_transaction:
                        self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    raise self._write_error(exc) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction, serialised across threads (a savepoint when deferred)."""
        with self._lock:
            begin, commit, undo = ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
            if self._deferred:
                begin, commit, undo = ("SAVEPOINT w", "RELEASE w", "ROLLBACK TO w")
            try:
                self._conn.execute(begin)
                try:
                    yield self._conn
                    self._conn.execute(commit)
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute(undo)
                        if self._deferred:
                            self._conn.execute("RELEASE w")
                    raise
            except sqlite3.Error as exc:
                raise self._write_error(exc) from exc

    def _write_error(self, exc: sqlite3.Error) -> PaperbriefError:
        if is_damage(exc):
            return damaged(self.path, exc)  # exit 2, as when reading it (issue 28, item 19)
        return PaperbriefError(f"cannot write to the database {self.path}: {exc}")

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._conn.execute(sql, params)
                cur.row_factory = sqlite3.Row
                return cur.fetchall()
            except sqlite3.DatabaseError as exc:
                if is_damage(exc):
                    raise damaged(self.path, exc) from exc
                raise

    def integrity_check(self) -> str:
        """SQLite's `pragma integrity_check`: "ok" when the database is sound."""
        return "; ".join(row[0] for row in self._read("PRAGMA integrity_check"))

    # -- papers ----------------------------------------------------------------------------

    def save_papers(self, papers: list[Paper]) -> None:
        """Insert or update papers by id."""
        now = _now()
        rows = [
            (
                p.id,
                p.content_hash,
                p.title,
                p.published.isoformat() if p.published else None,
                p.source,
                # with the arXiv version it holds (not printed, so not in model_dump): asking
                # for 1707.08567v1 after 1707.08567 returned v1 finds it here (issue 28, 21)
                p.model_dump_json() if p.version is None
                else json.dumps(p.model_dump(mode="json") | {"version": p.version}),
                now,
                now,
                p.version,
            )
            for p in papers
        ]
        with self._write() as conn:  # the newest arXiv version seen is kept (issue 25)
            conn.executemany(
                """INSERT INTO papers
                   (id, content_hash, title, published, source, json, first_seen, last_seen,
                    version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET content_hash = excluded.content_hash,
                     title = excluded.title, published = excluded.published,
                     source = excluded.source, json = excluded.json,
                     last_seen = excluded.last_seen,
                     version = MAX(COALESCE(excluded.version, 0), COALESCE(papers.version, 0))
                   WHERE excluded.version IS NULL OR papers.version IS NULL
                     OR excluded.version >= papers.version""",  # an older version never wins
                rows,
            )

    def get_paper(self, paper_id: str) -> Paper | None:
        """The paper saved under `paper_id`, if any, with the version its text is known to be
        (None when it came from a listing without versions; the `version` column keeps the
        newest version ever seen, for marks and seen papers)."""
        rows = self._read("SELECT json FROM papers WHERE id = ?", (paper_id,))
        return Paper.model_validate_json(rows[0]["json"]) if rows else None

    # -- takeaways -------------------------------------------------------------------------

    def get_takeaway(self, paper: Paper, engine: str, prompt_version: str) -> Takeaway | None:
        """The cached takeaway of `paper`'s content by `engine` at `prompt_version`, if any."""
        rows = self._read(
            "SELECT json FROM takeaways WHERE content_hash = ? AND engine = ? "
            "AND prompt_version = ?",
            (paper.content_hash, engine, prompt_version),
        )
        if not rows:
            return None
        takeaway = Takeaway.model_validate_json(rows[0]["json"])
        return takeaway.model_copy(update={"paper_id": paper.id})

    def put_takeaway(self, paper: Paper, takeaway: Takeaway, engine: str | None = None) -> bool:
        """Cache `takeaway` of `paper` under `engine` (default: `takeaway.engine`).

        Returns False, storing nothing, for a fallback (`takeaway.fallback_reason` set).
        """
        if takeaway.fallback_reason is not None:
            return False
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO takeaways "
                "(content_hash, engine, prompt_version, paper_id, json, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    paper.content_hash,
                    engine or takeaway.engine,
                    takeaway.prompt_version,
                    paper.id,
                    takeaway.model_dump_json(),
                    _now(),
                ),
            )
        return True

    # -- comparisons -----------------------------------------------------------------------

    def get_comparison(
        self, a: Paper, b: Paper, engine: str, prompt_version: str
    ) -> Comparison | None:
        """The cached comparison of `a` with `b` (in this order) by `engine`, if any."""
        rows = self._read(
            "SELECT json FROM comparisons WHERE hash_a = ? AND hash_b = ? AND engine = ? "
            "AND prompt_version = ?",
            (a.content_hash, b.content_hash, engine, prompt_version),
        )
        if not rows:
            return None
        comparison = Comparison.model_validate_json(rows[0]["json"])
        return comparison.model_copy(update={"paper_a": a.id, "paper_b": b.id})

    def put_comparison(
        self, a: Paper, b: Paper, comparison: Comparison, engine: str | None = None
    ) -> bool:
        """Cache the comparison of `a` with `b` under `engine` (default: `comparison.engine`).

        Returns False, storing nothing, for a fallback (`comparison.fallback_reason` set).
        """
        if comparison.fallback_reason is not None:
            return False
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO comparisons "
                "(hash_a, hash_b, engine, prompt_version, paper_a, paper_b, json, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.content_hash,
                    b.content_hash,
                    engine or comparison.engine,
                    comparison.prompt_version,
                    a.id,
                    b.id,
                    comparison.model_dump_json(),
                    _now(),
                ),
            )
        return True

    # -- runs and the call log -------------------------------------------------------------

    def start_run(self, command: str, argv: list[str]) -> int:
        """Record the start of a run; return its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (command, argv, started, status, pid) VALUES (?, ?, ?, ?, ?)",
                (command, json.dumps(argv), _now(), "running", os.getpid()),
            )
            return int(cur.lastrowid or 0)

    def log_call(self, run_id: int, call: CallRecord) -> None:
        """Append one model call to the log of run `run_id`."""
        with self._write() as conn:
            conn.execute(
                """INSERT INTO calls (run_id, at, kind, subject, model, prompt_version, attempt,
                     status, error, prompt_tokens, completion_tokens, cached_tokens, cost_usd,
                     duration_s, started)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    run_id,
                    _now(),
                    call.kind,
                    call.subject,
                    call.model,
                    call.prompt_version,
                    call.attempt,
                    call.status,
                    call.error,
                    call.prompt_tokens,
                    call.completion_tokens,
                    call.cached_tokens,
                    call.cost_usd,
                    call.duration_s,
                    call.started.isoformat() if call.started else None,
                ),
            )

    # -- failures (the cooldown before an item whose answers failed is paid for again) -------

    def record_failure(
        self, kind: str, content_key: str, engine: str, prompt_version: str, reason: str
    ) -> None:
        """Remember that `kind` of `content_key` by `engine` at `prompt_version` failed now."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO failures "
                "(kind, content_key, engine, prompt_version, failed, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kind, content_key, engine, prompt_version, _now(), reason),
            )

    def get_failure(
        self, kind: str, content_key: str, engine: str, prompt_version: str
    ) -> tuple[datetime, str] | None:
        """(when, why) of the remembered failure of this item, if any."""
        rows = self._read(
            "SELECT failed, reason FROM failures WHERE kind = ? AND content_key = ? "
            "AND engine = ? AND prompt_version = ?",
            (kind, content_key, engine, prompt_version),
        )
        if not rows:
            return None
        return datetime.fromisoformat(rows[0]["failed"]), rows[0]["reason"]

    def clear_failure(self, kind: str, content_key: str, engine: str, prompt_version: str) -> None:
        """Forget the failure of this item (it has now been answered)."""
        with self._write() as conn:
            conn.execute(
                "DELETE FROM failures WHERE kind = ? AND content_key = ? AND engine = ? "
                "AND prompt_version = ?",
                (kind, content_key, engine, prompt_version),
            )

    def finish_run(
        self,
        run_id: int,
        status: str,
        stats: DigestStats | None = None,
        error: str | None = None,
    ) -> None:
        """Record how run `run_id` ended ("ok", "failed", ...), with its stats or error."""
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET finished = ?, status = ?, stats = ?, error = ?, fallbacks = ? "
                "WHERE id = ?",
                (
                    _now(),
                    status,
                    stats.model_dump_json() if stats else None,
                    error,
                    stats.fallbacks if stats else 0,
                    run_id,
                ),
            )

    def mark_interrupted_runs(self) -> int:
        """Mark runs still "running" as "interrupted"; return how many.

        Call it only while holding the run lock: then no other run can be live, so any run still
        "running" was killed before it could finish.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE runs SET status = 'interrupted' "
                "WHERE status = 'running' AND finished IS NULL"
            )
            return cur.rowcount

    def run_calls(self, run_id: int) -> list[CallRecord]:
        """The calls logged by run `run_id`, in order."""
        rows = self._read(
            "SELECT kind, subject, model, prompt_version, attempt, status, error, prompt_tokens, "
            "completion_tokens, cached_tokens, cost_usd, duration_s, started FROM calls "
            "WHERE run_id = ? "
            "ORDER BY id",
            (run_id,),
        )
        return [CallRecord(**dict(row)) for row in rows]

    def run_stats(self, run_id: int) -> DigestStats | None:
        """The stats recorded when run `run_id` finished, if any."""
        rows = self._read("SELECT stats FROM runs WHERE id = ?", (run_id,))
        if not rows or rows[0]["stats"] is None:
            return None
        return DigestStats.model_validate_json(rows[0]["stats"])

    def recent_runs(self, limit: int = 10) -> list[RunSummary]:
        """The latest `limit` runs, newest first, with call, token, cost and failure totals."""
        rows = self._read(
            """SELECT r.id, r.command, r.argv, r.started, r.finished, r.status, r.error,
                 r.fallbacks,
                 COUNT(c.id) AS calls,
                 COALESCE(SUM(c.prompt_tokens), 0) AS prompt_tokens,
                 COALESCE(SUM(c.completion_tokens), 0) AS completion_tokens,
                 COALESCE(SUM(c.cached_tokens), 0) AS cached_tokens,
                 COALESCE(SUM(c.cost_usd), 0.0) AS cost_usd,
                 COALESCE(SUM(c.status NOT IN ('ok', 'repaired')), 0) AS failures
               FROM (SELECT * FROM runs ORDER BY id DESC LIMIT ?) AS r
               LEFT JOIN calls AS c ON c.run_id = r.id
               GROUP BY r.id ORDER BY r.id DESC""",
            (max(limit, 0),),
        )
        return [
            RunSummary(
                id=row["id"],
                command=row["command"],
                argv=readable_argv(row["argv"]),  # a malformed row does not break `runs`
                started=readable_time(row["started"]) or datetime.fromtimestamp(0, UTC),
                finished=readable_time(row["finished"]),
                status=row["status"],
                error=row["error"],
                calls=row["calls"],
                prompt_tokens=row["prompt_tokens"],
                completion_tokens=row["completion_tokens"],
                cached_tokens=row["cached_tokens"],
                cost_usd=float(row["cost_usd"]),
                failures=row["failures"],
                fallbacks=row["fallbacks"],
            )
            for row in rows
        ]

    # -- deliveries ------------------------------------------------------------------------

    def delivered(self, channel: str, period: str, recipient: str) -> bool:
        """Whether the digest of `period` already went to `recipient` over `channel`."""
        return bool(
            self._read(
                "SELECT 1 FROM deliveries WHERE channel = ? AND period = ? AND recipient = ?",
                (channel, period, recipient.lower()),
            )
        )

    def record_delivery(
        self, channel: str, period: str, recipient: str, message_id: str | None, run_id: int
    ) -> None:
        """Remember that `recipient` got the digest of `period` (a resend updates the row)."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO deliveries "
                "(channel, period, recipient, message_id, run_id, sent) VALUES (?, ?, ?, ?, ?, ?)",
                (channel, period, recipient.lower(), message_id, run_id, _now()),
            )
