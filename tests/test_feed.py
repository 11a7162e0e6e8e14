"""The Atom feed of digests, read back with feedparser: ids, updated times, links, order, cap."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser

from paperbrief.cli import main
from paperbrief.deliver.feed import MAX_ENTRIES, read_feed, update_feed

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "daily-papers-2026-03-05.txt"
HF_DAY = Path(__file__).resolve().parent / "fixtures" / "hf-api" / "hf_daily_papers_2026-03-16.json"
FEED_URL = "https://me.example.org/digests/feed.xml"


def _parse(path: Path, base: str | None = None) -> feedparser.FeedParserDict:
    headers = {"content-location": base, "content-type": "application/atom+xml"} if base else None
    parsed = feedparser.parse(path.read_text("utf-8"), response_headers=headers)
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feed_keeps_one_entry_per_period_newest_first(tmp_path):
    feed = tmp_path / "feed.xml"
    site = f"{tmp_path}/site/"
    seed = ["digest", str(SEED), "--offline", "--format", "html", "--out", site,
            "--feed", str(feed), "--feed-url", FEED_URL]
    assert main(seed) == 0
    first = _parse(feed)
    assert first.feed.id == FEED_URL
    assert [link.href for link in first.feed.links if link.rel == "self"] == [FEED_URL]
    (entry,) = first.entries
    assert entry.id.startswith("urn:uuid:")
    assert entry.title == "paperbrief: Mar 5, 2026 — 54 papers"
    assert entry.link == "https://me.example.org/digests/site/2026-03-05.html"
    assert (tmp_path / "site" / "2026-03-05.html").exists()
    assert entry.content[0].type == "text/html"
    body = entry.content[0].value
    assert 'Paper digest: <span class="nw">Mar 5, 2026</span>' in body
    assert len(set(re.findall(r'id="(paper-[^"]+)"', body))) == 54  # every paper, anchored
    assert "<style" not in body
    assert entry.updated_parsed and entry.published_parsed
    assert first.feed.updated_parsed == entry.updated_parsed

    time.sleep(1.1)  # a rerun of the same period: same entry, same content, same times
    assert main(seed) == 0
    again = _parse(feed)
    assert [(e.id, e.updated, e.published) for e in again.entries] == [
        (entry.id, entry.updated, entry.published)
    ]

    # another period (a Daily Papers day eleven days later) goes first
    assert main(["digest", str(HF_DAY), "--offline", "--format", "html", "--out", site,
                 "--feed", str(feed), "--feed-url", FEED_URL]) == 0
    both = _parse(feed)
    assert len(both.entries) == 2 and both.entries[1].id == entry.id
    newest = both.entries[0]
    assert newest.id != entry.id and newest.title == "paperbrief: 2026-03-16 — 20 papers"
    assert newest.link.startswith("https://me.example.org/digests/site/")
    assert newest.link.endswith(".html")
    assert both.feed.updated_parsed == max(e.updated_parsed for e in both.entries)


def test_relative_links_resolve_where_the_folder_is_served(tmp_path):
    feed = tmp_path / "feed.xml"
    assert main(["digest", str(SEED), "--offline", "--out", str(tmp_path / "week.html"),
                 "--feed", str(feed)]) == 0
    served = _parse(feed, base="http://localhost:8000/feed.xml")
    assert served.entries[0].link == "http://localhost:8000/week.html"
    assert served.feed.id.startswith("urn:uuid:")


def test_updated_moves_only_when_the_content_changes_and_52_are_kept(tmp_path):
    feed = tmp_path / "feed.xml"
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    for week in range(MAX_ENTRIES + 3):
        start = date(2025, 1, 6) + timedelta(weeks=week)
        update_feed(feed, period=f"week {week}", start=start, end=start + timedelta(days=6),
                    title=f"week {week}", summary="s", content=f"<p>{week}</p>",
                    now=t0 + timedelta(hours=week))
    parsed = _parse(feed)
    titles = [e.title for e in parsed.entries]
    assert titles == [f"week {w}" for w in range(MAX_ENTRIES + 2, 2, -1)]  # newest 52, newest first
    later = t0 + timedelta(days=30)
    update_feed(feed, period="week 10", start=date(2025, 1, 6) + timedelta(weeks=10), end=None,
                title="week 10", summary="s", content="<p>10</p>", now=later)
    _, entries = read_feed(feed)
    (ten,) = [e for e in entries if e.period == "week 10"]
    assert ten.updated == t0 + timedelta(hours=10)  # same content: not updated
    update_feed(feed, period="week 10", start=date(2025, 1, 6) + timedelta(weeks=10), end=None,
                title="week 10", summary="s", content="<p>10, revised</p>", now=later)
    _, entries = read_feed(feed)
    (ten,) = [e for e in entries if e.period == "week 10"]
    assert ten.updated == later and ten.published == t0 + timedelta(hours=10)
    assert [e.period for e in entries].index("week 10") == MAX_ENTRIES + 2 - 10  # kept its place


def test_a_file_paperbrief_did_not_write_is_never_overwritten(tmp_path, capsys):
    for content in ("<rss version='2.0'><channel/></rss>", "just text", ""):
        feed = tmp_path / "feed.xml"
        feed.write_text(content, "utf-8")
        out = tmp_path / "d.html"
        code = main(["digest", str(SEED), "--offline", "--out", str(out), "--feed", str(feed)])
        err = capsys.readouterr().err
        # issue 28 item 7: a feed problem never stops the digest (or the mail): exit 1 after it
        assert code == 1 and err.splitlines()[-1].startswith("paperbrief: error: --feed")
        assert "not overwriting" in err
        assert feed.read_text("utf-8") == content and out.exists()
        out.unlink()
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    assert main(["digest", str(SEED), "--offline", "--feed", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert main(["digest", str(SEED), "--offline", "--feed", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["digest", str(SEED), "--offline", "--feed", str(tmp_path / "no" / "f.xml")]) == 2
    assert "--feed" in capsys.readouterr().err
    assert main(["digest", str(SEED), "--offline", "--feed", str(tmp_path / "f.xml"),
                 "--feed-url", "ftp://x/feed.xml"]) == 2


def test_control_characters_never_break_the_xml(tmp_path):
    feed = tmp_path / "feed.xml"
    update_feed(feed, period="p", start=None, end=None, title="t\x01itle", summary="s\x1b",
                content="<p>a\x00b\x0bc</p>")
    parsed = _parse(feed)
    assert parsed.entries[0].title == "title"


def test_a_symlinked_feed_keeps_its_link_and_links_from_where_it_is_served(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    served = tmp_path / "www"
    served.mkdir()
    (served / "feed.xml").symlink_to(store / "real.xml")  # dangling until the first run
    for _ in range(2):
        assert main(["digest", str(SEED), "--offline", "--out", str(served / "week.html"),
                     "--feed", str(served / "feed.xml")]) == 0
    assert (served / "feed.xml").is_symlink() and (store / "real.xml").is_file()
    parsed = _parse(served / "feed.xml", base="http://localhost:8000/feed.xml")
    assert parsed.entries[0].link == "http://localhost:8000/week.html"
