"""Issue 28, part C: bad input is one line and a documented exit code (never a traceback), and
profiles, ids and base URLs that would be silently wrong are refused or warned about. Each test
runs the real CLI on real papers (tests/fixtures/hf-2024-papers-2000.jsonl) and a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrief import cli

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


# -- 17, 21: references and arXiv ids --------------------------------------------------------------


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
