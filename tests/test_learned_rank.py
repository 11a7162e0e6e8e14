"""The ranking learned from likes and dislikes, and keyword evidence by centrality (issue 25).

On 2,000 real Daily Papers of 2024; a paper is about video generation when its title says
'video' together with generation/diffusion/synthesis words (its own data, not our ranking).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.relate.interests import Profile
from paperbrief.relate.keyword_evidence import LEAD, PASSING, TITLE, centrality
from paperbrief.relate.learned_rank import FeatureSpace, rank_with_marks
from paperbrief.relate.ranking import _fold, phrase_pattern, rank_listing
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES

FEED = FIXTURES / "hf-2024-papers-2000.jsonl"
VIDEO_LIKES = ["2406.04277", "2406.05338", "2406.07792"]  # VideoTetris, MotionClone, HPDM
# the arXiv ids of video papers that are about understanding video, not generating it
VIDEO_GEN = re.compile(r"video|animat", re.IGNORECASE)


@pytest.fixture(scope="module")
def papers():
    return read_file(FEED).papers


@pytest.fixture(scope="module")
def space(papers):
    return FeatureSpace.fit(papers)


def unmarked_top(ranked, marked, k=10):
    return [r for r in ranked if r.paper.id not in marked][:k]


def test_three_liked_papers_bring_their_subject_to_the_top(papers, space) -> None:
    likes = [p for p in papers if p.id in VIDEO_LIKES]
    ranked = rank_with_marks(papers, likes, space=space[0], vectors=space[1])
    top = unmarked_top(ranked, set(VIDEO_LIKES))
    about = [r for r in top if VIDEO_GEN.search(r.paper.title)]
    # 71 of the 2,000 titles say video generation: at random, 0.35 of a top 10
    assert len(about) >= 8, [r.paper.title for r in top]
    assert all(r.reasons[0].startswith("like 24") and "-style" in r.reasons[0] for r in top)
    assert ranked[0].paper.id in VIDEO_LIKES and ranked[0].reasons == ["liked"]


def test_a_classifier_that_does_not_learn_fails(papers, space, monkeypatch) -> None:
    """The quality above comes from the trained classifier: with its labels shuffled (a broken
    classifier) the same likes no longer bring video papers up."""
    import paperbrief.relate.learned_rank as lr

    real_train = lr.train

    def broken(positives, negatives, c=lr.C, weights=None):  # labels swapped
        return real_train(negatives[: positives.shape[0]], positives, c)

    monkeypatch.setattr(lr, "train", broken)
    likes = [p for p in papers if p.id in VIDEO_LIKES]
    ranked = rank_with_marks(papers, likes, space=space[0], vectors=space[1])
    top = unmarked_top(ranked, set(VIDEO_LIKES))
    assert sum(bool(VIDEO_GEN.search(r.paper.title)) for r in top) <= 3


def test_dislikes_push_their_kind_down(papers, space) -> None:
    likes = [p for p in papers if p.id in VIDEO_LIKES]
    ranked = rank_with_marks(papers, likes, space=space[0], vectors=space[1])
    shown = unmarked_top(ranked, set(VIDEO_LIKES))
    # the reader dislikes the text-to-video ones among the first ten (motion control is wanted)
    kind = re.compile(r"text-to-video|t2v", re.IGNORECASE)
    disliked = [r.paper for r in shown if kind.search(r.paper.title)]
    assert len(disliked) >= 3, [r.paper.title for r in shown]
    marked = set(VIDEO_LIKES) | {p.id for p in disliked}
    again = rank_with_marks(papers, likes, disliked, space=space[0], vectors=space[1])
    before = sum(bool(kind.search(r.paper.title)) for r in unmarked_top(ranked, marked, 20))
    after = sum(bool(kind.search(r.paper.title)) for r in unmarked_top(again, marked, 20))
    assert after < before
    assert again[-1].paper.id in {p.id for p in disliked} and again[-1].excluded
    assert again[-1].reasons == ["disliked"]


def test_keywords_blend_with_the_likes(papers, space) -> None:
    likes = [p for p in papers if p.id in VIDEO_LIKES]
    profile = Profile(path=Path("p.toml"), keywords=["camera control"])
    ranked = rank_with_marks(papers, likes, profile=profile, space=space[0], vectors=space[1])
    top = unmarked_top(ranked, set(VIDEO_LIKES), 5)
    assert all("matches: camera control" in r.reasons for r in top)
    assert sum(bool(VIDEO_GEN.search(r.paper.title)) for r in top) >= 4


def test_a_passing_mention_is_not_the_subject(papers) -> None:
    pat = phrase_pattern("speculative decoding")
    proofread = next(p for p in papers if p.id == "2406.04523")  # mentions it once, as serving
    magicdec = next(p for p in papers if p.id == "2408.11049")  # about it (in its title)
    assert centrality(pat, _fold(proofread.title), _fold(proofread.abstract)) == PASSING
    assert centrality(pat, _fold(magicdec.title), _fold(magicdec.abstract)) == TITLE
    lead_only = "we study speculative decoding for llms. it is fast."
    assert centrality(pat, "a title", lead_only) == LEAD
    profile = Profile(path=Path("p.toml"), keywords=["speculative decoding"])
    ranked, _ = rank_listing(papers, profile)
    ids = [r.paper.id for r in ranked]
    titled = [r.paper.id for r in ranked if pat.search(_fold(r.paper.title))]
    assert len(titled) == 5 and max(ids.index(t) for t in titled) < ids.index(proofread.id)


def test_rank_command_learns_from_marks_without_a_profile(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no interests profile anywhere
    db = str(tmp_path / "r.db")
    assert main(["like", *VIDEO_LIKES, "-i", str(FEED), "--db", db]) == 0
    capsys.readouterr()
    assert main(["rank", "-i", str(FEED), "--db", db, "--json"]) == 0
    import json

    rows = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    assert len(rows) == 2000 and {r["id"] for r in rows[:3]} == set(VIDEO_LIKES)
    top = rows[3:13]
    assert sum(bool(VIDEO_GEN.search(r["title"])) for r in top) >= 8
    # another reader has no likes: no profile, so a usage error
    assert main(["rank", "-i", str(FEED), "--db", db, "--reader", "bo"]) == 2


def test_with_an_api_key_the_marks_train_on_embeddings(tmp_path, server, monkeypatch,
                                                        capsys) -> None:
    import json

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    listing = tmp_path / "listing.jsonl"
    listing.write_text("\n".join(FEED.read_text(encoding="utf-8").splitlines()[:60]) + "\n")
    papers = read_file(listing).papers
    db = str(tmp_path / "e.db")
    assert main(["like", papers[0].id, papers[1].id, "-i", str(listing), "--db", db]) == 0
    capsys.readouterr()
    argv = ["rank", "-i", str(listing), "--db", db, "--json"]
    assert main([*argv, "--offline"]) == 0
    offline = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert main(argv) == 0
    embedded = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    # the 60 papers (the liked two among them) in one request of the reference server
    assert [len(r["input"]) for r in server.embedding_requests] == [60]
    assert {r["id"] for r in embedded[:2]} == {papers[0].id, papers[1].id}
    assert embedded[2]["reasons"][0].startswith("like ")
    assert [r["id"] for r in embedded] != [r["id"] for r in offline]  # other features
    with Store(db) as store:
        (latest,) = store.recent_runs(1)
        assert latest.command == "rank" and latest.calls == 1


def test_the_digest_ranks_by_the_marks(tmp_path, capsys) -> None:
    import json

    day = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
    db = str(tmp_path / "d.db")
    agents = ["2603.13023", "2603.12634"]  # daVinci-Env, budget-aware search for LLM agents
    assert main(["like", *agents, "-i", str(day), "--db", db]) == 0
    assert main(["dislike", "2603.13032", "--db", db]) == 0  # Multimodal OCR
    capsys.readouterr()
    assert main(["digest", str(day), "--offline", "--json", "--top", "5", "--db", db]) == 0
    digest = json.loads(capsys.readouterr()[0])
    assert digest["ranked_by"] == "interests"
    ranking = digest["ranking"]
    assert {r["paper_id"] for r in ranking[:2]} == set(agents)
    assert ranking[2]["reasons"][0].startswith("like 2603.")
    assert ranking[-1]["paper_id"] == "2603.13032" and ranking[-1]["excluded"]
    assert "2603.13032" not in digest["detailed"]


def test_a_profiles_own_liked_papers_join_the_marks(tmp_path, capsys) -> None:
    import json

    db = str(tmp_path / "p.db")
    assert main(["like", *VIDEO_LIKES[:2], "-i", str(FEED), "--db", db]) == 0
    profile = tmp_path / "interests.toml"
    profile.write_text(f'keywords = ["camera control"]\npapers = ["{VIDEO_LIKES[2]}"]\n')
    capsys.readouterr()
    assert main(["rank", "-i", str(FEED), "--db", db, "--interests", str(profile),
                 "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    assert {r["id"] for r in rows[:3]} == set(VIDEO_LIKES)  # the profile's paper is liked too
    assert all(r["reasons"][0] == "liked" for r in rows[:3])
    assert "matches: camera control" in rows[3]["reasons"]
