"""Issue 28 items 6 (feed), 7 and 8: the feed URL is checked before any work and its
credentials never published; a damaged feed or a full disk never stops the digest or the mail;
concurrent runs (real processes) sharing one feed keep every entry."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from paperbrief.cli import main
from paperbrief.deliver.feed import read_feed, update_feed
from tests.test_hardening_mail import refusing_server

SMALL = Path(__file__).resolve().parent / "fixtures" / "scitldr-3.jsonl"
SRC = Path(__file__).resolve().parent.parent / "src"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "url",
    ["https://example.org/feed\x01.xml", "https://example.org/a b.xml",
     "https://example.org/feed.xml\r\nX-Injected: 1", "https://example.org:99999/feed.xml",
     "https://[::1/feed.xml", "ftp://example.org/feed.xml", "https:///feed.xml",
     "https://example.org/\x7ffeed.xml", "https://example.org\\@evil.org/"],
)  # fmt: skip
def test_a_bad_feed_url_is_exit_2_before_any_work(tmp_path, capsys, url):
    feed, db = tmp_path / "feed.xml", tmp_path / "pb.db"
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db", str(db),
                        "--out", str(tmp_path / "d.md"), "--feed", str(feed), "--feed-url", url)
    assert code == 2 and err.count("\n") == 1 and err.startswith("paperbrief: error: --feed-url")
    assert "\x01" not in err and "\r" not in err and "\x7f" not in err
    assert not feed.exists() and not db.exists()


def test_credentials_in_the_feed_url_are_never_published(tmp_path, capsys):
    feed = tmp_path / "feed.xml"
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db", str(tmp_path / "p.db"),
                        "--out", str(tmp_path / "d.md"), "--feed", str(feed),
                        "--feed-url", "https://alice:tok3n-SECRET@example.org/pb/feed.xml")
    assert code == 0, err
    text = feed.read_text("utf-8")
    assert "tok3n-SECRET" not in text and "alice" not in text
    assert "https://example.org/pb/feed.xml" in text  # the id and self link, without them
    assert "left out of the (public) feed" in err
    SafeET.fromstring(text.encode())  # well-formed


def test_a_control_character_reaching_an_href_never_makes_an_ill_formed_feed(tmp_path):
    feed = tmp_path / "feed.xml"
    update_feed(feed, period="W1", start=date(2026, 1, 1), end=date(2026, 1, 7), title="t",
                summary="s", content="<p>c</p>", link="d\x01\x1b.md",
                feed_url="https://example.org/f\x02.xml")
    _, entries = read_feed(feed)  # would raise on an ill-formed feed
    assert entries[0].link == "d.md"


def test_a_damaged_feed_never_stops_the_digest_or_the_mail(tmp_path, capsys, monkeypatch):
    feed = tmp_path / "feed.xml"
    feed.write_text("<feed>damaged by hand\x01", encoding="utf-8")
    before = feed.read_bytes()
    out = tmp_path / "d.md"
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db",
                            str(tmp_path / "p.db"), "--out", str(out), "--feed", str(feed),
                            "--email", "ada@example.org")
    assert code == 1
    assert err.splitlines()[-1].startswith("paperbrief: error: --feed")
    assert "not overwriting it" in err
    assert out.read_text("utf-8").startswith("# Paper digest")
    assert [m.rcpt_tos for m in inbox.messages] == [["ada@example.org"]]
    assert feed.read_bytes() == before  # not ours to replace


FULL_DISK_RUN = textwrap.dedent(
    """
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from paperbrief.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def test_a_feed_that_cannot_be_written_never_stops_the_mail(tmp_path, monkeypatch):
    """A feed that has grown past what the disk takes (RLIMIT_FSIZE: EFBIG, as ENOSPC would):
    the digest is written and mailed, the old feed is kept, the run says why and exits 1."""
    feed = tmp_path / "feed.xml"
    for week in range(1, 6):  # an existing feed of ~1.5 MB
        update_feed(feed, period=f"2025-W{week:02}", start=date(2025, 1, week * 7 - 6),
                    end=None, title=f"w{week}", summary="", content="<p>x</p>" * 40_000)
    before = feed.read_bytes()
    limit = len(before) - 1000  # the store and the digest fit; the rewritten feed does not
    out = tmp_path / "d.md"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    with refusing_server() as (port, inbox):
        env |= {"PAPERBRIEF_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "PAPERBRIEF_MAIL_FROM": "digest@example.org"}
        proc = subprocess.run(
            [sys.executable, "-c", FULL_DISK_RUN, str(limit), "digest", str(SMALL), "--offline",
             "--db", str(tmp_path / "p.db"), "--out", str(out), "--feed", str(feed),
             "--email", "ada@example.org"],
            capture_output=True, text=True, env=env, timeout=300,
        )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("paperbrief: error: cannot write")
    assert out.read_text("utf-8").startswith("# Paper digest")
    assert [m.rcpt_tos for m in inbox.messages] == [["ada@example.org"]]
    assert feed.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from paperbrief.deliver.feed import update_feed
    feed, n, start = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    while not start.exists():
        time.sleep(0.005)
    for k in range(5):
        week = n * 5 + k + 1
        update_feed(feed, period=f"2025-W{week:02}", start=date.fromisocalendar(2025, week, 1),
                    end=None, title=f"run {n}.{k}", summary="", content="<p>x</p>" * 5000)
    """
)


def test_concurrent_runs_sharing_one_feed_keep_every_entry(tmp_path):
    feed, start = tmp_path / "feed.xml", tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(feed), str(n), str(start)],
                              env=env, stderr=subprocess.PIPE, text=True) for n in range(10)]
    time.sleep(1.0)  # every writer imported and waiting
    start.touch()
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 10, errors
    _, entries = read_feed(feed)
    assert sorted(e.period for e in entries) == sorted(f"2025-W{w:02}" for w in range(1, 51))


def test_feed_in_a_missing_folder_gives_advice_for_the_feed(tmp_path, capsys):
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db", str(tmp_path / "p.db"),
                        "--feed", str(tmp_path / "no" / "feed.xml"))
    assert code == 2 and "no such folder" in err and "end --out with /" not in err


assert resource and signal  # used by the child processes' code above
