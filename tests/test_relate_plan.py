"""Relatedness once per digest (issue 27, item 4: relate.plan): real runs of `paperbrief digest`,
`compare` and a lab run, with the fitting functions wrapped to count their calls (each call goes
through to the real function). TF-IDF is fitted once, the learned ranking's features once,
embeddings asked for once, whatever reads them: ranking, pairs, topics, another reader."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.relate import relatedness
from paperbrief.relate.learned_rank import FeatureSpace
from paperbrief.relate.relatedness import TermSpace
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES
from tests.lab_support import listing, write_config

PAGE = FIXTURES / "hf-daily-papers-page.txt"  # 54 papers
LIKED = ("ThreadWeaver", "Hogwild! Inference", "An LLM Compiler for Parallel Function Calling")


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls of the fitting functions, counted on their way to the real ones."""
    counts: Counter[str] = Counter()

    def counted(name: str, func: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            counts[name] += 1
            return func(*args, **kwargs)

        return call

    monkeypatch.setattr(TermSpace, "fit", classmethod(counted("tf-idf", TermSpace.fit.__func__)))
    monkeypatch.setattr(FeatureSpace, "fit",
                        classmethod(counted("features", FeatureSpace.fit.__func__)))
    monkeypatch.setattr(relatedness, "relate", counted("relate", relatedness.relate))
    return counts


def _profile(tmp_path: Path) -> Path:
    path = tmp_path / "interests.toml"
    path.write_text('description = "Cheaper LLM inference: parallel decoding, KV cache."\n'
                    'keywords = ["KV cache", "parallel"]\n'
                    'papers = ["Sharing State Between Prompts and Programs"]\n', encoding="utf-8")
    return path


def _like(db: Path, reader: str = "default", titles: tuple[str, ...] = LIKED) -> None:
    papers = read_file(PAGE).papers
    ids = [next(p.id for p in papers if p.title.startswith(t)) for t in titles]
    with Store(db) as store:
        store.save_papers(papers)
        store.set_marks(reader, ids, "like")


def _digest(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main(["digest", str(PAGE), "--json", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("profile", [False, True], ids=["no-profile", "profile"])
@pytest.mark.parametrize("marks", [False, True], ids=["no-marks", "marks"])
def test_an_offline_digest_fits_each_space_once(tmp_path, capsys, fits, profile, marks):
    db = tmp_path / "pb.db"
    if marks:
        _like(db)
    argv = ["--offline", "--db", str(db)] + (["--interests", str(_profile(tmp_path))]
                                            if profile else [])
    digest = _digest(capsys, *argv)
    assert digest["ranked_by"] == ("interests" if profile or marks else "upvotes")
    assert digest["topics"] and digest["compared_with"]  # pairs and topics were read
    assert fits == Counter({"tf-idf": 1, "relate": 1} | ({"features": 1} if marks else {}))


def test_embeddings_are_asked_for_once(tmp_path, capsys, llm_env, server, fits):
    digest = _digest(capsys, "--db", str(tmp_path / "pb.db"), "--interests",
                     str(_profile(tmp_path)), "--top", "5")
    assert digest["ranked_by"] == "interests"
    # the papers and the profile's texts in one request; ranking, pairs and topics read its rows
    assert len(server.embedding_requests) == 1
    assert fits == Counter({"tf-idf": 1, "relate": 1})  # the space topic names are read from


def test_embeddings_unavailable_tf_idf_is_fitted_once(tmp_path, capsys, llm_env, server, fits):
    """The fallback: ranking against the profile and the pairs share one TF-IDF space (it was
    fitted for the ranking and again for the pairs)."""
    server.add_embedding_faults("404")
    digest = _digest(capsys, "--db", str(tmp_path / "pb.db"), "--interests",
                     str(_profile(tmp_path)), "--top", "5")
    assert digest["ranked_by"] == "interests"
    assert len(server.embedding_requests) == 1  # not asked again when ranking
    assert fits == Counter({"tf-idf": 1, "relate": 1})


def test_compare_with_one_paper_fits_once(tmp_path, capsys, fits):
    code = main(["compare", "ThreadWeaver", "--input", str(PAGE), "--offline", "--json",
                 "--db", str(tmp_path / "pb.db")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["picked"]["paper"]
    assert fits == Counter({"tf-idf": 1, "relate": 1})


def test_a_lab_run_fits_once_for_every_reader(tmp_path, capsys, fits):
    """Three readers, two of them ranked by their marks: one relatedness, one set of features."""
    source = listing(tmp_path, 120)
    papers = read_file(source).papers
    db = tmp_path / "lab.db"
    with Store(db) as store:
        store.save_papers(papers)
        diffusion = [p.id for p in papers if "diffusion" in p.title.lower()]
        assert len(diffusion) >= 4
        store.set_marks("ben", diffusion[:3], "like")
        store.set_marks("cal", diffusion[1:4], "like")
    config = write_config(tmp_path, source, {name: f'out = "{name}.md"\n'
                                             for name in ("ana", "ben", "cal")}, top=5)
    code = main(["digest", "--config", str(config), "--offline", "--db", str(db)])
    assert code == 0, capsys.readouterr().err
    assert "-style" in (tmp_path / "ben.md").read_text()  # ranked by the marks
    assert "-style" in (tmp_path / "cal.md").read_text()
    assert fits == Counter({"tf-idf": 1, "relate": 1, "features": 1})
