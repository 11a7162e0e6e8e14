"""Likes and dislikes: the commands, the store, migrations, export and import (issue 25)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.store.core import Store
from paperbrief.store.migrations import MIGRATIONS, migrate
from tests.conftest import FIXTURES

FEED = FIXTURES / "hf-2024-papers-2000.jsonl"  # real Daily Papers of 2024
CODE = "2410.01215"  # From Code to Correctness: ... Hierarchical Debugging
SELF_PLAY = "2406.13542"  # Self-play with Execution Feedback


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_like_dislike_unmark_and_list(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "m.db")
    code, out, _ = run(capsys, "like", CODE, "Self-play with Execution Feedback",
                       "--input", str(FEED), "--db", db)
    assert code == 0
    assert out.splitlines() == [
        f"liked {CODE}  From Code to Correctness: Closing the Last Mile of Code Generation "
        "with Hierarchical Debugging",
        f"liked {SELF_PLAY}  Self-play with Execution Feedback: Improving Instruction-following "
        "Capabilities of Large Language Models",
    ]
    # the listing's papers are remembered: a later mark by id needs neither listing nor fetch
    assert run(capsys, "dislike", "2405.15738", "--db", db)[0] == 0
    code, out, _ = run(capsys, "marks", "--json", "--db", db)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["mark"], r["reader"]) for r in rows] == [
        (CODE, "like", "default"), (SELF_PLAY, "like", "default"),
        ("2405.15738", "dislike", "default")]
    # a like replaces the dislike of the same paper, and readers are apart
    run(capsys, "like", "2405.15738", "--db", db)
    run(capsys, "dislike", CODE, "--db", db, "--reader", "ana")
    with Store(db) as store:
        assert {m.paper_id: m.mark for m in store.get_marks("default")} == {
            CODE: "like", SELF_PLAY: "like", "2405.15738": "like"}
        assert [(m.paper_id, m.mark) for m in store.get_marks("ana")] == [(CODE, "dislike")]
    code, out, _ = run(capsys, "unmark", "Hierarchical Debugging", "2401.00001", "--db", db)
    assert code == 0 and out.splitlines() == [f"unmarked {CODE}", "2401.00001 was not marked"]
    code, out, _ = run(capsys, "marks", "--db", db)
    assert CODE not in out and SELF_PLAY in out
    code, out, _ = run(capsys, "marks", "--db", db, "--reader", "ana")
    assert out.startswith(f"dislike  {CODE}  From Code to Correctness")


def test_unknown_title_and_bad_reader_are_one_line_errors(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "m.db")
    code, out, err = run(capsys, "like", "no such title at all xyz", "-i", str(FEED), "--db", db)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "no paper matches" in err
    code, _, err = run(capsys, "marks", "--reader", "   ", "--db", db)
    assert code == 2 and "--reader" in err


def test_marks_survive_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:6])  # a database from before marks existed
    conn.close()
    with Store(path) as store:  # opening it adds the marks table
        assert "m008_marks_and_seen" in store.applied
        from paperbrief.sources import read_file

        papers = read_file(FEED).papers[:3]
        store.save_papers(papers)
        store.set_marks("default", [papers[0].id], "like")
        store.set_marks("default", [papers[1].id], "dislike")

    def m999_later(conn: sqlite3.Connection) -> None:  # a later schema change
        conn.execute("ALTER TABLE papers ADD COLUMN later TEXT")

    MIGRATIONS.append(m999_later)  # a later paperbrief: it knows the migration it applies
    try:
        with Store(path) as store:
            assert store.applied[-1] == "m999_later"
            marks = store.get_marks("default")
            assert [(m.paper_id, m.mark) for m in marks] == [
                (papers[0].id, "like"), (papers[1].id, "dislike")]
            assert marks[0].paper is not None and marks[0].paper.title == papers[0].title
    finally:
        MIGRATIONS.remove(m999_later)


def test_export_then_import_into_an_empty_store(tmp_path: Path, capsys) -> None:
    db, other = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    run(capsys, "like", CODE, SELF_PLAY, "-i", str(FEED), "--db", db)
    run(capsys, "dislike", "2405.15738", "--db", db, "--reader", "ana")
    export = tmp_path / "marks.json"
    assert run(capsys, "marks", "--export", str(export), "--all-readers", "--db", db)[0] == 0
    doc = json.loads(export.read_text())
    assert doc["paperbrief_marks"] == 1 and len(doc["marks"]) == 3
    code, _, err = run(capsys, "marks", "--import", str(export), "--db", other)
    assert code == 0 and "imported 3 marks" in err
    with Store(other) as store:  # the papers came with the marks: no fetch, no listing
        assert {m.paper_id for m in store.get_marks("default")} == {CODE, SELF_PLAY}
        assert [m.paper_id for m in store.get_marks("ana")] == ["2405.15738"]
        paper = store.get_paper(CODE)
        assert paper is not None and "Hierarchical Debugging" in paper.title


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not JSON"),
    ('{"marks": []}', "not a paperbrief marks export"),
    ('{"paperbrief_marks": 1, "marks": [{"reader": "a", "id": "x", "mark": "love"}]}',
     "not 'like' or 'dislike'"),
    ('{"paperbrief_marks": 1, "marks": [{"reader": "a", "id": "2401.00001", "mark": "like"}]}',
     "no paper text for 2401.00001"),
])
def test_a_bad_import_is_refused_whole(tmp_path: Path, capsys, text: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    code, _, err = run(capsys, "marks", "--import", str(bad), "--db", str(tmp_path / "x.db"))
    assert code == 2 and message in err and len(err.splitlines()) == 1
    with Store(tmp_path / "x.db") as store:
        assert store.get_marks() == []


def test_papers_keep_their_newest_version(tmp_path: Path) -> None:
    from paperbrief.sources import read_file

    paper = read_file(FEED).papers[0]
    with Store(tmp_path / "v.db") as store:
        store.save_papers([paper.model_copy(update={"version": 2})])
        store.save_papers([paper.model_copy(update={"version": 1})])  # an older listing
        assert store.get_paper(paper.id).version == 2
