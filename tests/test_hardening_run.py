"""Issue #12 item 10: options, templates, foreign and read-only databases, SIGTERM, fallback
comparisons and a closed or full stdout, each against the real CLI (in this process or as a
child process), a real SQLite file and the reference LLM server."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from paperbrief import cli
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer

FIXTURES = Path(__file__).parent / "fixtures"
HF_JSON = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
SCITLDR = FIXTURES / "scitldr-3.jsonl"
TIMEOUT = 120


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listing(tmp_path: Path, n: int, source: Path = HF_JSON) -> Path:
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(json.loads(source.read_text())[:n]), encoding="utf-8")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [("--wait", "nan"), ("--wait", "inf"), ("--max-cost", "nan"), ("--max-cost", "inf"),
     ("--max-cost", "-1"), ("--wait", "soon")],
)  # fmt: skip
def test_non_finite_numbers_are_one_line_usage_errors(tmp_path, capsys, option, value):
    db = tmp_path / "pb.db"
    with pytest.raises(SystemExit) as exc:
        cli.main(["digest", str(SCITLDR), "--offline", "--db", str(db), option, value])
    _, err = capsys.readouterr()
    assert exc.value.code == 2
    assert err.count("\n") == 1 and err.startswith(f"paperbrief digest: error: argument {option}:")
    assert repr(value) in err and "(see paperbrief digest --help)" in err
    assert not db.exists()


# -- --template ---------------------------------------------------------------------------------


def test_a_template_cannot_reach_python_internals_or_files(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    evil = tmp_path / "evil.md.j2"
    evil.write_text(
        "{{ self.__init__.__globals__['__builtins__']['open']('" + str(secret) + "').read() }}"
        "{{ digest.__class__.__mro__ }}"
    )
    code, out, err = run(capsys, "digest", str(SCITLDR), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--template", str(evil))  # fmt: skip
    assert code == 2 and "TOP-SECRET-42" not in out + err
    assert err.count("\n") == 1
    assert err.startswith(f"paperbrief: error: {evil}: template error: ") and "unsafe" in err


def test_a_template_cannot_change_the_digest_it_renders(tmp_path, capsys):
    sneaky = tmp_path / "sneaky.md.j2"
    sneaky.write_text("{{ digest.papers.clear() }}{{ digest.papers | length }}")
    code, out, err = run(capsys, "digest", str(SCITLDR), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--template", str(sneaky))  # fmt: skip
    assert code == 2 and "unsafe" in err and out == ""


def test_a_template_syntax_error_stops_before_any_work(tmp_path, capsys):
    broken = tmp_path / "broken.md.j2"
    broken.write_text("# {{ digest.period.label }}\n{% for p in %}\n")
    db = tmp_path / "pb.db"
    # the source does not even exist: the template is checked first, nothing is fetched or paid
    code, out, err = run(capsys, "digest", str(tmp_path / "no-such.json"), "--offline", "--db",
                         str(db), "--template", str(broken))  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"paperbrief: error: {broken}:2: template error: ")
    assert err.count("\n") == 1 and not db.exists()
    unknown = tmp_path / "unknown.html.j2"
    unknown.write_text("<p>{{ digest | no_such_filter }}</p>")
    code, _, err = run(capsys, "digest", str(tmp_path / "no-such.json"), "--format", "html",
                       "--offline", "--db", str(db), "--template", str(unknown))  # fmt: skip
    assert code == 2 and err.startswith(f"paperbrief: error: {unknown}:1: template error: ")
    assert "no_such_filter" in err and not db.exists()


def test_a_template_that_fails_while_rendering_names_itself(tmp_path, capsys):
    for fmt, body in (("markdown", "{{ 1/0 }}"), ("html", "<p>{{ 1/0 }}</p>")):
        template = tmp_path / f"div.{fmt}.j2"
        template.write_text(body)
        code, out, err = run(capsys, "digest", str(SCITLDR), "--offline", "--format", fmt,
                             "--db", str(tmp_path / "pb.db"), "--template", str(template))
        assert (code, out) == (2, "")
        assert err == (f"paperbrief: error: {template}: template error: "
                       "ZeroDivisionError: division by zero\n")  # fmt: skip


# -- databases --------------------------------------------------------------------------------


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('mine, not paperbrief''s')")
    conn.commit()
    conn.close()
    return path


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path, capsys):
    db = _foreign(tmp_path / "notes.sqlite")
    before = sha(db)
    for argv in (["digest", str(SCITLDR), "--offline"], ["takeaway", "-i", str(SCITLDR),
                 "--offline"], ["runs"]):  # fmt: skip
        code, out, err = run(capsys, *argv, "--db", str(db))
        assert (code, out) == (2, "")
        assert err == (f"paperbrief: error: {db}: an SQLite database paperbrief did not create "
                       "(tables: notes); refusing to touch it (pass another --db)\n")  # fmt: skip
    assert sha(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]  # no lock, no journal
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert tables == ["notes"] and mode == "delete"


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, capsys):
    db = tmp_path / "pb.db"
    db.write_text("my shopping list\n")
    code, _, err = run(capsys, "digest", str(SCITLDR), "--offline", "--db", str(db))
    assert code == 2 and err == (
        f"paperbrief: error: {db}: not an SQLite database; refusing to touch it "
        "(pass another --db)\n"
    )
    assert db.read_text() == "my shopping list\n"


def _db_with_a_killed_run(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "pb.db"
    assert cli.main(["digest", str(SCITLDR), "--offline", "--db", str(db)]) == 0
    with Store(db) as store:
        store.start_run("digest", ["digest", "killed-by-kill-9"])  # never finished
    return db


def test_runs_never_writes_and_shows_a_dead_run_as_interrupted(tmp_path, capsys):
    db = _db_with_a_killed_run(tmp_path)
    capsys.readouterr()
    before = sha(db)
    code, out, err = run(capsys, "runs", "--db", str(db), "--json")
    assert (code, err) == (0, "")
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert statuses == ["interrupted", "ok"]
    assert sha(db) == before  # read, not written


def _as_nobody() -> list[str]:
    """A command prefix running a child as an unprivileged user when this is root (root ignores
    file modes, so only another user sees a read-only file as read-only)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")  # util-linux
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop privileges")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import paperbrief.cli"],
                           capture_output=True, timeout=TIMEOUT)  # fmt: skip
    if probe.returncode != 0:
        pytest.skip("running as root and user nobody cannot import paperbrief here")
    return prefix


def test_runs_reads_a_database_in_a_read_only_folder_and_file(capsys):
    base = Path(tempfile.mkdtemp(prefix="paperbrief-ro-"))  # in /tmp: others may enter it
    try:
        base.chmod(0o755)
        db = _db_with_a_killed_run(base)
        folder = db.parent
        for leftover in folder.iterdir():  # only the database itself, as a backup copy would be
            if leftover != db:
                leftover.unlink()
        before = sha(db)
        db.chmod(0o444)
        folder.chmod(0o555)
        done = subprocess.run([*_as_nobody(), sys.executable, "-m", "paperbrief.cli", "runs",
                               "--db", str(db)], capture_output=True, text=True, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert len(lines) == 2 and " digest ok: " in lines[1]
        assert " digest interrupted: " in lines[0]  # no lock can exist in a read-only folder
        assert done.stderr == ""
        assert sha(db) == before and sorted(p.name for p in folder.iterdir()) == ["pb.db"]
    finally:
        for path in (base, *base.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base)


# -- SIGTERM ----------------------------------------------------------------------------------


def _rows(db: Path, table: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigterm_is_handled_like_ctrl_c(tmp_path, monkeypatch):
    src, db = listing(tmp_path, 12), tmp_path / "pb.db"
    argv = ["digest", str(src), "--db", str(db), "--concurrency", "1"]
    with RefServer(latency=0.3) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        victim = subprocess.Popen([sys.executable, "-m", "paperbrief.cli", *argv],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + TIMEOUT
        while not (db.exists() and _rows(db, "takeaways") >= 1):
            assert victim.poll() is None, victim.communicate()
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.02)
        victim.send_signal(signal.SIGTERM)
        stdout, stderr = victim.communicate(timeout=TIMEOUT)
    assert (victim.returncode, stdout, stderr) == (143, "", "paperbrief: terminated (SIGTERM)\n")
    with Store(db) as store:
        (run_,) = store.recent_runs(1)
    assert (run_.status, run_.error) == ("interrupted", "terminated by SIGTERM")
    assert run_.calls >= 1  # what was paid before the signal is in the log


# -- fallback comparisons ---------------------------------------------------------------------


def test_comparisons_that_fell_back_are_marked_in_head_to_head(tmp_path, capsys, monkeypatch):
    # 12 papers of 2024-10-25: with fewer, fewer than two pairs share a distinctive subject
    # (issue 22 leaves thin links out of the digest; since its round 5 the 20 papers of
    # 2026-03-16 make one pair only)
    src = listing(tmp_path, 12, FIXTURES / "hf-api" / "hf_daily_papers_2024-10-25.json")
    db = tmp_path / "pb.db"
    with RefServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        # TF-IDF pairing (no embeddings call): the one paid call is a chat call
        code, out, _ = run(capsys, "digest", str(src), "--db", str(db), "--max-calls", "1",
                           "--concurrency", "1", "--embedding-model", "none")  # fmt: skip
        code_json, digest_json, _ = run(capsys, "digest", str(src), "--db", str(db),
                                        "--max-calls", "1", "--concurrency", "1", "--json",
                                        "--embedding-model", "none")
    assert code == code_json == 0
    engines = [c["engine"] for c in json.loads(digest_json)["comparisons"]]
    sections = out.split("## Head to head", 1)[1].split("\n### ")[1:]
    assert len(sections) == len(engines) >= 2 and "offline" in engines
    for section, engine in zip(sections, engines, strict=True):
        # the summary marked (a fallback with no summary of its own shows the shared ground
        # once, marked: an LLM digest shows every pair, issue 22 round 6)
        marked = " _(offline)_\n" in section
        assert marked == (engine == "offline"), section


# -- standard output --------------------------------------------------------------------------


def test_a_full_stdout_is_a_one_line_error_exit_74(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    db = tmp_path / "pb.db"
    for argv in (["digest", str(SCITLDR), "--offline", "--db", str(db)], ["runs", "--db", str(db)]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "paperbrief.cli", *argv], stdout=full,
                                  stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
        assert done.returncode == 74
        assert done.stderr == (
            "paperbrief: error: cannot write to standard output: No space left on device\n"
        )


def test_a_closed_stdout_is_a_one_line_error_before_any_work(tmp_path):
    db = tmp_path / "pb.db"
    python = shutil.which(sys.executable) or sys.executable
    command = f'exec "{python}" -m paperbrief.cli digest "{SCITLDR}" --offline --db "{db}" >&-'
    done = subprocess.run(["sh", "-c", command], stderr=subprocess.PIPE, text=True,
                          timeout=TIMEOUT)  # fmt: skip
    assert done.returncode == 74
    assert done.stderr == (
        "paperbrief: error: standard output is closed (write to a file with --out)\n"
    )
    assert not db.exists()  # nothing fetched, nothing paid
