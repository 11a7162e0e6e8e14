"""Issue 28 item 10: a digest's identity is its period, its sources and its profile (see
paperbrief.digest.identity and docs/hardening-delivery.md). Another listing of the same period is
mailed; a rerun is not, and says so on stderr. Real CLI, real SQLite, aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from paperbrief.cli import main
from tests.test_hardening_mail import refusing_server

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCITLDR = FIXTURES / "scitldr-3.jsonl"  # 3 real SciTLDR papers (no dates: one period)
HF = FIXTURES / "hf-2024-papers-2000.jsonl"  # real HF Daily Papers records (see README)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def listings(tmp_path: Path) -> tuple[Path, Path]:
    """two listings of the same period: 5 real papers each, other papers, the same dates"""
    rows = [json.loads(line) for line in HF.read_text("utf-8").splitlines()[:10]]
    five, five_b = tmp_path / "five.jsonl", tmp_path / "five-b.jsonl"
    for path, part in ((five, rows[:5]), (five_b, rows[5:])):
        for row in part:
            row["published"] = "2024-05-24"  # the same dates: the same period
        path.write_text("".join(json.dumps(r) + "\n" for r in part), "utf-8")
    return five, five_b


def test_another_listing_of_the_same_period_is_mailed(listings, tmp_path, capsys, monkeypatch):
    five, five_b = listings
    db = tmp_path / "pb.db"
    common = ["--offline", "--db", str(db), "--email", "me@example.org"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, "digest", str(five), "--out", str(tmp_path / "a.md"), *common)
        assert code == 0, err
        code, _, err = _run(capsys, "digest", str(five_b), "--out", str(tmp_path / "b.md"),
                            *common)
        assert code == 0, err
        assert len(inbox.messages) == 2  # another digest of the same period
        subjects = {m.message["Subject"] for m in inbox.messages}
        assert len(subjects) == 1  # ... indeed the same period

        # a rerun of either (same sources, any order, another spelling of the path) is not
        # mailed, and says so on stderr
        code, _, err = _run(capsys, "digest", f"{tmp_path}/./five.jsonl", "--out",
                            str(tmp_path / "a.md"), *common)
        assert code == 0 and len(inbox.messages) == 2
        assert "not mailed to me@example.org" in err and "--resend" in err

        # both listings together are a third digest
        code, _, err = _run(capsys, "digest", str(five_b), str(five), "--out",
                            str(tmp_path / "ab.md"), *common)
        assert code == 0 and len(inbox.messages) == 3


def test_another_profile_is_another_digest(tmp_path, capsys, monkeypatch):
    db = tmp_path / "pb.db"
    nlp, vision = tmp_path / "nlp.toml", tmp_path / "vision.toml"
    nlp.write_text('description = "language models and summarization"\n', "utf-8")
    vision.write_text('description = "image segmentation and detection"\n', "utf-8")
    listing = tmp_path / "l.jsonl"
    shutil.copy(SCITLDR, listing)
    common = ["digest", str(listing), "--offline", "--db", str(db), "--email", "me@example.org"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        for profile, mailed in ((nlp, 1), (vision, 2), (nlp, 2), (vision, 2)):
            code, _, err = _run(capsys, *common, "--interests", str(profile),
                                "--out", str(tmp_path / f"{profile.stem}.md"))
            assert code == 0, err
            assert len(inbox.messages) == mailed


def test_a_delivery_recorded_before_identities_still_counts(listings, tmp_path, capsys,
                                                            monkeypatch):
    five, _ = listings
    db = tmp_path / "pb.db"
    argv = ["digest", str(five), "--offline", "--db", str(db), "--out", str(tmp_path / "a.md"),
            "--email", "me@example.org"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        assert _run(capsys, *argv)[0] == 0 and len(inbox.messages) == 1
        conn = sqlite3.connect(db)  # as an older paperbrief recorded it: the bare label
        with conn:
            conn.execute("UPDATE deliveries SET period = "
                         "substr(period, 1, instr(period, ' #') - 1)")
        conn.close()
        code, _, err = _run(capsys, *argv)
        assert code == 0 and len(inbox.messages) == 1 and "not mailed" in err
