"""Issue #12, input and output side: each numbered case of the issue, reproduced.

1 outputs only regular files; 4 the page parser anchored on paper blocks; 5 a cut page, the
page year, `--out DIR/` and another period's digest; 6 arXiv versions; 7 a live source with a
body of the wrong type; 8 non-regular and hostile input files, capped warnings; 9 control
characters and links.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from paperbrief import atomic
from paperbrief.atomic import writable_file
from paperbrief.cli import main
from paperbrief.errors import InputError, UsageError
from paperbrief.http import HttpClient
from paperbrief.models import Period
from paperbrief.sources import live as live_sources
from paperbrief.sources import parse_text, read_file
from paperbrief.sources.live import load_specs
from tests.conftest import FIXTURES
from tests.test_http import _Server

PAGE = FIXTURES / "hf-daily-papers-page.txt"
SEED = PAGE.read_text(encoding="utf-8")
SCITLDR = FIXTURES / "scitldr-3.jsonl"
PAGE_DAY = date(2026, 3, 6)  # a day after the seed page's 'Mar 5'
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def nothing_started(capsys: pytest.CaptureFixture[str]) -> bool:
    """No run was recorded: the command stopped before opening the database."""
    code, _, err = run(capsys, "runs")
    return code == 2 and "no database yet" in err


def seed_head(papers: int) -> str:
    """The seed page up to its `papers`-th metadata block ('• N authors · date')."""
    ends = [m.end() for m in re.finditer(r"\n·\n[A-Z][a-z]{2} \d+, \d{4}[^\n]*\n", SEED)]
    return SEED[: ends[papers - 1]]


@pytest.fixture
def page_day(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(live_sources, "utc_today", lambda: PAGE_DAY)
    return PAGE_DAY


# --- 1. outputs: only regular files ----------------------------------------------------------


def test_out_fifo_is_refused_before_any_work(tmp_path, capsys):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    code, out, err = run(capsys, "digest", str(SCITLDR), "--offline", "--out", str(fifo))
    assert code == 2 and out == ""
    assert err == (
        f"paperbrief: error: --out {fifo}: a named pipe (FIFO), not a regular file; "
        "paperbrief writes only regular files\n"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert nothing_started(capsys)


def test_out_device_node_is_refused(tmp_path, capsys):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    code, _, err = run(capsys, "digest", str(SCITLDR), "--offline", "--out", str(device))
    assert code == 2 and "a character device, not a regular file" in err
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert nothing_started(capsys)


def test_out_dev_null_is_never_replaced(capsys, monkeypatch):
    # Should the check ever regress, no write may reach /dev: any open or rename fails the test.
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"write attempted: {args}")

    monkeypatch.setattr(atomic.os, "replace", forbidden)
    monkeypatch.setattr(atomic.os, "open", forbidden)
    before = os.lstat("/dev/null")
    code, _, err = run(capsys, "digest", str(SCITLDR), "--offline", "--out", "/dev/null")
    assert code == 2
    assert err.startswith("paperbrief: error: --out /dev/null: a character device")
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino


def test_out_symlink_replaces_its_target_and_keeps_the_link(tmp_path, capsys):
    real = tmp_path / "archive" / "real.md"
    real.parent.mkdir()
    real.write_text("old digest\n")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    code, _, _ = run(capsys, "digest", str(SCITLDR), "--offline", "--out", str(link))
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("# Paper digest")
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.md"]  # no temp file left


def test_symlinks_are_resolved_or_refused(tmp_path):
    dangling = tmp_path / "next.md"
    dangling.symlink_to(tmp_path / "missing.md")
    assert writable_file(dangling) == tmp_path / "missing.md"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-pipe.md"
    to_fifo.symlink_to(fifo)
    with pytest.raises(UsageError, match=r"to-pipe.md -> .*pipe: a named pipe"):
        writable_file(to_fifo, "--out")
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    with pytest.raises(UsageError, match="loop.md"):
        writable_file(loop, "--out")
    with pytest.raises(UsageError, match="a directory"):
        writable_file(tmp_path, "--log")
    with pytest.raises(UsageError):
        atomic.write_atomic(fifo, "x")  # the rule holds for every writer, checked or not
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_log_fifo_is_refused(tmp_path, capsys):
    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that a regression cannot hang
    try:
        code, _, err = run(capsys, "digest", str(SCITLDR), "--offline", "--log", str(fifo))
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    assert code == 2 and err.startswith(f"paperbrief: error: --log {fifo}: a named pipe")


def test_out_dir_file_named_after_the_period_must_be_regular(tmp_path, capsys, page_day):
    page = tmp_path / "page.txt"
    page.write_text(seed_head(3))
    folder = tmp_path / "digests"
    folder.mkdir()
    os.mkfifo(folder / "2026-03-05.md")
    code, _, err = run(capsys, "digest", str(page), "--offline", "--out", f"{folder}/")
    assert code == 2 and "2026-03-05.md: a named pipe (FIFO)" in err
    assert nothing_started(capsys)


# --- 4. the page parser is anchored on paper blocks, not on the header's wording -------------

SEED_TITLES = [p.title for p in parse_text(SEED, "seed", today=PAGE_DAY).papers]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (  # one header line reworded
            "Get trending papers in your email inbox!",
            "Get trending papers in your email inbox every day!",
        ),
        ("Mar 5\n", "Mar 5\n\nSearch papers\n"),  # a search line after the date
        ("Daily Papers\n", "Daily Papers\n\nSearch papers\n"),  # … or before it
        (  # the header translated (a browser's translation keeps the date's format)
            "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
            "byAK and the research community\n",
            "Nouveau\n\nRecevez chaque jour les articles les plus populaires du moment dans "
            "votre boîte de réception, gratuitement et sans publicité, avec AK !\n\n"
            "S'abonner\n\nArticles du jour\n\npar AK et la communauté des chercheurs\n",
        ),
    ],
)
def test_header_drift_keeps_every_paper_and_the_page_date(old: str, new: str) -> None:
    assert old in SEED
    listing = parse_text(SEED.replace(old, new, 1), "drifted.txt", today=PAGE_DAY)
    assert [p.title for p in listing.papers] == SEED_TITLES
    assert len(SEED_TITLES) == 54
    assert listing.period is not None and listing.period.label == "Mar 5, 2026"
    assert listing.warnings == []


def test_footer_lines_never_become_papers() -> None:
    footer = "\nSystem theme\n\nCompany\n\nTOS\n\nPrivacy\n\nAbout\n\nJobs\n\nWebsite\n"
    listing = parse_text(SEED + footer, "footer.txt", today=PAGE_DAY)
    assert [p.title for p in listing.papers] == SEED_TITLES
    assert listing.warnings == []


# --- 5. a cut page, the page year, and --out DIR/ ----------------------------------------


def test_a_cut_page_is_bad_input(tmp_path, capsys):
    cut = tmp_path / "cut.txt"
    cut.write_bytes(PAGE.read_bytes()[:4205])  # `head -c 4205` of the seed page
    with pytest.raises(InputError) as info:
        read_file(cut, today=PAGE_DAY)
    assert "the page looks cut off: the last abstract stops mid-sentence" in str(info.value)
    code, out, err = run(capsys, "digest", str(cut), "--offline")
    assert code == 2 and out == ""
    assert err.startswith(f"paperbrief: error: {cut}: the page looks cut off")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("cut_after", ["\n  • 4 authors\n·\nDec 16, 20", "\n  • 4 authors\n·"])
def test_a_page_cut_in_a_metadata_block_is_bad_input(cut_after: str) -> None:
    text = seed_head(1) + "\nAn LLM Compiler\n\nWe compile calls." + cut_after
    with pytest.raises(InputError, match="last metadata block has no date"):
        parse_text(text, "cut.txt", today=PAGE_DAY)


def test_a_whole_page_without_a_final_newline_is_read() -> None:
    listing = parse_text(SEED.rstrip("\n"), "no-newline.txt", today=PAGE_DAY)
    assert len(listing.papers) == 54
    short = seed_head(2).rstrip("\n")  # ends on a complete metadata block
    assert len(parse_text(short, "short.txt", today=PAGE_DAY).papers) == 3  # ParEVO has none


def test_out_dir_refuses_a_digest_of_other_papers(tmp_path, capsys, page_day):
    page = tmp_path / "page.txt"
    page.write_text(seed_head(3))
    folder = tmp_path / "digests"
    folder.mkdir()
    last_year = folder / "2026-03-05.md"
    last_year.write_text("# Paper digest: Mar 5, 2026\n\n- **[Some other paper](x)**\n")
    code, _, err = run(capsys, "digest", str(page), "--offline", "--out", f"{folder}/")
    assert code == 2
    assert err.startswith(f"paperbrief: error: --out {last_year}: it exists and lists none")
    assert last_year.read_text().endswith("Some other paper](x)**\n")  # left as it was
    assert nothing_started(capsys)
    # naming the file itself replaces it
    code, _, _ = run(capsys, "digest", str(page), "--offline", "--out", str(last_year))
    assert code == 0 and "Challenges in Deploying" in last_year.read_text()
    # a rerun of the same period into the folder replaces its own digest
    page.write_text(seed_head(4))
    code, _, err = run(capsys, "digest", str(page), "--offline", "--out", f"{folder}/")
    assert code == 0, err
    assert "An LLM Compiler for Parallel Function Calling" in last_year.read_text()


# --- 6. versions of one arXiv id --------------------------------------------------------------

V1 = {
    "id": "2401.00006v1",
    "title": "Alpha decoding, first draft",
    "abstract": "We propose alpha decoding. This first version of the abstract is longer, "
    "because it still explains everything at length before the revision.",
}
V2 = {
    "id": "2401.00006v2",
    "title": "Alpha decoding for parallel generation",
    "abstract": "We propose alpha decoding for parallel generation with a 5% gain.",
}
OTHER = {"id": "2401.00007", "title": "Beta decoding", "abstract": "We propose beta decoding."}


def _jsonl(path: Path, *records: dict) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


@pytest.mark.parametrize("order", [(V1, V2), (V2, V1)])
def test_versions_in_one_file_are_one_paper_newest_winning(tmp_path, order):
    listing = load_specs([_jsonl(tmp_path / "a.jsonl", order[0], OTHER, order[1])])
    assert [p.id for p in listing.papers] == ["2401.00006", "2401.00007"]
    merged = listing.papers[0]
    assert (merged.title, merged.abstract) == (V2["title"], V2["abstract"])
    assert listing.duplicates == 1


@pytest.mark.parametrize("order", [(V1, V2), (V2, V1)])
def test_versions_across_files_merge_newest_winning(tmp_path, order):
    first = _jsonl(tmp_path / "a.jsonl", order[0])
    second = _jsonl(tmp_path / "b.jsonl", order[1], OTHER)
    listing = load_specs([first, second])
    merged = listing.papers[0]
    assert (merged.id, merged.title, merged.abstract) == ("2401.00006", V2["title"], V2["abstract"])
    assert len(listing.papers) == 2


def test_versions_are_not_compared_with_each_other(tmp_path, capsys):
    source = _jsonl(tmp_path / "a.jsonl", V1, V2, OTHER)
    code, out, _ = run(capsys, "digest", source, "--offline")
    assert code == 0
    assert "2 papers, 2 takeaways" in out
    assert "first draft" not in out


# --- 7. a live source answering 200 with the wrong body ---------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "said"),
    [
        (
            "text/html",
            b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>",
            "an HTML page",
        ),
        ("application/json", b'{"papers": "maintenance"}', "a JSON object"),
        ("application/json", b"[" * 100_000, "invalid JSON"),
    ],
)
def test_hf_source_with_a_wrong_body_is_skipped_and_the_others_go_on(
    monkeypatch, content_type, body, said
):
    server = _Server()
    try:
        server.script = [(200, {"Content-Type": content_type}, body)]
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        client = HttpClient(sleep=lambda s: None, attempts=1)
        listing = load_specs(["hf:2026-03-04", str(PAGE)], client=client, today=PAGE_DAY)
    finally:
        server.close()
    assert len(listing.papers) == 54
    skipped = listing.warnings[0]
    assert skipped.startswith("source skipped: hf:2026-03-04: http://127.0.0.1:")
    assert f"answered {said}" in skipped and "Wi-Fi" not in skipped


def test_arxiv_source_with_an_html_body_is_skipped(monkeypatch):
    server = _Server()
    try:
        server.script = [(200, {"Content-Type": "text/html"}, b"<html><p>Login</p></html>")]
        monkeypatch.setenv("PAPERBRIEF_ARXIV_API", server.url + "/api/query")
        client = HttpClient(sleep=lambda s: None, clock=lambda: 0.0, attempts=1)
        listing = load_specs(["arxiv:cs.CL", str(SCITLDR)], client=client, today=PAGE_DAY)
    finally:
        server.close()
    assert len(listing.papers) == 3
    assert "arxiv:cs.CL:" in listing.warnings[0] and "answered an HTML page" in listing.warnings[0]


def test_arxiv_rss_source_with_a_json_body_is_skipped(monkeypatch):
    server = _Server()
    try:
        server.script = [(200, {"Content-Type": "application/json"}, b'{"status": "down"}')]
        monkeypatch.setenv("PAPERBRIEF_ARXIV_RSS", server.url + "/rss")
        client = HttpClient(sleep=lambda s: None, clock=lambda: 0.0, attempts=1)
        today = Period(start=PAGE_DAY, end=PAGE_DAY, label=PAGE_DAY.isoformat())
        listing = load_specs(["arxiv:cs.CL", str(SCITLDR)], today, client=client, today=PAGE_DAY)
    finally:
        server.close()
    assert server.seen[0]["path"] == "/rss/cs.CL"
    assert "answered a JSON object, not an RSS feed" in listing.warnings[0]


# --- 8. non-regular and hostile input files ---------------------------------------------------


def test_fifo_source_is_refused_at_once(tmp_path):
    fifo = tmp_path / "source"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", "digest", str(fifo), "--offline"],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"paperbrief: error: {fifo}: not a regular file (a FIFO, device or socket); give a file\n"
    )


def test_deeply_nested_json_is_a_one_line_error(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    code, _, err = run(capsys, "digest", str(deep), "--offline")
    assert (code, err) == (2, f"paperbrief: error: {deep}: JSON nested too deeply to read\n")


def test_a_5000_digit_number_is_a_one_line_error(tmp_path, capsys):
    big = tmp_path / "big.jsonl"
    big.write_text(
        json.dumps(OTHER) + "\n" + '{"id": "2401.00008", "abstract": "x", "upvotes": '
        + "9" * 5000 + "}\n"
    )
    code, _, err = run(capsys, "digest", str(big), "--offline")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"paperbrief: error: {big}: line 2: a number too long to read")
    as_text = tmp_path / "text.json"
    as_text.write_text(json.dumps([OTHER, {**V2, "upvotes": "9" * 5000}]))
    code, _, err = run(capsys, "digest", str(as_text), "--offline")
    assert code == 2
    assert err == (
        f"paperbrief: error: {as_text}: entry 2 (Alpha decoding for parallel generation): "
        "upvotes has more than 12 digits, not a plausible count\n"
    )


def test_a_page_with_a_5000_digit_upvote_count_is_a_one_line_error(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text(seed_head(1).replace("May 14, 2024\n", "May 14, 2024 " + "9" * 5000 + "\n"))
    code, _, err = run(capsys, "digest", str(page), "--offline")
    assert code == 2 and len(err.splitlines()) == 1
    assert "entry 1 (Challenges in Deploying" in err and "upvotes has more than 12 digits" in err


def test_arxiv_feed_with_a_5000_digit_total_is_read(monkeypatch):
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"<opensearch:totalResults>{'9' * 5000}</opensearch:totalResults>"
        "<entry><id>http://arxiv.org/abs/2603.00001v1</id><title>One paper</title>"
        "<summary>We propose one thing.</summary><published>2026-03-03T10:00:00Z</published>"
        "</entry></feed>"
    ).encode()
    server = _Server()
    try:
        server.script = [(200, {"Content-Type": "application/atom+xml"}, feed)]
        monkeypatch.setenv("PAPERBRIEF_ARXIV_API", server.url + "/api/query")
        client = HttpClient(sleep=lambda s: None, clock=lambda: 0.0, attempts=1)
        window = Period(start=date(2026, 3, 2), end=date(2026, 3, 8), label="2026-W10")
        listing = load_specs(["arxiv:cs.CL"], window, client=client, today=PAGE_DAY)
    finally:
        server.close()
    assert [p.id for p in listing.papers] == ["2603.00001"]


def test_warnings_are_capped_with_a_count(tmp_path, capsys):
    noisy = tmp_path / "noisy.jsonl"
    lines = [json.dumps(OTHER)] + [json.dumps({"id": f"x{n}", "title": "t"}) for n in range(4221)]
    noisy.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "digest", str(noisy), "--offline")
    assert code == 0
    said = [line for line in err.splitlines() if line.startswith(f"paperbrief: {noisy}:")]
    assert len(said) == 21
    assert said[-1] == f"paperbrief: {noisy}: … and 4,201 more warnings"
    assert f"{noisy}: … and 4,201 more warnings" in out.replace("\\", "")
    assert out.count("skipped: no abstract") == 20


# --- 9. control characters and links ------------------------------------------------------------

HOSTILE = {
    "id": "2401.00031",
    "title": "Evil\x1b]0;pwned\x07 title\x1b[2J with \u202eRTL\u202c and a bell\x07",
    "abstract": "We propose \x1b[31mred\x1b[0m text\x9b1m and \x1b]8;;http://evil\x1b\\a link"
    "\x1b]8;;\x1b\\. It works on 3 benchmarks with a 5% gain.",
    "authors": ["Ann\x1b[5m One"],
    "organization": "Org\x07anisation",
    "url": "javascript:alert(document.cookie)",
}
PLAIN = {
    "id": "2401.00032",
    "title": "Plain paper with a data link",
    "abstract": "We propose plain text for hostile inputs with a 6% gain on 3 benchmarks.",
    "url": "data:text/html,<script>alert(1)</script>",
}


def test_control_characters_never_reach_the_digest_or_stderr(tmp_path, capsys):
    source = _jsonl(tmp_path / "hostile.jsonl", HOSTILE, PLAIN, {"title": "Bad\x1b[31m one"})
    log = tmp_path / "run.log"
    code, out, err = run(capsys, "digest", source, "--offline", "--log", str(log))
    assert code == 0
    assert not CONTROL.search(out), [m.group() for m in CONTROL.finditer(out)]
    assert not CONTROL.search(err)
    assert "Bad one" in log.read_text() and not CONTROL.search(log.read_text().replace("\n", ""))
    assert "Bad one" in err  # the warning is still there, cleaned
    assert "Evil title with RTL and a bell" in out.replace("\\", "")
    assert "javascript:" not in out and "data:text" not in out
    assert "(https://arxiv.org/abs/2401.00031)" in out  # the arXiv link instead
    code, out, _ = run(capsys, "takeaway", "--input", source, "--offline", "--json")
    assert code == 0 and not CONTROL.search(out.encode().decode("unicode_escape", "ignore"))


def test_error_messages_are_cleaned(tmp_path, capsys):
    bad = tmp_path / "bad\x1b[2Jname.json"
    bad.write_text('{"keys\x1b]0;x\x07": 1}')
    code, _, err = run(capsys, "digest", str(bad), "--offline")
    assert code == 2 and not CONTROL.search(err)
    assert "badname.json" in err


def test_runs_prints_stored_errors_without_control_characters(tmp_path, capsys):
    from paperbrief.store.core import Store

    db = tmp_path / "runs.db"
    with Store(db) as store:
        run_id = store.start_run("digest", ["digest", "x\x1b]0;t\x07.txt"])
        store.finish_run(run_id, "failed", error="x\x1b]0;t\x07.txt: \u202ebad\x1b[2J input")
    code, out, _ = run(capsys, "runs", "--db", str(db))
    assert code == 0 and "error: x.txt: bad input" in out and not CONTROL.search(out)
    code, out, _ = run(capsys, "runs", "--db", str(db), "--json")
    assert code == 0 and not CONTROL.search(out)  # JSON escapes them (\u001b)
