"""Store: migrations, cache keys, fallbacks, run and call log, durability across processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import pytest

from paperbrief.errors import InputError
from paperbrief.models import (
    CallRecord,
    Comparison,
    Difference,
    DigestStats,
    KeyNumber,
    Paper,
    Takeaway,
)
from paperbrief.store.core import Store, default_db_path
from paperbrief.store.migrations import MIGRATIONS, applied_migrations, migrate

SRC = Path(__file__).resolve().parent.parent / "src"
MODEL = "gpt-4o-mini"
PV = "t1"


def load_papers(fixtures: Path) -> list[Paper]:
    papers = []
    for line in (fixtures / "scitldr-3.jsonl").read_text().splitlines():
        row = json.loads(line)
        papers.append(
            Paper(id=row["id"], title=row.get("title", ""), abstract=row["abstract"], source="t")
        )
    return papers


@pytest.fixture
def papers(fixtures: Path) -> list[Paper]:
    return load_papers(fixtures)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "db" / "paperbrief.db") as s:
        yield s


def takeaway_for(paper: Paper, engine: str = MODEL, version: str = PV, **extra) -> Takeaway:
    return Takeaway(
        takeaway=f"{paper.id} contributes a method and reports 71.9% accuracy.",
        problem="The problem.",
        method="The method.",
        result="The result.",
        key_numbers=[KeyNumber(value="71.9%", context="accuracy on the benchmark")],
        contribution_type="method",
        tags=["memory", "learning"],
        paper_id=paper.id,
        engine=engine,
        prompt_version=version,
        **extra,
    )


def comparison_for(a: Paper, b: Paper, engine: str = MODEL, version: str = "c1", **extra):
    return Comparison(
        summary=f"{a.id} and {b.id} both study learning.",
        shared_ground="Both learn.",
        differences=[Difference(aspect="data", a="images", b="text")],
        prefer_a_when="you have images",
        prefer_b_when="you have text",
        paper_a=a.id,
        paper_b=b.id,
        engine=engine,
        prompt_version=version,
        **extra,
    )


def call(subject: str, status: str = "ok", **kw) -> CallRecord:
    values = dict(
        kind="takeaway",
        subject=subject,
        model=MODEL,
        prompt_version=PV,
        status=status,
        prompt_tokens=100,
        completion_tokens=20,
        cached_tokens=10,
        cost_usd=0.001,
        duration_s=0.5,
    )
    values.update(kw)
    return CallRecord(**values)


# -- paths and opening ---------------------------------------------------------------------


def test_default_db_path_prefers_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERBRIEF_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.setenv("PAPERBRIEF_DB", "")
    path = default_db_path()
    assert path.name == "paperbrief.db"
    assert "paperbrief" in path.parent.as_posix()


def test_open_creates_parent_dirs_and_uses_wal(tmp_path):
    path = tmp_path / "a" / "b" / "p.db"
    with Store(path) as s:
        mode = s._conn.execute("PRAGMA journal_mode").fetchone()[0]
        fk = s._conn.execute("PRAGMA foreign_keys").fetchone()[0]
    assert path.exists()
    assert mode == "wal"
    assert fk == 1


def test_not_a_database_is_a_one_line_input_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite\n" * 100)
    with pytest.raises(InputError) as info:
        Store(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


# -- migrations ----------------------------------------------------------------------------


def test_fresh_db_applies_all_migrations_once(tmp_path):
    path = tmp_path / "p.db"
    with Store(path) as s:
        assert s.applied == [fn.__name__ for fn in MIGRATIONS]
    with Store(path) as s:
        assert s.applied == []
        recorded = s._conn.execute("SELECT name, applied FROM _migrations").fetchall()
    assert [name for name, _ in recorded] == [fn.__name__ for fn in MIGRATIONS]
    assert all(applied for _, applied in recorded)


def test_db_at_first_migration_is_upgraded_keeping_its_rows(tmp_path, papers):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:1]) == ["m001_initial"]
    conn.execute(
        "INSERT INTO runs (command, argv, started, status) VALUES ('digest', '[]', "
        "'2026-03-01T00:00:00+00:00', 'ok')"
    )
    conn.execute(
        "INSERT INTO takeaways VALUES (?, ?, ?, ?, ?, ?)",
        (
            papers[0].content_hash,
            MODEL,
            PV,
            papers[0].id,
            takeaway_for(papers[0]).model_dump_json(),
            "2026-03-01T00:00:00+00:00",
        ),
    )
    conn.close()

    with Store(path) as s:
        assert s.applied == [fn.__name__ for fn in MIGRATIONS[1:]]
        assert applied_migrations(s._conn) == [fn.__name__ for fn in MIGRATIONS]
        [run] = s.recent_runs()
        assert (run.command, run.status, run.fallbacks) == ("digest", "ok", 0)
        assert s.get_takeaway(papers[0], MODEL, PV) == takeaway_for(papers[0])
        # the upgraded schema works for new writes
        run_id = s.start_run("digest", [])
        s.finish_run(run_id, "ok", DigestStats(fallbacks=2))
        assert s.recent_runs(1)[0].fallbacks == 2


def test_failed_migration_is_rolled_back_and_not_recorded(tmp_path):
    def m001_ok(conn):
        conn.execute("CREATE TABLE a (x)")

    def m002_broken(conn):
        conn.execute("CREATE TABLE b (x)")
        raise RuntimeError("boom")

    conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn, [m001_ok, m002_broken])
    assert applied_migrations(conn) == ["m001_ok"]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    conn.close()


# -- papers --------------------------------------------------------------------------------


def test_save_papers_upserts_by_id(store, papers):
    store.save_papers(papers)
    assert store.get_paper(papers[1].id) == papers[1]
    changed = papers[1].model_copy(update={"title": "New title", "published": date(2026, 3, 5)})
    store.save_papers([changed])
    assert store.get_paper(papers[1].id) == changed
    assert store._conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == len(papers)
    assert store.get_paper("missing") is None


# -- takeaway cache ------------------------------------------------------------------------


def test_takeaway_round_trip(store, papers):
    paper = papers[0]
    assert store.get_takeaway(paper, MODEL, PV) is None
    t = takeaway_for(paper)
    assert store.put_takeaway(paper, t) is True
    assert store.get_takeaway(paper, MODEL, PV) == t


def test_takeaway_misses_when_hash_version_or_engine_change(store, papers):
    paper = papers[0]
    store.put_takeaway(paper, takeaway_for(paper))
    edited = paper.model_copy(update={"abstract": paper.abstract + " We also release code."})
    assert edited.content_hash != paper.content_hash
    assert store.get_takeaway(edited, MODEL, PV) is None
    assert store.get_takeaway(paper, MODEL, "t2") is None
    assert store.get_takeaway(paper, "gpt-4.1", PV) is None
    assert store.get_takeaway(paper, "offline", PV) is None
    # whitespace-only changes keep the hash, so they hit
    spaced = paper.model_copy(update={"abstract": "  " + paper.abstract.replace(" ", "\n", 3)})
    assert store.get_takeaway(spaced, MODEL, PV) is not None


def test_same_content_under_another_id_hits_with_its_own_id(store, papers):
    paper = papers[0]
    store.put_takeaway(paper, takeaway_for(paper))
    twin = paper.model_copy(update={"id": "2603.01234", "source": "hf:2026-03-16"})
    got = store.get_takeaway(twin, MODEL, PV)
    assert got is not None and got.paper_id == "2603.01234"


def test_fallback_takeaway_is_not_served_as_llm_cache(store, papers):
    paper = papers[0]
    fallback = takeaway_for(paper, engine="offline", version="off1", fallback_reason="budget")
    assert store.put_takeaway(paper, fallback, engine=MODEL) is False
    assert store.put_takeaway(paper, fallback) is False
    assert store.get_takeaway(paper, MODEL, PV) is None
    assert store.get_takeaway(paper, MODEL, "off1") is None
    assert store.get_takeaway(paper, "offline", "off1") is None
    # a genuine offline result is cached under "offline"
    offline = takeaway_for(paper, engine="offline", version="off1")
    assert store.put_takeaway(paper, offline) is True
    assert store.get_takeaway(paper, "offline", "off1") == offline
    assert store.get_takeaway(paper, MODEL, "off1") is None


def test_put_takeaway_engine_override_keys_by_requested_engine(store, papers):
    paper = papers[0]
    t = takeaway_for(paper, engine="gpt-4o-mini-2024-07-18")
    store.put_takeaway(paper, t, engine=MODEL)
    assert store.get_takeaway(paper, MODEL, PV) == t
    assert store.get_takeaway(paper, "gpt-4o-mini-2024-07-18", PV) is None


def test_put_takeaway_replaces_previous_entry(store, papers):
    paper = papers[0]
    store.put_takeaway(paper, takeaway_for(paper))
    newer = takeaway_for(paper).model_copy(update={"takeaway": "A refreshed takeaway."})
    store.put_takeaway(paper, newer)
    assert store.get_takeaway(paper, MODEL, PV).takeaway == "A refreshed takeaway."


# -- comparison cache ----------------------------------------------------------------------


def test_comparison_round_trip_and_key(store, papers):
    a, b, c = papers
    assert store.get_comparison(a, b, MODEL, "c1") is None
    comp = comparison_for(a, b)
    assert store.put_comparison(a, b, comp) is True
    assert store.get_comparison(a, b, MODEL, "c1") == comp
    # ordered key: the reverse pair is a different entry
    assert store.get_comparison(b, a, MODEL, "c1") is None
    assert store.get_comparison(a, c, MODEL, "c1") is None
    assert store.get_comparison(a, b, MODEL, "c2") is None
    assert store.get_comparison(a, b, "offline", "c1") is None
    edited_b = b.model_copy(update={"title": "Another title"})
    assert store.get_comparison(a, edited_b, MODEL, "c1") is None
    edited_a = a.model_copy(update={"abstract": a.abstract[:-1]})
    assert store.get_comparison(edited_a, b, MODEL, "c1") is None


def test_fallback_comparison_is_not_cached(store, papers):
    a, b, _ = papers
    fallback = comparison_for(a, b, engine="offline", version="oc1", fallback_reason="timeout")
    assert store.put_comparison(a, b, fallback, engine=MODEL) is False
    assert store.get_comparison(a, b, MODEL, "oc1") is None
    assert store.get_comparison(a, b, "offline", "oc1") is None


# -- runs and calls ------------------------------------------------------------------------


def test_call_log_and_recent_runs_aggregates(store, papers):
    first = store.start_run("digest", ["digest", "x.jsonl"])
    store.log_call(first, call("p1"))
    store.log_call(first, call("p2", status="invalid", error="bad json", attempt=1))
    store.log_call(first, call("p2", attempt=2, cost_usd=0.002))
    store.log_call(first, call("p1|p2", kind="comparison", status="error", error="timeout"))
    stats = DigestStats(papers=3, takeaways=3, fallbacks=1, engine=MODEL)
    store.finish_run(first, "ok", stats)
    second = store.start_run("takeaway", ["takeaway", "p1"])

    runs = store.recent_runs()
    assert [r.id for r in runs] == [second, first]
    latest, done = runs
    assert (latest.status, latest.finished, latest.calls, latest.cost_usd) == (
        "running",
        None,
        0,
        0.0,
    )
    assert done.command == "digest" and done.argv == ["digest", "x.jsonl"]
    assert done.status == "ok" and done.finished is not None and done.finished >= done.started
    assert done.calls == 4
    assert done.prompt_tokens == 400
    assert done.completion_tokens == 80
    assert done.cached_tokens == 40
    assert done.cost_usd == pytest.approx(0.005)
    assert done.failures == 2
    assert done.fallbacks == 1
    assert store.run_stats(first) == stats
    assert store.run_stats(second) is None
    logged = store.run_calls(first)
    assert [(c.subject, c.status, c.attempt) for c in logged] == [
        ("p1", "ok", 1),
        ("p2", "invalid", 1),
        ("p2", "ok", 2),
        ("p1|p2", "error", 1),
    ]
    assert logged[1].error == "bad json"
    assert store.recent_runs(1)[0].id == second


def test_failed_run_records_error(store):
    run_id = store.start_run("digest", [])
    store.finish_run(run_id, "failed", error="OpenAI rejected the API key")
    [run] = store.recent_runs()
    assert (run.status, run.error, run.fallbacks) == ("failed", "OpenAI rejected the API key", 0)


def test_mark_interrupted_runs(store):
    killed = store.start_run("digest", [])
    done = store.start_run("digest", [])
    store.finish_run(done, "ok")
    assert store.mark_interrupted_runs() == 1
    statuses = {r.id: r.status for r in store.recent_runs()}
    assert statuses == {killed: "interrupted", done: "ok"}


def test_writes_from_worker_threads(store, papers):
    run_id = store.start_run("digest", [])
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                store.log_call(run_id, call(f"t{n}-{i}"))
                paper = papers[i % 3].model_copy(update={"abstract": f"abstract {n} {i}"})
                store.put_takeaway(paper, takeaway_for(paper))
                store.get_takeaway(paper, MODEL, PV)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.recent_runs(1)[0].calls == 80
    assert store._conn.execute("SELECT COUNT(*) FROM takeaways").fetchone()[0] == 80


# -- across processes ----------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


READER = textwrap.dedent(
    """
    import json, sys
    from paperbrief.models import Paper
    from paperbrief.store.core import Store
    with Store(sys.argv[1]) as s:
        paper = Paper.model_validate_json(sys.argv[2])
        t = s.get_takeaway(paper, "gpt-4o-mini", "t1")
        runs = s.recent_runs()
        print(json.dumps({"takeaway": t and t.takeaway, "calls": runs[0].calls}))
    """
)


def test_db_written_by_one_process_is_read_by_another(tmp_path, papers):
    path = tmp_path / "p.db"
    with Store(path) as s:  # kept open: the reader sees committed rows while we hold it
        s.put_takeaway(papers[0], takeaway_for(papers[0]))
        run_id = s.start_run("digest", [])
        s.log_call(run_id, call("p"))
        out = subprocess.run(
            [sys.executable, "-c", READER, str(path), papers[0].model_dump_json()],
            capture_output=True,
            text=True,
            env=child_env(),
            check=True,
        ).stdout
    assert json.loads(out) == {"takeaway": takeaway_for(papers[0]).takeaway, "calls": 1}


WRITER = textwrap.dedent(
    """
    import sys
    from paperbrief.models import Paper, Takeaway, CallRecord
    from paperbrief.store.core import Store
    base = Paper.model_validate_json(sys.argv[2])
    template = Takeaway.model_validate_json(sys.argv[3])
    s = Store(sys.argv[1])
    run_id = s.start_run("digest", ["digest"])
    i = 0
    while True:
        paper = base.model_copy(update={"id": f"p{i}", "abstract": f"{base.abstract} #{i}"})
        s.log_call(run_id, CallRecord(kind="takeaway", subject=paper.id, model="gpt-4o-mini",
                                      prompt_version="t1", prompt_tokens=100))
        s.put_takeaway(paper, template.model_copy(update={"paper_id": paper.id}))
        print(i, flush=True)
        i += 1
    """
)


def test_sigkill_mid_writes_leaves_a_sound_db_with_every_committed_row(tmp_path, papers):
    path = tmp_path / "p.db"
    base = papers[0]
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), base.model_dump_json(),
         takeaway_for(base).model_dump_json()],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )  # fmt: skip
    committed = -1
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            committed = int(line)
            if committed >= 60:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert committed >= 60

    with Store(path) as s:
        assert s.integrity_check() == "ok"
        assert s.applied == []
        for i in range(committed + 1):
            paper = base.model_copy(update={"id": f"p{i}", "abstract": f"{base.abstract} #{i}"})
            got = s.get_takeaway(paper, MODEL, PV)
            assert got is not None and got.paper_id == f"p{i}"
        [run] = s.recent_runs()
        assert run.status == "running"
        assert run.calls >= committed + 1
        # the killed run can be closed out and the DB keeps working
        assert s.mark_interrupted_runs() == 1
        s.put_takeaway(papers[1], takeaway_for(papers[1]))
        assert s.integrity_check() == "ok"
