"""Papers seen before, seen again, in a new version, or from another source (issue 25).

The listings are real: the Hugging Face API day of 2026-03-16 (20 papers). The later listings
are that day's papers as a JSONL export would give them (a `v2` id with the abstract arXiv's v2
would carry, or a conference-page slug instead of the arXiv id): written here from the real
records, their text unchanged unless the test says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from paperbrief.cli import main
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES

HF_DAY = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"


WEEK_LATER = "2026-03-23"


def later(tmp_path: Path, name: str = "later.jsonl", change=None) -> str:
    """The day's papers listed again a week later (as HF lists papers again): a later period."""
    papers = read_file(HF_DAY).papers
    return str(as_jsonl(tmp_path / name, papers,
                        lambda r: (change(r) if change else r) | {"published": WEEK_LATER}))


def digest(capsys, *argv: str) -> dict:
    assert main(["digest", *argv, "--offline", "--json", "--top", "3"]) == 0
    return json.loads(capsys.readouterr()[0])


def as_jsonl(path: Path, papers, change=None) -> Path:
    with path.open("w") as f:
        for p in papers:
            row = {"id": p.id, "title": p.title, "abstract": p.abstract, "authors": p.authors,
                   "published": p.published.isoformat() if p.published else None,
                   "upvotes": p.upvotes}
            f.write(json.dumps(change(row) if change else row) + "\n")
    return path


def test_a_paper_detailed_once_is_not_detailed_again(tmp_path, capsys) -> None:
    db = str(tmp_path / "s.db")
    first = digest(capsys, str(HF_DAY), "--db", db)
    assert len(first["detailed"]) == 3 and first["seen_before"] == []
    rerun = digest(capsys, str(HF_DAY), "--db", db)  # the same period again: the same digest
    assert rerun["detailed"] == first["detailed"] and rerun["seen_before"] == []
    # the same papers cut another way, over an overlapping period: still not "seen before"
    overlap = digest(capsys, str(HF_DAY), "--db", db, "--since", "2026-03-01", "--until",
                     "2026-03-16")
    assert overlap["seen_before"] == []
    second = digest(capsys, later(tmp_path), "--db", db)
    assert second["period"]["label"] == WEEK_LATER
    assert set(second["seen_before"]) == set(first["detailed"])
    assert not set(second["detailed"]) & set(first["detailed"])
    # the Markdown digest lists them in one line each under "Seen before"
    assert main(["digest", later(tmp_path), "--db", db, "--offline", "--top", "3"]) == 0
    text = capsys.readouterr()[0]
    section = text.split("### Seen before", 1)[1].split("\n## ", 1)[0]
    titles = {p["id"]: p["title"] for p in first["papers"]}
    assert all(titles[pid] in section for pid in first["detailed"])
    # another reader has seen nothing
    other = digest(capsys, later(tmp_path), "--db", db, "--reader", "ana")
    assert other["detailed"] == first["detailed"] and other["seen_before"] == []


def test_seen_hide_leaves_them_out_and_again_details_them(tmp_path, capsys) -> None:
    db = str(tmp_path / "s.db")
    first = digest(capsys, str(HF_DAY), "--db", db)
    hidden = digest(capsys, later(tmp_path), "--db", db, "--seen", "hide")
    ids = {p["id"] for p in hidden["papers"]}
    assert not ids & set(first["detailed"]) and len(ids) == 20 - 3
    again = digest(capsys, later(tmp_path), "--db", db, "--seen", "again")
    assert again["detailed"] == first["detailed"]


def test_a_new_version_says_what_changed_and_is_detailed_again(tmp_path, capsys) -> None:
    db = str(tmp_path / "s.db")
    papers = read_file(HF_DAY).papers
    v1 = as_jsonl(tmp_path / "v1.jsonl", papers, lambda r: r | {"id": r["id"] + "v1"})
    first = digest(capsys, str(v1), "--db", db)
    top = first["detailed"][0]

    def revise(row: dict) -> dict:
        if row["id"] == top:  # arXiv's v2: a revised abstract
            return row | {"id": top + "v2", "abstract": row["abstract"] + " Code is released."}
        return row | {"id": row["id"] + "v1"}

    second = digest(capsys, later(tmp_path, "v2.jsonl", revise), "--db", db)
    assert second["updated"] == {top: "updated (v2): abstract changed"}
    assert top in second["detailed"] and top not in second["seen_before"]
    reasons = next(r["reasons"] for r in second["ranking"] if r["paper_id"] == top)
    assert reasons[0] == "updated (v2): abstract changed"
    assert set(second["seen_before"]) == set(first["detailed"]) - {top}
    with Store(db) as store:  # the store keeps the newest version
        assert store.get_paper(top).version == 2


def test_the_same_paper_from_another_source_is_one_paper(tmp_path, capsys) -> None:
    db = str(tmp_path / "s.db")
    first = digest(capsys, str(HF_DAY), "--db", db)
    seen_ids = set(first["detailed"])

    def conference_page(row: dict) -> dict:  # no arXiv id, punctuation and case differ
        if row["id"] in seen_ids:
            return row | {"id": "conf-" + row["id"].replace(".", "-"),
                          "title": row["title"].upper().replace(":", " -")}
        return row

    second = digest(capsys, later(tmp_path, "conf.jsonl", conference_page), "--db", db)
    assert sorted(second["seen_before"]) == sorted(
        "conf-" + pid.replace(".", "-") for pid in seen_ids)
    assert not set(second["detailed"]) & set(second["seen_before"])


def test_checking_what_was_seen_compares_no_two_papers(tmp_path, monkeypatch) -> None:
    # the check read `paper in missing` for every paper: a list test, 50 million pydantic
    # comparisons for 10,000 papers (bench/scale.py: 27 s -> 87 s end to end); by id and by
    # title key it needs none. Counted, not timed.
    from paperbrief.models import Paper
    from paperbrief.relate.seen import check_seen

    papers = read_file(FIXTURES / "hf-2024-papers-2000.jsonl").papers[:400]
    with Store(tmp_path / "s.db") as store:
        store.save_papers(papers)
        store.record_seen("me", papers[:100], "2024-W01")
        compared = []
        original = Paper.__eq__
        monkeypatch.setattr(Paper, "__eq__", lambda a, b: compared.append(1) or original(a, b))
        check = check_seen(store, "me", papers)
    assert sorted(check.seen_before) == sorted(p.id for p in papers[:100])
    assert compared == []
