"""Cron-grade runs of the real CLI against the reference server: cache, kill, lock, budgets, output.

Calls are counted twice over: by the server (every request it answered) and by the database's
call log (every call a run logged), and the two must agree.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("paperbrief.engines.offline.engine", reason="the offline engine has not landed yet")  # noqa: E501

from paperbrief import cli  # noqa: E402
from paperbrief.digest.render import md  # noqa: E402
from paperbrief.run.lock import run_lock  # noqa: E402
from paperbrief.sources import read_file  # noqa: E402
from paperbrief.store.core import Store  # noqa: E402
from paperbrief_refserver.server import RefServer  # noqa: E402

# the listing of 2024-10-25: since issue 22's round 5 the first papers of 2026-03-16 make no
# surely related pair, and these tests need a comparison
HF_JSON = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2024-10-25.json"
SCITLDR = Path(__file__).parent / "fixtures" / "scitldr-3.jsonl"
SUBPROCESS_TIMEOUT = 120


# -- helpers ----------------------------------------------------------------------------------


def listing(tmp_path: Path, n: int, name: str = "listing.json") -> Path:
    """A copy of the HF API fixture with its first `n` papers."""
    path = tmp_path / name
    path.write_text(json.dumps(json.loads(HF_JSON.read_text())[:n]), encoding="utf-8")
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in this process: (exit code, stdout, stderr)."""
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "paperbrief.cli", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_sub(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI as cron runs it: a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )


def latest_run_calls(db: Path) -> list:
    with Store(db) as store:
        (run,) = store.recent_runs(1)
        return store.run_calls(run.id)


def cached_subjects(db: Path) -> set[str]:
    """What the cache holds: paper ids of takeaways, 'a|b' of comparisons (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
    try:
        takeaways = {r[0] for r in conn.execute("SELECT paper_id FROM takeaways")}
        pairs = {f"{a}|{b}" for a, b in conn.execute("SELECT paper_a, paper_b FROM comparisons")}
    finally:
        conn.close()
    return takeaways | pairs


def body(digest: str) -> str:
    """The digest without its footer (which reports this run's calls)."""
    return digest.split("\n---\n", 1)[0]


# -- the cache, end to end --------------------------------------------------------------------


def test_rerun_over_the_same_papers_makes_no_llm_calls(tmp_path, server, llm_env, capsys):
    # 10 papers: the first 6 share no distinctive subject (issue 22), so no comparison
    src, db, out = listing(tmp_path, 10), tmp_path / "pb.db", tmp_path / "digest.md"
    code, stdout, stderr = run_cli(["digest", str(src), "--db", str(db), "--out", str(out)], capsys)
    assert (code, stdout, stderr) == (0, "", "")
    first = out.read_text()
    calls = latest_run_calls(db)
    # 10 takeaways, at least one comparison, and one request embedding the 10 papers
    assert len(server.requests) + len(server.embedding_requests) == len(calls) > 11
    assert {c.kind for c in calls} == {"takeaway", "comparison", "embedding"}
    assert all(c.status == "ok" for c in calls)
    assert "Engine: gpt-4o-mini" in first and "_(offline)_" not in first

    code, _, _ = run_cli(["digest", str(src), "--db", str(db), "--out", str(out)], capsys)
    assert code == 0
    assert len(server.requests) + len(server.embedding_requests) == len(calls)  # not one more
    assert latest_run_calls(db) == []
    assert body(out.read_text()) == body(first)
    assert "LLM calls" in first.split("\n---\n", 1)[1]
    assert "LLM calls" not in out.read_text().split("\n---\n", 1)[1]


def test_one_changed_abstract_makes_exactly_its_own_calls(tmp_path, server, llm_env, capsys):
    src, db = listing(tmp_path, 10), tmp_path / "pb.db"  # 10: see the test above
    code, first_json, _ = run_cli(["digest", str(src), "--db", str(db), "--json"], capsys)
    assert code == 0
    first = json.loads(first_json)
    paired = [c for c in first["comparisons"]]
    assert paired, "the fixture papers must yield a comparison"
    # a paper in a comparison whose abstract has a digit to change (same words for pairing)
    entries = json.loads(src.read_text())
    target = next(
        p
        for p in first["papers"]
        if any(p["id"] in (c["paper_a"], c["paper_b"]) for c in paired)
        and any(ch.isdigit() for ch in p["abstract"])
    )
    for entry in entries:
        if entry["paper"]["id"] == target["id"]:
            for holder in (h for h in (entry, entry["paper"]) if "summary" in h):
                text = holder["summary"]
                digit = next(ch for ch in text if ch.isdigit())
                holder["summary"] = text.replace(digit, "7" if digit != "7" else "8", 1)
    src.write_text(json.dumps(entries), encoding="utf-8")
    before = len(server.requests)

    code, second_json, _ = run_cli(["digest", str(src), "--db", str(db), "--json"], capsys)
    assert code == 0
    second = json.loads(second_json)
    pairs = [(c["paper_a"], c["paper_b"]) for c in second["comparisons"]]
    assert pairs == [(c["paper_a"], c["paper_b"]) for c in paired], "precondition: same pairs"
    expected = {target["id"]} | {f"{a}|{b}" for a, b in pairs if target["id"] in (a, b)}
    calls = latest_run_calls(db)
    assert sorted(c.subject for c in calls if c.kind != "embedding") == sorted(expected)
    # its new content is embedded again (alone); the others' vectors come from the cache
    assert [c.subject for c in calls if c.kind == "embedding"] == [target["id"]]
    assert len(server.requests) - before == len(calls) - 1


# -- killed with SIGKILL, resumed -------------------------------------------------------------


def test_a_run_killed_with_sigkill_resumes_paying_only_for_what_was_unfinished(
    tmp_path, monkeypatch
):
    db, out = tmp_path / "pb.db", tmp_path / "out" / "digest.md"
    out.parent.mkdir()
    out.write_text("last week's digest\n")
    argv = ["digest", str(HF_JSON), "--db", str(db), "--out", str(out), "--concurrency", "2"]
    with RefServer(latency=0.1) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        env = dict(os.environ)
        victim = spawn(argv, env)
        try:
            deadline = time.monotonic() + SUBPROCESS_TIMEOUT
            while not (db.exists() and _count_rows(db, "takeaways") >= 4):
                assert victim.poll() is None, victim.communicate()
                assert time.monotonic() < deadline, "the run never got going"
                time.sleep(0.02)
            # from now on the server stalls: the run cannot finish before we kill it
            server.latency = 30.0
            # while it runs, an overlapping run is refused with exit 75
            overlap = run_sub(argv, env)
            assert overlap.returncode == 75
            assert overlap.stdout == ""
            assert overlap.stderr.count("\n") == 1
            assert "another paperbrief run holds" in overlap.stderr
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=SUBPROCESS_TIMEOUT)
        assert victim.returncode == -signal.SIGKILL
        paid_first = len(server.requests)
        saved = cached_subjects(db)
        embedded_first = len(server.embedding_requests)
        embeddings_stored = _count_rows(db, "embeddings")

        assert out.read_text() == "last week's digest\n"  # no half-written digest
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()

        # `runs` sees the dead run as interrupted (nobody holds the lock any more)
        runs = run_sub(["runs", "--db", str(db)], env)
        assert runs.returncode == 0, runs.stderr
        assert "interrupted" in runs.stdout.splitlines()[0]

        server.latency = 0.0
        resumed = run_sub(argv, env)
        assert (resumed.returncode, resumed.stdout, resumed.stderr) == (0, "", "")
        paid_second = len(server.requests) - paid_first
        embedded_second = len(server.embedding_requests) - embedded_first

    run_calls = latest_run_calls(db)
    calls = [c for c in run_calls if c.kind != "embedding"]
    everything = cached_subjects(db)
    assert saved and saved < everything
    assert sorted(c.subject for c in calls) == sorted(everything - saved)
    assert paid_second == len(calls)
    # the papers' embeddings (asked for beside the first takeaways) are paid again only when the
    # kill came before they were stored
    assert embedded_second == len(run_calls) - len(calls)
    assert embedded_second == 0 or embeddings_stored == 0
    # the first run lost at most the two calls it had in flight when it was killed
    assert paid_first - len(saved) <= 2
    digest = out.read_text()
    assert "_(offline)_" not in digest
    with Store(db) as store:
        assert store.integrity_check() == "ok"
        statuses = [r.status for r in store.recent_runs()]
    assert statuses == ["ok", "interrupted"]


def test_ctrl_c_keeps_the_answer_in_flight_and_records_the_run_as_interrupted(
    tmp_path, monkeypatch
):
    src, db = listing(tmp_path, 4), tmp_path / "pb.db"
    argv = ["digest", str(src), "--db", str(db), "--concurrency", "1"]
    with RefServer(latency=0.3) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        env = dict(os.environ)
        victim = spawn(argv, env)
        deadline = time.monotonic() + SUBPROCESS_TIMEOUT
        # interrupt while a call is in flight: one answer saved, the next request sent
        while not (db.exists() and 1 <= _count_rows(db, "takeaways") < len(server.requests)):
            assert victim.poll() is None, victim.communicate()
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.01)
        victim.send_signal(signal.SIGINT)
        stdout, stderr = victim.communicate(timeout=SUBPROCESS_TIMEOUT)
        assert (victim.returncode, stdout, stderr) == (130, "", "paperbrief: interrupted\n")
        paid_first = len(server.requests)
        saved = cached_subjects(db)
        assert len(saved) == paid_first  # the call in flight was answered and kept
        server.latency = 0.0
        resumed = run_sub(argv, env)
        assert resumed.returncode == 0, resumed.stderr
        paid_second = len(server.requests) - paid_first
    with Store(db) as store:
        first, second = reversed(store.recent_runs())
        assert (first.status, first.error, second.status) == (
            "interrupted",
            "KeyboardInterrupt",
            "ok",
        )
    assert paid_second == len(cached_subjects(db) - saved) == second.calls


def _count_rows(db: Path, table: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
        try:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


# -- the lock ---------------------------------------------------------------------------------


def test_overlapping_run_exits_75_at_once_or_after_waiting_then_succeeds(tmp_path):
    db = tmp_path / "pb.db"
    argv = ["digest", str(SCITLDR), "--offline", "--db", str(db)]
    env = dict(os.environ)
    with run_lock(db):
        busy = run_sub(argv, env)
        waited = run_sub([*argv, "--wait", "0.5"], env)
    for result in (busy, waited):
        assert result.returncode == 75
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("paperbrief: error:")
    assert "pass --wait SECONDS" in busy.stderr
    assert "after 0.5 s of waiting" in waited.stderr
    free = run_sub(argv, env)
    assert free.returncode == 0, free.stderr
    assert free.stdout.startswith("# Paper digest")
    with Store(db) as store:
        assert [r.status for r in store.recent_runs()] == ["ok"]  # refused runs left no trace


def test_takeaway_and_compare_take_the_lock_too(tmp_path, capsys):
    db = tmp_path / "pb.db"
    with run_lock(db):
        for argv in (
            ["takeaway", "--input", str(SCITLDR), "--offline", "--db", str(db)],
            [
                "compare",
                "SJ1Xmf-Rb",
                "HJDUjKeA-",
                "--input",
                str(SCITLDR),
                "--offline",
                "--db",
                str(db),
            ],
        ):
            code, out, err = run_cli(argv, capsys)
            assert (code, out) == (75, "")
            assert "another paperbrief run holds" in err


# -- budgets ----------------------------------------------------------------------------------


def test_max_calls_stops_paying_marks_the_rest_and_says_so_once(tmp_path, server, llm_env, capsys):
    src, db, out = listing(tmp_path, 6), tmp_path / "pb.db", tmp_path / "d.md"
    argv = ["digest", str(src), "--db", str(db), "--out", str(out)]
    code, stdout, stderr = run_cli([*argv, "--max-calls", "3", "--concurrency", "1"], capsys)
    assert (code, stdout) == (0, "")
    assert len(server.embedding_requests) == 1  # embedding the papers is one of the 3 calls
    assert len(server.requests) == 2
    assert stderr.count("\n") == 1
    assert stderr.startswith("paperbrief: budget reached: --max-calls 3;")
    digest = out.read_text()
    papers = read_file(src).papers
    assert len(papers) == 6
    for paper in papers:  # never a silent truncation
        assert md(paper.display_title) in body(digest)
    papers_part = body(digest).split("## Head to head")[0]  # comparisons are marked there too
    assert papers_part.count("_(offline)_") == len(papers) - 2
    footer = digest.split("\n---\n", 1)[1]
    assert "budget reached: --max-calls 3" in footer
    assert "result(s) written by the offline engine" in footer


def test_max_cost_stops_paying_and_the_next_run_pays_the_rest(tmp_path, server, llm_env, capsys):
    src, db = listing(tmp_path, 4), tmp_path / "pb.db"
    argv = ["digest", str(src), "--db", str(db), "--concurrency", "1"]
    code, stdout, stderr = run_cli([*argv, "--max-cost", "0.000001"], capsys)
    assert code == 0
    # the first call (embedding the papers) already costs more than that: no chat call
    assert len(server.embedding_requests) == 1 and len(server.requests) == 0
    assert "budget reached: --max-cost 1e-06 USD" in stderr
    assert stdout.split("## Head to head")[0].count("_(offline)_") == 4
    with Store(db) as store:
        (run,) = store.recent_runs(1)
        assert run.calls == 1 and run.cost_usd > 0.000001 and run.fallbacks >= 4
    code, stdout, stderr = run_cli(argv, capsys)
    assert (code, stderr) == (0, "")
    assert "_(offline)_" not in stdout
    paid = len(latest_run_calls(db))
    assert paid == len(server.requests) and paid >= 4  # the rest, and no repeat


# -- output -----------------------------------------------------------------------------------


def test_a_failing_render_leaves_the_existing_digest_untouched(tmp_path, capsys):
    out = tmp_path / "digests" / "week.md"
    out.parent.mkdir()
    out.write_text("the old digest\n")
    broken = tmp_path / "broken.md.j2"
    broken.write_text("# {{ digest.no_such_field.at_all }}\n")
    argv = [
        "digest",
        str(SCITLDR),
        "--offline",
        "--db",
        str(tmp_path / "pb.db"),
        "--out",
        str(out),
        "--template",
        str(broken),
    ]
    code, stdout, stderr = run_cli(argv, capsys)
    assert code == 2 and stdout == ""
    assert stderr.count("\n") == 1 and "template error" in stderr
    assert out.read_text() == "the old digest\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["week.md"]  # no temporary left over
    with Store(tmp_path / "pb.db") as store:
        (run,) = store.recent_runs(1)
    assert run.status == "failed" and "template error" in (run.error or "")


def test_a_rejected_api_key_fails_without_touching_the_digest(tmp_path, capsys, monkeypatch):
    out = tmp_path / "week.md"
    out.write_text("the old digest\n")
    db = tmp_path / "pb.db"
    with RefServer(faults=["401"] * 20) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-1234")
        argv = ["digest", str(listing(tmp_path, 3)), "--db", str(db), "--out", str(out)]
        code, stdout, stderr = run_cli(argv, capsys)
    assert code == 1 and stdout == ""
    assert stderr.count("\n") == 1 and "API key was rejected" in stderr
    assert out.read_text() == "the old digest\n"
    code, stdout, _ = run_cli(["runs", "--db", str(db)], capsys)
    assert code == 0
    assert " failed: " in stdout and "failed calls" in stdout
    assert "API key was rejected" in stdout


def test_out_dir_names_the_file_after_the_week(tmp_path, capsys):
    base = ["digest", str(SCITLDR), "--offline", "--db", str(tmp_path / "pb.db")]
    code, _, _ = run_cli([*base, "--week", "2026-W48", "--out", f"{tmp_path}/new/"], capsys)
    assert code == 0
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["2026-W48.md"]
    assert (tmp_path / "new" / "2026-W48.md").read_text().startswith("# Paper digest: 2026-W48")
    # an existing folder without the trailing slash is a folder too
    code, _, _ = run_cli([*base, "--week", "2026-W49", "--out", str(tmp_path / "new")], capsys)
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["2026-W48.md", "2026-W49.md"]


def test_out_dir_names_the_file_after_the_listings_own_day(tmp_path, capsys):
    argv = [
        "digest",
        str(HF_JSON),
        "--offline",
        "--db",
        str(tmp_path / "pb.db"),
        "--out",
        f"{tmp_path}/d/",
    ]
    code, _, _ = run_cli(argv, capsys)
    assert code == 0
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["2024-10-25.md"]


# -- quiet for cron ---------------------------------------------------------------------------


def test_quiet_when_all_is_well_and_the_log_file_says_what_happened(tmp_path, llm_env):
    src, out, log = listing(tmp_path, 4), tmp_path / "d.md", tmp_path / "logs" / "pb.log"
    result = run_sub(["digest", str(src), "--out", str(out), "--log", str(log)], llm_env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert out.read_text().startswith("# Paper digest")
    text = log.read_text()
    assert "using model gpt-4o-mini" in text
    assert f"wrote {out}" in text
    assert "LLM call(s)" in text


def test_verbose_says_what_happened(tmp_path, server, llm_env, capsys):
    src, out = listing(tmp_path, 4), tmp_path / "d.md"
    code, stdout, stderr = run_cli(["digest", str(src), "--out", str(out), "-v"], capsys)
    assert (code, stdout) == (0, "")
    assert "paperbrief: using model gpt-4o-mini" in stderr
    assert f"paperbrief: wrote {out}" in stderr
    calls = len(server.requests) + len(server.embedding_requests)
    assert f"paperbrief: {calls} LLM call(s)" in stderr
    code, stdout, stderr = run_cli(["digest", str(src), "--out", str(out), "-v"], capsys)
    assert "paperbrief: 0 LLM call(s)" in stderr and "from the cache" in stderr


# -- paperbrief runs --------------------------------------------------------------------------


def test_runs_lists_recent_runs_with_calls_tokens_cost_and_failures(
    tmp_path, server, llm_env, capsys
):
    src = listing(tmp_path, 4)
    db = str(tmp_path / "pb.db")
    assert (
        run_cli(["digest", str(src), "--db", db, "--out", str(tmp_path / "a.md")], capsys)[0] == 0
    )
    server.add_faults("400")  # the first call of the next run is refused: one fallback
    assert (
        run_cli(
            [
                "digest",
                str(src),
                "--db",
                db,
                "--refresh",
                "--concurrency",
                "1",
                "--out",
                str(tmp_path / "b.md"),
            ],
            capsys,
        )[0]
        == 0
    )

    code, stdout, stderr = run_cli(["runs", "--db", db], capsys)
    assert (code, stderr) == (0, "")
    newest, oldest = stdout.splitlines()
    assert newest.startswith("#2 ") and oldest.startswith("#1 ")
    assert " digest ok: " in oldest and "0 failed calls" in oldest
    assert "1 failed calls" in newest and "1 fallbacks" in newest

    code, stdout, _ = run_cli(["runs", "--db", db, "--json", "--limit", "1"], capsys)
    (row,) = [json.loads(line) for line in stdout.splitlines()]
    calls = latest_run_calls(Path(db))
    assert row["id"] == 2 and row["status"] == "ok" and row["command"] == "digest"
    assert row["calls"] == len(calls) and row["failures"] == 1
    assert row["tokens"] == sum(c.prompt_tokens + c.completion_tokens for c in calls) > 0
    assert row["cost_usd"] == pytest.approx(sum(c.cost_usd for c in calls))
    assert row["argv"][:2] == ["digest", str(src)]


def test_runs_without_a_database_is_a_one_line_error(tmp_path, capsys):
    code, out, err = run_cli(["runs", "--db", str(tmp_path / "none.db")], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "no database yet" in err
