"""Bad input: one-line InputError naming the file (exit 2), never a traceback or a silent pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrief.errors import EXIT_USAGE, InputError
from paperbrief.sources import load, parse_text, read_file
from paperbrief.sources.arxiv_atom import parse_arxiv_atom

ATOM_2026 = "arxiv/arxiv_api_2026-09-24_cat_cs.CL_max3.xml"
HF_2024 = "hf-api/hf_daily_papers_2024-10-25.json"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>&lol9;</title>
  <summary>&lol9;</summary></entry>
</feed>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>t</title><description>&secret;</description>
</item></channel></rss>
"""


def error_for(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    assert caught.value.exit_code == EXIT_USAGE
    return message


def test_missing_path(tmp_path: Path) -> None:
    assert "no such file" in error_for(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in error_for(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    assert "empty file" in error_for(path)


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary file" in error_for(path)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Résumé of a paper\n".encode("latin-1"))
    message = error_for(path)
    assert "not UTF-8 text" in message and "0xe9" in message


def test_truncated_json(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / HF_2024).read_text(encoding="utf-8")
    path = tmp_path / "day.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "invalid or truncated JSON" in error_for(path)


def test_truncated_single_line_json(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "a", "abstract": "One', encoding="utf-8")
    assert "invalid or truncated JSON" in error_for(path)


def test_truncated_xml(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / ATOM_2026).read_text(encoding="utf-8")
    path = tmp_path / "feed.xml"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    assert "invalid or truncated XML" in error_for(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Just some prose.\n\nAnother paragraph of prose.\n", "unknown format"),
        ("<!DOCTYPE html><html><body>hi</body></html>", "HTML page"),
        ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "unknown XML format"),
        ('{"url": "x", "status_code": 400, "body": "<feed/>"}', "not a paper listing"),
        ("42", "unknown format"),
    ],
)
def test_unknown_format(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "mystery.dat"
    path.write_text(content, encoding="utf-8")
    assert expected in error_for(path)


def test_file_whose_entries_are_all_unusable(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_text('{"id": "a", "title": "A"}\n{"id": "b"}\n', encoding="utf-8")
    message = error_for(path)
    assert "no usable paper in 2 entries" in message
    assert "line 1 (A): no abstract" in message


def test_hf_api_answer_whose_entries_are_all_unusable(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text(json.dumps([{"paper": {"id": "2401.00001", "title": "T"}}]), encoding="utf-8")
    assert "no usable paper in 1 entry" in error_for(path)


def test_billion_laughs_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    message = error_for(path)
    assert "XML refused" in message and "entities" in message
    with pytest.raises(InputError, match="XML refused"):
        parse_arxiv_atom(BILLION_LAUGHS, "inline")


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    assert "XML refused" in error_for(path)


def test_parse_text_errors_name_the_origin() -> None:
    for text in ("", "\x00\x01", "plain words", "[1, 2"):
        with pytest.raises(InputError) as caught:
            parse_text(text, "hf:2026-03-16")
        assert str(caught.value).startswith("hf:2026-03-16: ")


def test_load_files_are_merged(fixtures: Path) -> None:
    page = str(fixtures / "hf-daily-papers-page.txt")
    listing = load([page, page, str(fixtures / "scitldr-3.jsonl")])
    assert len(listing.papers) == 57
    assert listing.duplicates == 54


def test_load_reports_the_first_bad_file(tmp_path: Path, fixtures: Path) -> None:
    missing = tmp_path / "gone.jsonl"
    with pytest.raises(InputError, match=f"^{missing}: no such file"):
        load([str(fixtures / "scitldr-3.jsonl"), str(missing)])
    with pytest.raises(InputError, match="no source"):
        load([])
