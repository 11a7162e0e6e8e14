"""Issue 28 items 1 and 4: outputs never replace the store, its side files or an input, and a
store reached by another name (symlink, hard link) shares the one lock. Real CLI, real SQLite,
a real second process holding the lock."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from paperbrief import cli
from paperbrief.errors import LockBusy
from paperbrief.run.lock import run_lock

FIXTURES = Path(__file__).parent / "fixtures"
SCITLDR = FIXTURES / "scitldr-3.jsonl"
SRC = Path(__file__).resolve().parent.parent / "src"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A real store after one offline run, and the listing it read (a copy in tmp_path)."""
    listing = tmp_path / "five.jsonl"
    shutil.copy(SCITLDR, listing)
    db = tmp_path / "pb.db"
    assert cli.main(["digest", str(listing), "--offline", "--db", str(db),
                     "--out", str(tmp_path / "first.md")]) == 0  # fmt: skip
    capsys.readouterr()
    return db, listing


@pytest.mark.parametrize(
    "option, name",
    [("--out", "pb.db"), ("--log", "pb.db"), ("--feed", "pb.db"), ("--out", "pb.db-wal"),
     ("--log", "pb.db-journal"), ("--out", "pb.db.lock"), ("--out", "five.jsonl"),
     ("--log", "five.jsonl"), ("--out", "link.db"), ("--out", "hard.db")],
)  # fmt: skip
def test_an_output_is_never_the_store_or_an_input(stored, tmp_path, capsys, option, name):
    db, listing = stored
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    before = {p: sha(p) for p in (db, listing)}
    code = cli.main(["digest", str(listing), "--offline", "--db", str(db),
                     option, str(tmp_path / name)])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"paperbrief: error: {option} ")
    assert "name another file" in err
    assert {p: sha(p) for p in before} == before  # untouched


def test_an_output_is_never_the_prices_file(stored, tmp_path, capsys, monkeypatch):
    db, listing = stored
    prices = tmp_path / "prices.json"
    prices.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("PAPERBRIEF_PRICES", str(prices))
    code = cli.main(["digest", str(listing), "--offline", "--db", str(db), "--out", str(prices)])
    assert code == 2 and "PAPERBRIEF_PRICES" in capsys.readouterr().err
    assert prices.read_text(encoding="utf-8") == "{}"


def test_the_store_reached_through_a_symlink_is_refused_as_an_output(stored, tmp_path, capsys):
    db, listing = stored
    (tmp_path / "link.db").symlink_to(db)
    code = cli.main(["digest", str(listing), "--offline", "--db", str(tmp_path / "link.db"),
                     "--out", str(db)])  # fmt: skip
    assert code == 2 and "the store" in capsys.readouterr().err


def test_out_and_feed_naming_one_file_is_refused_before_any_work(tmp_path, capsys):
    db = tmp_path / "pb.db"
    code = cli.main(["digest", str(SCITLDR), "--offline", "--db", str(db),
                     "--out", str(tmp_path / "same.xml"), "--feed", str(tmp_path / "same.xml")])
    err = capsys.readouterr().err
    assert code == 2 and "--feed" in err and "the same file as --out" in err
    assert not db.exists()  # before any work: not even the store was made


def test_out_folder_whose_period_file_is_the_feed_is_refused(tmp_path, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    code = cli.main(["digest", str(SCITLDR), "--offline", "--db", str(tmp_path / "pb.db"),
                     "--out", f"{folder}/", "--feed", str(folder / "all-dates.md")])
    err = capsys.readouterr().err
    assert code == 2 and "the same file as" in err, err
    assert not (folder / "all-dates.md").exists()


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperbrief.run.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.read()
    """
)


@pytest.mark.parametrize("how", ["symlink", "hardlink"])
def test_one_store_under_two_names_shares_the_lock(tmp_path, how):
    db = tmp_path / "d.db"
    db.write_bytes(b"")  # an existing store (the inode lock needs the file)
    other = tmp_path / "dlink.db"
    if how == "symlink":
        other.symlink_to(db)
    else:
        os.link(db, other)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy), run_lock(other):
            pass
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    with run_lock(other):  # released: the other name can take it now
        pass
