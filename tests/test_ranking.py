"""Ranking a real listing against interests profiles, and the `rank` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.http import SourceFetchError
from paperbrief.relate.interests import LikedPaper, Profile, load_profile
from paperbrief.relate.ranking import phrase_pattern, rank_by_upvotes, rank_listing
from paperbrief.sources import read_file
from tests.conftest import FIXTURES

PAGE = FIXTURES / "hf-daily-papers-page.txt"
HF_DAY = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
BIB = FIXTURES / "interests" / "zotero-inference-optimization.bib"


@pytest.fixture(scope="module")
def papers():
    return read_file(PAGE).papers


def by_title(papers, fragment):
    (paper,) = [p for p in papers if fragment.lower() in p.title.lower()]
    return paper


def test_keyword_phrases_match_whole_words_plurals_and_hyphens():
    pat = phrase_pattern("KV cache")
    assert pat.search("reuse the kv-cache across turns")
    assert pat.search("two kv caches")
    assert not pat.search("kv cached")  # not a whole word
    assert not phrase_pattern("agent").search("agentic programming")


def test_keywords_authors_and_excludes_each_give_their_reason():
    papers = read_file(HF_DAY).papers
    env = by_title(papers, "daVinci-Env")
    first, last = env.authors[1].split(" ", 1)
    followed = f"{last.upper()}, {first}"  # 'Wu, Shenyu': order and case do not matter
    profile = Profile(
        path=Path("interests.toml"),
        keywords=["reinforcement learning"],
        authors=[followed],
        exclude=["video"],
    )
    ranked, warnings = rank_listing(papers, profile)
    assert warnings == []
    assert len(ranked) == len(papers)
    top = ranked[0]
    assert top.paper.id == env.id and f"author: {followed}" in top.reasons
    rl = [r for r in ranked if "matches: reinforcement learning" in r.reasons]
    assert rl and all("reinforcement learning" in (r.paper.title + r.paper.abstract).lower()
                      for r in rl)
    # a keyword counts by how central it is: in the title more than a passing mention
    assert all(r.score >= 0.08 for r in rl)  # 0.4 in the title, 0.08 for a passing mention
    excluded = [r for r in ranked if r.excluded]
    assert excluded and ranked[-len(excluded):] == excluded  # excluded go last
    assert all(r.reasons[0] == "excluded: video" for r in excluded)
    scores = [r.score for r in ranked if not r.excluded]
    assert scores == sorted(scores, reverse=True)


def test_a_zotero_library_ranks_papers_close_to_it_first(papers):
    profile = load_profile(BIB)  # inference optimisation, quantisation, distillation, PEFT
    ranked, _ = rank_listing(papers, profile)
    top5 = " ".join((r.paper.title + " " + r.paper.abstract).lower() for r in ranked[:5])
    last5 = " ".join((r.paper.title + " " + r.paper.abstract).lower() for r in ranked[-5:])
    assert top5.count("efficien") + top5.count("transformer") > last5.count("efficien") + \
        last5.count("transformer")
    assert ranked[0].reasons[0].startswith("like: ")
    liked_ids = {p.arxiv_id for p in profile.papers if p.arxiv_id}
    named = ranked[0].reasons[0].removeprefix("like: ").split(" (")[0]
    assert named in liked_ids or named.startswith("Adaptive Budget Allocation")


def test_a_liked_id_resolves_against_the_listing_then_the_store(papers):
    seed = papers[3]
    profile = Profile(path=Path("i.toml"), papers=[LikedPaper(ref=seed.id, arxiv_id=seed.id),
                                                   LikedPaper(ref="2401.99999",
                                                              arxiv_id="2401.99999")])
    ranked, warnings = rank_listing(papers, profile)
    assert warnings == [
        "i.toml: liked paper 2401.99999 is neither in the listing, nor in the database, nor on "
        "arXiv; it is left out of the profile"
    ]
    assert ranked[0].paper.id != seed.id or "like:" not in ranked[0].reason
    stored = papers[5]
    ranked, warnings = rank_listing(
        [p for p in papers if p.id != stored.id],
        Profile(path=Path("i.toml"), papers=[LikedPaper(ref="x", arxiv_id="2401.00001")]),
        lookup=lambda pid: stored if pid == "2401.00001" else None,
    )
    assert warnings == []
    assert ranked[0].similarity > 0


def test_without_a_profile_upvotes_rank(papers):
    ranked = rank_by_upvotes(papers)
    votes = [r.paper.upvotes or 0 for r in ranked]
    assert votes == sorted(votes, reverse=True) and votes[0] > 0
    assert ranked[0].reasons == [f"▲ {votes[0]}"]


def test_rank_command_text_and_json(tmp_path, capsys):
    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["code generation"]\nexclude = ["video"]\n')
    assert main(["rank", "--input", str(PAGE), "--interests", str(profile)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 2 * 54
    assert lines[0].startswith("   1. ") and "matches: code generation" in lines[1]
    assert main(["rank", "--input", str(PAGE), "--interests", str(profile), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    assert [r["rank"] for r in rows] == list(range(1, 55))
    assert rows[0]["reasons"][0] == "matches: code generation" and rows[0]["score"] > 0.3
    assert rows[-1]["excluded"] is True


def test_rank_without_a_profile_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["rank", "--input", str(PAGE)]) == 2
    err = capsys.readouterr()[1]
    assert err.startswith("paperbrief: error: rank needs an interests profile (--interests FILE")
    assert "or at least 2 liked papers" in err
    assert len(err.splitlines()) == 1


def test_liked_ids_found_nowhere_are_fetched_in_one_request(papers):
    fetched = papers[7]
    asked: list[list[str]] = []

    def fetch(ids: list[str]) -> list:
        asked.append(ids)
        return [fetched.model_copy(update={"id": "2306.13455"})]

    profile = Profile(path=Path("i.toml"), papers=[
        LikedPaper(ref="2306.13455", arxiv_id="2306.13455"),
        LikedPaper(ref="2401.99999", arxiv_id="2401.99999"),
        LikedPaper(ref=papers[2].id, arxiv_id=papers[2].id),  # in the listing: not fetched
    ])
    listing = [p for p in papers if p.id != fetched.id]
    ranked, warnings = rank_listing(listing, profile, fetch=fetch)
    assert asked == [["2306.13455", "2401.99999"]]
    assert warnings == ["i.toml: liked paper 2401.99999 is neither in the listing, nor in the "
                        "database, nor on arXiv; it is left out of the profile"]
    assert ranked[0].similarity > 0

    def down(ids: list[str]) -> list:
        raise SourceFetchError("arXiv: HTTP 503")

    _, warnings = rank_listing(listing, profile, fetch=down)
    assert warnings[0] == "i.toml: liked papers not fetched: arXiv: HTTP 503"
