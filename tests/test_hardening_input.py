"""Issue 28, part C: bad input is one line and a documented exit code (never a traceback), and
profiles, ids and base URLs that would be silently wrong are refused or warned about. Each test
runs the real CLI on real papers (tests/fixtures/hf-2024-papers-2000.jsonl) and a real store."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from paperbrief import cli
from paperbrief.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
HF_2024 = FIXTURES / "hf-2024-papers-2000.jsonl"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def five(tmp_path: Path, name: str = "five.jsonl", **changes: dict) -> Path:
    """The first five real papers, with `changes` (line number -> fields) applied."""
    lines = [json.loads(line) for line in HF_2024.read_text().splitlines()[:5]]
    for n, fields in changes.items():
        lines[int(n.removeprefix("p"))].update(fields)
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@contextmanager
def stand_in(body: bytes, content_type: str,
             status: int = 200) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 answering every GET and POST with `status` and `body`;
    its root URL and the paths asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            asked.append(self.path)
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("paperbrief: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return err


# -- 15: lone surrogates --------------------------------------------------------------------------


def test_lone_surrogates_in_a_listing_become_replacement_characters(tmp_path, capsys):
    listing = five(tmp_path, p0={"title": "Lone \ud800 surrogate"},
                   p1={"abstract": "An abstract with a lone \udfff low surrogate. " * 3},
                   p2={"authors": ["Ada \udc80 Lovelace"]})  # fmt: skip
    code, out, err = run(capsys, "digest", str(listing), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--json")  # fmt: skip
    assert code == 0, err
    digest = json.loads(out)
    titles = [p["title"] for p in digest["papers"]]
    assert "Lone \ufffd surrogate" in titles
    assert all("\ud800" not in t for t in titles)


def test_lone_surrogates_in_a_csl_profile_are_replaced(tmp_path, capsys):
    items = [{"id": f"k{n}", "title": f"Speculative \ud800 decoding {n}",
              "abstract": "Draft tokens verified by the large model. " * 10} for n in range(200)]
    profile = tmp_path / "library.json"
    profile.write_text(json.dumps(items))  # \ud800 escapes, over 64 KB: cached too
    for _ in range(2):  # parsed, then from the cache
        code, out, err = run(capsys, "rank", "-i", str(five(tmp_path)), "--interests",
                             str(profile), "--json")  # fmt: skip
        assert code == 0, err
        assert len(out.splitlines()) == 5
    assert list((tmp_path / "cache").glob("*.json"))


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["takeaway", "-i", "LISTING", "--model", "gpt\udcff"], "--model"),
        (["compare", "\udcff\udcfe", "2401.01234", "--offline"], "A"),
        (["digest", "LISTING", "--offline", "--since", "2024-05-2\udcff"], "--since"),
        (["digest", "LISTING", "--offline", "--email", "me@b\udcfcrs.example"], "--email"),
    ],
)  # fmt: skip
def test_text_options_that_are_not_utf8_are_exit_2_at_start(tmp_path, capsys, monkeypatch, argv,
                                                            shown):
    # bytes that are not UTF-8 reach Python as lone surrogates (PEP 383); in --model they
    # crashed the first store write ("surrogates not allowed"), exit 1
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    db = tmp_path / "pb.db"
    argv = [str(five(tmp_path)) if a == "LISTING" else a for a in argv]
    code, out, err = run(capsys, *argv, "--db", str(db))
    assert (code, out) == (2, "")
    assert one_line_error(err).startswith(f"paperbrief: error: {shown}: not valid UTF-8 text")
    assert not db.exists()


def test_a_base_url_variable_that_is_not_utf8_is_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v\udcff")
    code, _, err = run(capsys, "takeaway", "-i", str(five(tmp_path)), "--db",
                       str(tmp_path / "pb.db"))  # fmt: skip
    assert code == 2
    assert one_line_error(err) == ("paperbrief: error: $OPENAI_BASE_URL: not valid UTF-8 text (a "
                                   "byte that is not UTF-8 at character 21)\n")  # fmt: skip


def test_a_file_name_that_is_not_utf8_still_works(tmp_path, capsys):
    out = tmp_path / "digest-\udcff.md"
    code, _, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                       str(tmp_path / "pb.db"), "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert out.exists()


# -- 16: profiles nested too deeply, numbers too long ---------------------------------------------


@pytest.mark.parametrize(
    "name, body, message",
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "JSON nested too deeply to read"),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
         "line 1: invalid TOML: nested too deeply to read"),
        ("deep-table.toml", "a = " + "{b = " * 50_000 + "1" + "}" * 50_000 + "\n",
         "line 1: invalid TOML: nested too deeply to read"),
        ("long.toml", 'description = "x"\nn = ' + "9" * 5000 + "\n",
         "line 2: invalid TOML: a number too long to read"),
        ("long.json", '[{"title": "A title", "id": ' + "9" * 5000 + "}]",
         "a number too long to read (line 1)"),
    ],
)  # fmt: skip
def test_profiles_too_deep_or_with_too_long_numbers_are_exit_2(tmp_path, capsys, name, body,
                                                              message):
    profile = tmp_path / name
    profile.write_text(body)
    db = tmp_path / "pb.db"
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db", str(db),
                         "--interests", str(profile))  # fmt: skip
    assert (code, out) == (2, "")
    assert one_line_error(err).startswith(f"paperbrief: error: {profile}: {message}")
    assert not db.exists()  # refused before the run started


# -- 17, 21: references and arXiv ids -------------------------------------------------------------


@pytest.mark.parametrize(
    "ref, message",
    [
        ("2401.01234v" + "9" * 5000, "is not a valid arXiv id"),
        ("https://[::1/abs/2401.01234", "is not a paper reference: Invalid IPv6 URL"),
        ("2401.01234v0", "is not a valid arXiv id: versions start at v1"),
    ],
)  # fmt: skip
def test_compare_refuses_malformed_references_in_one_short_line(tmp_path, capsys, ref, message):
    db = tmp_path / "pb.db"
    code, out, err = run(capsys, "compare", ref, "2401.01235", "--offline", "--db", str(db))
    assert (code, out) == (2, "")
    assert message in one_line_error(err)
    assert len(err) < 400  # the reference is quoted cut short, with its length
    assert not db.exists()


def test_a_20000_character_title_fragment_is_quoted_cut_short(tmp_path, capsys):
    code, _, err = run(capsys, "compare", "x" * 20_000, "2401.01235", "--offline", "--db",
                       str(tmp_path / "pb.db"))  # fmt: skip
    assert code == 2 and "(20,000 characters)" in one_line_error(err) and len(err) < 400


@pytest.mark.parametrize("digits", ["٢٤٠١.٠١٢٣٤", "２４０１.０１２３４"])
def test_ids_in_other_digits_are_no_arxiv_ids(tmp_path, capsys, digits):
    # Unicode's \d took Arabic-Indic and fullwidth digits for an arXiv id: fetched from arXiv,
    # linked to arxiv.org and never equal to the same paper's real id
    code, _, err = run(capsys, "compare", digits, "2401.01235", "--offline", "--db",
                       str(tmp_path / "pb.db"))  # fmt: skip
    assert code == 2 and "is a title fragment, and there is no listing" in one_line_error(err)
    listing = five(tmp_path, p0={"id": digits, "url": None})
    code, out, err = run(capsys, "digest", str(listing), "--offline", "--json", "--db",
                         str(tmp_path / "pb.db"))  # fmt: skip
    assert code == 0, err
    (paper,) = [p for p in json.loads(out)["papers"] if p["id"] == digits]
    assert paper["url"] is None  # no https://arxiv.org/abs/٢٤٠١.٠١٢٣٤


# -- 18: numbers too big or too small for a date, a timeout or SQLite -----------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["digest", "--timeout", "1e300"], ["digest", "--rpm", "1e-300"],
        ["digest", "--failure-cooldown", "1e15"], ["digest", "--concurrency", str(10**20)],
        ["digest", "--batch-poll", "1e300"], ["digest", "--wait", "1e300"],
        ["digest", "--top", str(10**30)], ["takeaway", "--max-calls", str(10**30)],
        ["compare", "--timeout", "1e300"],
    ],
)  # fmt: skip
def test_numbers_out_of_range_are_refused_by_the_parser(tmp_path, capsys, argv):
    command, option, value = argv
    db = tmp_path / "pb.db"
    inputs = ["2401.01234", "2401.01235"] if command == "compare" else [str(five(tmp_path))]
    with pytest.raises(SystemExit) as exc:
        cli.main([command, *inputs, "--db", str(db), option, value])
    _, err = capsys.readouterr()
    assert exc.value.code == 2 and err.count("\n") == 1
    assert err.startswith(f"paperbrief {command}: error: argument {option}: expected")
    assert not db.exists()  # nothing started, nothing submitted or paid


def test_batch_poll_1e300_is_refused_before_a_batch_is_submitted(tmp_path, capsys, monkeypatch):
    from paperbrief_refserver.server import RefServer

    with RefServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        with pytest.raises(SystemExit) as exc:
            cli.main(["digest", str(five(tmp_path)), "--db", str(tmp_path / "pb.db"),
                      "--batch-wait", "--batch-poll", "1e300"])  # fmt: skip
        assert exc.value.code == 2
        assert server.requests == [] and server.embedding_requests == []
    assert "--batch-poll" in capsys.readouterr().err


def test_runs_limit_too_big_for_sqlite_is_exit_2(tmp_path, capsys):
    db = tmp_path / "pb.db"
    assert run(capsys, "digest", str(five(tmp_path)), "--offline", "--db", str(db))[0] == 0
    with pytest.raises(SystemExit) as exc:
        cli.main(["runs", "--db", str(db), "--limit", str(10**30)])
    assert exc.value.code == 2 and "expected a number from 1 to" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["99999999999999999999", "1e15", "inf"])
def test_a_failure_cooldown_variable_out_of_range_is_exit_2(tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv("PAPERBRIEF_FAILURE_COOLDOWN", value)
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                         str(tmp_path / "pb.db"))  # fmt: skip
    assert (code, out) == (2, "")
    assert one_line_error(err).startswith("paperbrief: error: $PAPERBRIEF_FAILURE_COOLDOWN: ")


@pytest.mark.parametrize("week", ["9999-W52", "9999-W53", "0000-W01"])
def test_weeks_beyond_the_calendar_are_exit_2(tmp_path, capsys, week):
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--week", week)  # fmt: skip
    assert (code, out) == (2, "")
    assert f"invalid week {week!r}" in one_line_error(err)


def test_the_last_days_of_the_calendar_are_a_window(tmp_path, capsys):
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--since", "9999-12-27", "--until",
                         "9999-12-31")  # fmt: skip
    assert code == 0, err
    assert "9999-12-27 to 9999-12-31" in out


# -- 22: the arXiv query of a window in the first centuries ---------------------------------------

EMPTY_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/empty</id><title>arXiv Query</title>
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>"""


def test_an_arxiv_window_of_year_1_is_zero_padded(tmp_path, capsys, monkeypatch):
    with stand_in(EMPTY_FEED, "application/atom+xml") as (root, asked):
        monkeypatch.setenv("PAPERBRIEF_ARXIV_API", f"{root}/api/query")
        code, _, err = run(capsys, "digest", "arxiv:cs.CL", "--since", "0001-01-01", "--until",
                           "0001-01-07", "--offline", "--db", str(tmp_path / "pb.db"))
    assert code == 0, err
    (path,) = asked
    query = parse_qs(urlsplit(path).query)["search_query"][0]
    assert "submittedDate:[000101010000 TO 000101072359]" in query


# -- 23: base URLs that cannot be an endpoint; a 200 that is no JSON ------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("not a url", "contains a space"), ("file:///etc/passwd", "file:// is not HTTP"),
        ("ftp://example.org/v1", "ftp:// is not HTTP"), ("http://[::1/v1", "Invalid IPv6 URL"),
        ("http://localhost:8080/v1\r\nX-Injected: 1", "line break"),
        ("http://localhost/v1\n", "line break"), ("localhost:8080/v1", "is not HTTP"),
        ("http:///v1", "no host"), ("http://user:secret@localhost:99999/v1", "Port out of range"),
        ("http://localhost:0/v1", "port 0"), ("http://localhost:http/v1", "Port could not be"),
    ],
)  # fmt: skip
def test_a_base_url_that_cannot_be_an_endpoint_is_exit_2_at_start(tmp_path, capsys, monkeypatch,
                                                                  url, reason):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    db = tmp_path / "pb.db"
    for origin, argv in (("$OPENAI_BASE_URL", []), ("--base-url", ["--base-url", url])):
        if argv:
            monkeypatch.delenv("OPENAI_BASE_URL")
        else:
            monkeypatch.setenv("OPENAI_BASE_URL", url)
        code, out, err = run(capsys, "digest", str(five(tmp_path)), "--db", str(db), *argv)
        assert (code, out) == (2, "")
        assert one_line_error(err).startswith(f"paperbrief: error: {origin} '")
        assert reason in err and "secret" not in err
        assert not db.exists()  # nothing started: no run recorded, no fallback digest


def test_an_unused_base_url_is_not_checked(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "ftp://example.org/v1")
    code, _, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                       str(tmp_path / "pb.db"))  # fmt: skip
    assert code == 0, err


@pytest.mark.parametrize(
    "body, content_type, reason",
    [
        (b"", "application/json", "the server answered 200 with an empty body instead of JSON"),
        (b"<!doctype html><html><body>Sign in to the Wi-Fi</body></html>", "text/html",
         "the server answered 200 with an HTML page instead of JSON"),
        (b"[1, 2]", "application/json", "the server answered 200 with JSON list instead"),
    ],
)  # fmt: skip
def test_a_200_that_is_no_json_object_is_retried_and_named(tmp_path, capsys, monkeypatch, body,
                                                          content_type, reason):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with stand_in(body, content_type) as (root, asked):
        monkeypatch.setenv("OPENAI_BASE_URL", f"{root}/v1")
        code, out, err = run(capsys, "takeaway", "-i", str(five(tmp_path)), "--db",
                             str(tmp_path / "pb.db"), "--json")
    assert code == 0, err
    chat = [p for p in asked if p.endswith("/chat/completions")]
    assert len(chat) > 1  # retried, until the breaker gave the endpoint up
    assert reason in err
    assert "object has no attribute" not in err and "Traceback" not in err
    assert [json.loads(line)["engine"] for line in out.splitlines()] == ["offline"] * 5


# -- 19: damaged stores, stores of a newer version, a new store on a full disk --------------------

PAGE = 4096


def _store_with_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "pb.db"
    assert run(capsys, "digest", str(five(tmp_path)), "--offline", "--db", str(db))[0] == 0
    return db


def _root_page(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    finally:
        conn.close()
    return int(page)


def _smash(db: Path, page: int, offset: int = 0) -> None:
    with db.open("r+b") as handle:
        handle.seek((page - 1) * PAGE + offset)
        handle.write(b"\xff" * 200)


@pytest.mark.parametrize("where", ["sqlite_master", "papers", "runs", "takeaways"])
def test_a_damaged_store_is_one_code_and_one_message(tmp_path, capsys, where):
    db = _store_with_a_run(tmp_path, capsys)
    if where == "sqlite_master":
        _smash(db, 1, 100)
    else:
        _smash(db, _root_page(db, where))
    for argv in (["digest", str(five(tmp_path)), "--offline"],
                 ["takeaway", "-i", str(five(tmp_path)), "--offline"]):  # fmt: skip
        code, out, err = run(capsys, *argv, "--db", str(db))
        assert (code, out) == (2, "")
        assert one_line_error(err).startswith(
            f"paperbrief: error: {db}: cannot use this database: it is damaged ("
        )
        assert "Move it aside" in err


def test_runs_lists_a_run_whose_row_is_malformed(tmp_path, capsys):
    db = _store_with_a_run(tmp_path, capsys)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE runs SET argv = '[\"digest\", ', started = 'yesterday'")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "runs", "--db", str(db))
    assert code == 0, err
    assert "digest ok" in out
    code, out, err = run(capsys, "runs", "--db", str(db), "--json")
    assert code == 0, err
    assert json.loads(out)["argv"] == ['(unreadable: ["digest", )']


def test_a_store_migrated_by_a_newer_version_is_refused_untouched(tmp_path, capsys):
    db = _store_with_a_run(tmp_path, capsys)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _migrations (name, applied) VALUES ('m999_from_the_future', 'x')")
    conn.commit()
    conn.close()
    before = sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone()
    for argv in (["digest", str(five(tmp_path)), "--offline"], ["runs"]):
        code, out, err = run(capsys, *argv, "--db", str(db))
        assert (code, out) == (2, "")
        assert one_line_error(err).startswith(
            f"paperbrief: error: {db}: cannot use this database: a newer paperbrief changed it "
            "(migration 'm999_from_the_future' is unknown to paperbrief "
        )
    assert sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone() == before


@pytest.mark.parametrize("limit", [5_000, 60_000, 120_000])
def test_a_new_store_on_a_full_disk_leaves_nothing_behind(tmp_path, limit):
    # RLIMIT_FSIZE stands in for a full disk: a write past `limit` bytes fails (EFBIG; Python
    # ignores SIGXFSZ), in the middle of creating the store and its migrations
    import resource
    import subprocess
    import sys

    listing = five(tmp_path)
    folder = tmp_path / "full"
    folder.mkdir()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", "digest", str(listing), "--offline", "--db",
         str(folder / "pb.db")],
        preexec_fn=small_files, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"paperbrief: error: cannot create the database {folder}/pb.db")
    assert "rollback" not in done.stderr and done.stderr.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == ["pb.db.lock"]  # the lock stays (part A)


# -- 20: profile terms that cannot match anything -------------------------------------------------


def test_stopword_and_punctuation_keywords_are_dropped_with_a_warning(tmp_path, capsys):
    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["the", "(", "of the", "vision-language"]\n'
                       'exclude = ["and"]\nauthors = ["..."]\n')  # fmt: skip
    code, out, err = run(capsys, "rank", "-i", str(HF_2024), "--interests", str(profile),
                         "--json", "--since", "2024-05-27", "--until", "2024-05-27")
    assert code == 0, err
    assert (f"paperbrief: {profile}: keywords 'the', '(', 'of the' ignored: only stop words or "
            "punctuation") in err  # fmt: skip
    assert f"paperbrief: {profile}: exclude 'and' ignored" in err
    assert f"paperbrief: {profile}: authors '...' ignored" in err
    ranked = [json.loads(line) for line in out.splitlines()]
    assert len(ranked) > 5
    matched = [r for r in ranked if any(x.startswith("matches:") for x in r["reasons"])]
    # "the" used to match every paper; only the real keyword matches now
    assert matched and all(r["reasons"][0] == "matches: vision-language" for r in matched)
    assert not any(r["excluded"] for r in ranked)


def test_a_profile_with_no_usable_terms_warns_and_the_digest_ranks_by_upvotes(tmp_path, capsys):
    profile = tmp_path / "interests.toml"
    profile.write_text('description = "!!! ???"\n')
    listing = five(tmp_path, p3={"upvotes": 999})
    code, out, err = run(capsys, "digest", str(listing), "--offline", "--json", "--db",
                         str(tmp_path / "pb.db"), "--interests", str(profile), "--top", "1")
    assert code == 0, err
    assert f"paperbrief: {profile}: description '!!! ???' ignored" in err
    assert (f"paperbrief: {profile}: no usable terms in this profile: every paper would score 0 "
            "(the digest ranks by upvotes instead)") in err  # fmt: skip
    digest = json.loads(out)
    top = json.loads(listing.read_text().splitlines()[3])["id"]
    assert digest["ranked_by"] == "upvotes" and digest["detailed"] == [top]


@pytest.mark.parametrize(
    "title, shown",
    [("true", "true"), ("NaN", "NaN"), ('["a", "b"]', '["a", "b"]'), ("12", "12")],
)  # fmt: skip
def test_csl_titles_that_are_not_text_are_refused(tmp_path, capsys, title, shown):
    profile = tmp_path / "library.json"
    profile.write_text('[{"id": "a", "title": "Speculative decoding"},\n'
                       f' {{"id": "b", "title": {title}}}]')  # fmt: skip
    db = tmp_path / "pb.db"
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db", str(db),
                         "--interests", str(profile))  # fmt: skip
    assert (code, out) == (2, "")
    assert one_line_error(err) == (f"paperbrief: error: {profile}: line 2: item 2's title is "
                                   f"{shown}, not text\n")  # fmt: skip
    assert not db.exists()


# -- 25: a big profile is parsed once per content -------------------------------------------------


def _big_bibtex(path: Path, entries: int = 80) -> Path:
    """Real titles and abstracts (tests/fixtures/hf-2024-papers-2000.jsonl) as a BibTeX export
    of at least 64 KB, the size from which parsed profiles are cached."""
    lines = [json.loads(line) for line in HF_2024.read_text().splitlines()[:entries]]
    path.write_text("".join(
        f"@article{{key{n},\n  title = {{{p['title']}}},\n  abstract = {{{p['abstract']}}},\n"
        f"  eprint = {{{p['id']}}},\n  archiveprefix = {{arXiv}},\n}}\n\n"
        for n, p in enumerate(lines)
    ), encoding="utf-8")  # fmt: skip
    assert path.stat().st_size >= 64 * 1024
    return path


def test_a_big_bibtex_profile_is_parsed_once_per_content(tmp_path, monkeypatch):
    import bibtexparser

    from paperbrief.relate.interests import load_profile

    bib = _big_bibtex(tmp_path / "library.bib")
    first = load_profile(bib)
    assert len(first.papers) == 80 and first.papers[0].arxiv_id
    cached = list((tmp_path / "cache").glob("*.json"))  # $PAPERBRIEF_CACHE_DIR (conftest)
    assert len(cached) == 1

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("bibtexparser ran")

    monkeypatch.setattr(bibtexparser, "parse_string", no_parsing)
    assert load_profile(bib) == first  # from the cache: not parsed again
    with bib.open("a", encoding="utf-8") as handle:  # another content: parsed again
        handle.write("@article{extra,\n  title = {One more paper},\n}\n")
    with pytest.raises(InputError, match="bibtexparser ran"):  # (its errors are InputErrors)
        load_profile(bib)


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    from paperbrief.relate.interests import load_profile

    bib = _big_bibtex(tmp_path / "library.bib")
    first = load_profile(bib)
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.write_text('{"description": 1')
    assert load_profile(bib) == first
    assert json.loads(entry.read_text())["papers"]  # written again


def test_a_small_profile_is_not_cached(tmp_path):
    from paperbrief.relate.interests import load_profile

    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["speculative decoding"]\n')
    assert load_profile(profile).keywords == ["speculative decoding"]
    assert not (tmp_path / "cache").exists()


# -- 26 (cosmetic): a FIFO profile ----------------------------------------------------------------


def test_a_fifo_profile_is_named_a_fifo_not_missing(tmp_path, capsys):
    import os

    fifo = tmp_path / "interests.toml"
    os.mkfifo(fifo)
    code, out, err = run(capsys, "digest", str(five(tmp_path)), "--offline", "--db",
                         str(tmp_path / "pb.db"), "--interests", str(fifo))  # fmt: skip
    assert (code, out) == (2, "")
    assert one_line_error(err) == (f"paperbrief: error: --interests {fifo}: a FIFO (named pipe), "
                                   "not a regular file\n")  # fmt: skip


# -- 26 (cosmetic): "1 topics", 4 KB warning lines ------------------------------------------------


def test_the_feed_summary_says_1_topic_not_1_topics(tmp_path, capsys):
    feed = tmp_path / "feed.xml"
    listing = tmp_path / "one.jsonl"
    listing.write_text(HF_2024.read_text().splitlines()[0] + "\n")
    code, _, err = run(capsys, "digest", str(listing), "--offline", "--db",
                       str(tmp_path / "pb.db"), "--feed", str(feed))  # fmt: skip
    assert code == 0, err
    assert "<summary>1 paper in 1 topic, 0 head-to-head comparisons.</summary>" in feed.read_text()


def test_a_4kb_value_quoted_in_a_warning_is_cut(tmp_path, capsys):
    listing = five(tmp_path, p0={"published": "2024-" + "x" * 4000})
    log = tmp_path / "run.log"
    code, _, err = run(capsys, "digest", str(listing), "--offline", "--db",
                       str(tmp_path / "pb.db"), "--log", str(log))  # fmt: skip
    assert code == 0, err
    (line,) = [w for w in err.splitlines() if "unreadable published date" in w]
    assert len(line) <= 400 and "(4,007 characters)" in line  # cut, saying how long it was
    (logged,) = [w for w in log.read_text().splitlines() if "unreadable published date" in w]
    assert len(logged) <= 400  # the value is cut where it is quoted


def test_stderr_lines_are_cut_at_1000_characters():
    # what reaches stderr through the CLI's formatter, whatever a warning quotes
    from paperbrief.safe_text import LINE_MAX_CHARS, short_lines

    text = "x" * 4_000 + "\nshort"
    cut = short_lines(text)
    assert [len(line) for line in cut.splitlines()][1:] == [5]
    assert len(cut.splitlines()[0]) <= LINE_MAX_CHARS
