"""Interests profiles: TOML, real Zotero BibTeX and CSL JSON exports, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.errors import InputError
from paperbrief.relate.interests import find_profile, load_profile
from tests.conftest import FIXTURES

BIB = FIXTURES / "interests" / "zotero-inference-optimization.bib"
CSL = FIXTURES / "interests" / "zotero-dreameditor.csl.json"
BBT_CSL = FIXTURES / "interests" / "bbt-pandoc-citation.csl.json"
PAGE = FIXTURES / "hf-daily-papers-page.txt"

TOML = """\
description = "Agents that write and repair code."
keywords = ["code generation", "program repair"]
authors = ["Dao, Tri", "Graham Neubig"]
papers = ["2205.14135", "arXiv:2306.13455v2", "Distilling the Knowledge in a Neural Network"]
exclude = ["medical imaging"]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_profile(tmp_path):
    profile = load_profile(write(tmp_path, "interests.toml", TOML))
    assert profile.description == "Agents that write and repair code."
    assert profile.keywords == ["code generation", "program repair"]
    assert profile.authors == ["Dao, Tri", "Graham Neubig"]
    assert profile.exclude == ["medical imaging"]
    assert [(p.arxiv_id, p.title) for p in profile.papers] == [
        ("2205.14135", ""),
        ("2306.13455", ""),
        (None, "Distilling the Knowledge in a Neural Network"),
    ]


def test_zotero_bibtex_export_gives_liked_papers_with_abstracts():
    profile = load_profile(BIB)
    assert len(profile.papers) == 12
    first = profile.papers[0]
    # TeX braces of the export are gone, the arXiv id comes from `note = {arXiv:2203.07687 [cs]}`
    assert first.title == (
        "Compressing Sentence Representation for Semantic Retrieval via Homomorphic "
        "Projective Distillation"
    )
    assert first.arxiv_id == "2203.07687"
    assert first.abstract.startswith("How to learn highly compact yet effective sentence")
    by_key = {p.ref: p for p in profile.papers}
    assert by_key["anonymous_adaptive_2022"].arxiv_id is None  # an OpenReview paper
    assert by_key["dao_flashattention_2022"].title.startswith("FlashAttention: Fast and")
    assert by_key["tang2022dptdr"].arxiv_id == "2208.11503"  # from `journal = {arXiv preprint…}`
    assert by_key["tang2022dptdr"].abstract == ""
    assert sum(1 for p in profile.papers if p.abstract) == 11


def test_zotero_csl_json_export():
    (paper,) = load_profile(CSL).papers
    assert paper.title == "DreamEditor: Text-Driven 3D Scene Editing with Neural Fields"
    assert paper.arxiv_id == "2306.13455"
    assert "score distillation sampling" in paper.abstract


def test_better_csl_json_titles_lose_their_html():
    titles = [p.title for p in load_profile(BBT_CSL).papers]
    assert titles[0] == (
        "The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru"
    )
    assert titles[2].endswith("Collecta ex diuersis auditis in scola magistri Willelmi de Monte")
    assert all("<" not in t for t in titles)


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path):
    bib = write(tmp_path, "library.txt", BIB.read_text(encoding="utf-8"))
    assert len(load_profile(bib).papers) == 12
    csl = write(tmp_path, "library", CSL.read_text(encoding="utf-8"))
    assert load_profile(csl).papers[0].arxiv_id == "2306.13455"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("i.toml", 'keywords = ["a"]\ndescription = "unterminated\n',
         "{path}: line 2: invalid TOML: "),
        ("i.toml", 'keywords = ["a"]\nkeyword = ["typo"]\n',
         "{path}: line 2: unknown key 'keyword' (expected description, keywords, authors, "
         "papers, exclude)"),
        ("i.toml", 'description = "x"\n\nauthors = "Tri Dao"\nkeywords = [1, 2]\n',
         "{path}: line 4: keywords must be a list of strings"),
        ("i.toml", "# nothing yet\n", "{path}: line 1: empty profile"),
        ("i.bib", BIB.read_text(encoding="utf-8").replace(
            "\turldate = {2022-10-07},", "\turldate = {2022-10-07,", 1),
         "{path}: line 16: invalid BibTeX entry: Unexpected block start: '@misc'. Was still "
         "looking for field-value closing"),
        ("i.bib", "% only a comment\n", "{path}: line 1: no BibTeX entries"),
        ("i.json", CSL.read_text(encoding="utf-8").replace('"type": "article",', '"type" "x",'),
         "{path}: line 4: invalid JSON: Expecting ':' delimiter"),
        ("i.json", '[\n  {"title": "A"},\n  {"id": "b"}\n]\n',
         "{path}: line 3: item 2 has no title"),
    ],
)
def test_malformed_profile_is_one_line_naming_file_and_line(tmp_path, capsys, name, text,
                                                              expected):
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        load_profile(path)
    assert str(info.value).startswith(expected.format(path=path))
    assert "\n" not in str(info.value)
    code = main(["rank", "--input", str(PAGE), "--interests", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"paperbrief: error: {expected.format(path=path)}")
    assert len(err.splitlines()) == 1


def test_profile_is_found_by_option_then_environment_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PAPERBRIEF_INTERESTS", raising=False)
    assert find_profile(None) is None  # no default file: no profile, no error
    default = tmp_path / "config" / "paperbrief" / "interests.toml"
    default.parent.mkdir(parents=True)
    default.write_text(TOML, encoding="utf-8")
    assert find_profile(None) == default
    env = write(tmp_path, "env.toml", TOML)
    monkeypatch.setenv("PAPERBRIEF_INTERESTS", str(env))
    assert find_profile(None) == env
    assert find_profile(str(BIB)) == BIB
    with pytest.raises(InputError, match=r"^--interests nope.toml: no such file$"):
        find_profile("nope.toml")
    monkeypatch.setenv("PAPERBRIEF_INTERESTS", str(tmp_path / "gone.toml"))
    with pytest.raises(InputError, match=r"^PAPERBRIEF_INTERESTS .*gone.toml: no such file$"):
        find_profile(None)
