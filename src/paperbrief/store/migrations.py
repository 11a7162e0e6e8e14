"""Schema of the store as ordered, named migration steps recorded in the `_migrations` table.

Each step is a function taking a connection; `migrate` applies, in list order, the steps whose name
is not yet recorded, each in its own transaction together with its record. Never edit or rename a
step once released: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration step."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    """Papers, cached takeaways and comparisons, runs and the log of model calls."""
    conn.execute(
        """CREATE TABLE papers (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT,
            source TEXT NOT NULL,
            json TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE takeaways (
            content_hash TEXT NOT NULL,
            engine TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            json TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (content_hash, engine, prompt_version)
        )"""
    )
    conn.execute(
        """CREATE TABLE comparisons (
            hash_a TEXT NOT NULL,
            hash_b TEXT NOT NULL,
            engine TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            paper_a TEXT NOT NULL,
            paper_b TEXT NOT NULL,
            json TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (hash_a, hash_b, engine, prompt_version)
        )"""
    )
    conn.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            argv TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,
            stats TEXT,
            error TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            duration_s REAL NOT NULL
        )"""
    )


@migration
def m002_run_counters_and_indexes(conn: sqlite3.Connection) -> None:
    """Fallback count and pid on runs; indexes for the call log and papers by hash."""
    conn.execute("ALTER TABLE runs ADD COLUMN fallbacks INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE runs ADD COLUMN pid INTEGER")
    conn.execute("CREATE INDEX calls_run_id ON calls(run_id)")
    conn.execute("CREATE INDEX papers_content_hash ON papers(content_hash)")


@migration
def m003_call_start_and_failures(conn: sqlite3.Connection) -> None:
    """Each call's own start time; items whose answers failed, for the failure cooldown."""
    conn.execute("ALTER TABLE calls ADD COLUMN started TEXT")
    conn.execute(
        """CREATE TABLE failures (
            kind TEXT NOT NULL,
            content_key TEXT NOT NULL,
            engine TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            failed TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (kind, content_key, engine, prompt_version)
        )"""
    )


@migration
def m004_deliveries(conn: sqlite3.Connection) -> None:
    """Digests delivered (by e-mail) per channel, period and recipient, so a rerun sends none."""
    conn.execute(
        """CREATE TABLE deliveries (
            channel TEXT NOT NULL,
            period TEXT NOT NULL,
            recipient TEXT NOT NULL,
            message_id TEXT,
            run_id INTEGER,
            sent TEXT NOT NULL,
            PRIMARY KEY (channel, period, recipient)
        )"""
    )


@migration
def m005_batches(conn: sqlite3.Connection) -> None:
    """OpenAI Batch API jobs (`digest --batch`) and the takeaway/comparison each line asks for."""
    conn.execute(
        """CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            input_file_id TEXT NOT NULL,
            status TEXT NOT NULL,
            requests INTEGER NOT NULL,
            run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            submitted TEXT NOT NULL,
            checked TEXT,
            collected TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE batch_items (
            batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
            custom_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            cache_key TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            papers TEXT NOT NULL,
            PRIMARY KEY (batch_id, custom_id)
        )"""
    )
    conn.execute("CREATE INDEX batch_items_key ON batch_items(kind, cache_key)")


@migration
def m006_embeddings(conn: sqlite3.Connection) -> None:
    """Embeddings cache: a float32 vector per (content key, embedding model)."""
    conn.execute(
        """CREATE TABLE embeddings (
            content_key TEXT NOT NULL,
            model TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            vector BLOB NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (content_key, model)
        )"""
    )


@migration
def m007_chat_outbox(conn: sqlite3.Connection) -> None:
    """Chat messages of a digest per destination, part by part, and which were sent (a killed
    delivery resumes with the unsent parts)."""
    conn.execute(
        """CREATE TABLE chat_outbox (
            destination TEXT NOT NULL,
            period TEXT NOT NULL,
            part INTEGER NOT NULL,
            parts INTEGER NOT NULL,
            body TEXT NOT NULL,
            created TEXT NOT NULL,
            run_id INTEGER,
            sent TEXT,
            message_id TEXT,
            PRIMARY KEY (destination, period, part)
        )"""
    )


@migration
def m008_marks_and_seen(conn: sqlite3.Connection) -> None:
    """Likes and dislikes per reader; the papers each reader saw in detail; papers' versions."""
    conn.execute(
        """CREATE TABLE marks (
            reader TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            mark TEXT NOT NULL CHECK (mark IN ('like', 'dislike')),
            marked TEXT NOT NULL,
            PRIMARY KEY (reader, paper_id)
        )"""
    )
    conn.execute(
        """CREATE TABLE seen (
            reader TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            version INTEGER,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL,
            period TEXT NOT NULL,
            period_start TEXT,
            period_end TEXT,
            first_seen TEXT NOT NULL,
            title_key TEXT NOT NULL,
            PRIMARY KEY (reader, paper_id)
        )"""
    )
    conn.execute("CREATE INDEX seen_title_key ON seen(reader, title_key)")
    conn.execute("ALTER TABLE papers ADD COLUMN version INTEGER")


@migration
def m009_paper_words(conn: sqlite3.Connection) -> None:
    """Each paper's analysed words (stems, in order) by content hash and analyzer, so a repeated
    `rank` does not analyse a paper again (paperbrief.relate.term_vectors)."""
    conn.execute(
        """CREATE TABLE paper_words (
            content_key TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            words TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (content_key, analyzer)
        )"""
    )

def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the database, in the order they were applied."""
    ensure_migrations_table(conn)
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def ensure_migrations_table(conn: sqlite3.Connection) -> None:
    """Create the `_migrations` table if it is missing."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
    )


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the steps of `migrations` not yet recorded; return the names applied.

    `conn` must be in autocommit mode (isolation_level=None). Each step runs in a `BEGIN IMMEDIATE`
    transaction that also re-reads the recorded names, so two processes opening a fresh database at
    once apply each step exactly once.
    """
    ensure_migrations_table(conn)
    done: list[str] = []
    for fn in migrations:
        name = fn.__name__
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")
                continue
            fn(conn)
            conn.execute(
                "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (a full disk)
                conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done
