"""The ranking from marks without scikit-learn (issue 25): its TF-IDF and its logistic regression
equal scikit-learn's on real papers, and each paper's analysed words are cached in a real store
by content, so a paper whose text changed is analysed again.

scikit-learn is imported here only as the reference the two are compared with.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest

from paperbrief.cli import main
from paperbrief.models import Paper
from paperbrief.relate import term_vectors
from paperbrief.relate.learned_rank import FeatureSpace, rank_with_marks
from paperbrief.relate.logistic import fit_logistic
from paperbrief.relate.term_vectors import ANALYZER, TermVectors, counts_of, paper_words
from paperbrief.relate.terms import analyze, paper_text
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES

FEED = FIXTURES / "hf-2024-papers-2000.jsonl"
VIDEO_LIKES = ["2406.04277", "2406.05338", "2406.07792"]  # VideoTetris, MotionClone, HPDM


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return read_file(FEED).papers[:600]


@pytest.fixture(scope="module")
def fitted(papers):
    return TermVectors.fit(counts_of(papers))


def test_the_tfidf_is_scikit_learns(papers, fitted) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    def words_and_pairs(text: str) -> list[str]:
        words = analyze(text)
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]

    reference = TfidfVectorizer(analyzer=words_and_pairs, sublinear_tf=True, min_df=2,
                                norm="l2", dtype=np.float64)
    expected = reference.fit_transform([paper_text(p) for p in papers])
    space, matrix = fitted
    assert space.names == list(reference.get_feature_names_out())
    assert matrix.shape == expected.shape and matrix.shape[1] > 5000
    assert abs(matrix - expected).max() < 1e-12
    # a paper placed in the space afterwards gets the row it has in the listing
    again = space.transform(counts_of(papers[10:12]))
    assert abs(again - matrix[10:12]).max() < 1e-12
    assert abs(space.transform([{"no such term": 3}])).sum() == 0


def test_no_term_in_two_papers_is_an_empty_space() -> None:
    papers = [Paper(id="a", title="Quantum", abstract="Entanglement.", source="t"),
              Paper(id="b", title="Volcano", abstract="Basalt.", source="t")]
    space, matrix = TermVectors.fit(counts_of(papers))
    assert space is None and matrix.shape == (2, 0)
    ranked = rank_with_marks(papers, papers[:1])  # still a ranking, with nothing learned
    assert [r.paper.id for r in ranked] == ["a", "b"]


@pytest.mark.parametrize("dense", [False, True])
def test_the_logistic_regression_is_liblinears(papers, fitted, dense) -> None:
    """Same objective as LogisticRegression(solver='liblinear', class_weight='balanced') with
    sample weights: the scores agree with a tightly converged liblinear to 1e-6."""
    from sklearn.linear_model import LogisticRegression

    _, matrix = fitted
    rng = random.Random(25)
    rows = rng.sample(range(matrix.shape[0]), 3 + 120)
    x = matrix[rows]
    if dense:  # as embeddings come: dense rows
        x = x[:, :400].toarray()
    y = np.r_[np.ones(3), np.zeros(120)]
    weights = np.r_[np.ones(3), np.full(5, 10.0), np.ones(115)]  # 5 dislikes weigh 10
    mine = fit_logistic(x, y, 0.1, weights)
    reference = LogisticRegression(C=0.1, class_weight="balanced", solver="liblinear", dual=True,
                                   tol=1e-12, max_iter=100_000).fit(x, y, sample_weight=weights)
    everyone = matrix if not dense else matrix[:, :400].toarray()
    got, want = mine.decision_function(everyone), reference.decision_function(everyone)
    assert np.abs(got - want).max() < 1e-6 * max(1.0, float(np.abs(want).max()))
    assert np.argsort(-got)[:20].tolist() == np.argsort(-want)[:20].tolist()
    assert mine.n_iter_ < 30
    # the C matters: a weaker penalty gives other scores (the comparison above is not vacuous)
    assert np.abs(fit_logistic(x, y, 10.0, weights).decision_function(everyone) - got).max() > 0.1


def test_analysed_words_are_cached_by_content(tmp_path, papers, monkeypatch) -> None:
    listing = papers[:40]
    analysed: list[str] = []
    real = term_vectors.paper_words

    def counting(paper: Paper) -> list[str]:
        analysed.append(paper.id)
        return real(paper)

    monkeypatch.setattr(term_vectors, "paper_words", counting)
    with Store(tmp_path / "w.db") as store:
        first = counts_of(listing, store)
        assert len(analysed) == 40
        cached = store.get_paper_words([p.content_hash for p in listing], ANALYZER)
        assert cached[listing[0].content_hash] == real(listing[0])
        analysed.clear()
        assert counts_of(listing, store) == first and analysed == []  # read, not analysed
        # a new abstract under the same id: analysed again, and counted from the new text
        changed = listing[3].model_copy(update={"abstract": "Volcanic basalt flows cool."})
        again = counts_of([*listing[:3], changed, *listing[4:]], store)
        assert analysed == [changed.id]
        assert again[3] == term_vectors.term_counts(real(changed)) != first[3]
        assert again[3]["basalt"] == 1 and "basalt flow" in again[3]
        # another analysis (a new ANALYZER) never reads these words
        assert store.get_paper_words([listing[0].content_hash], "other/1") == {}


def test_a_cached_ranking_is_the_fresh_one(tmp_path, papers) -> None:
    likes = [p for p in read_file(FEED).papers if p.id in VIDEO_LIKES]
    listing = [*papers, *(p for p in likes if p not in papers)]
    assert len({p.id for p in listing}) == len(listing)
    fresh = rank_with_marks(listing, likes)
    with Store(tmp_path / "c.db") as store:
        rank_with_marks(listing, likes, cache=store)
        cached = rank_with_marks(listing, likes, cache=store)
    assert [(r.paper.id, r.score, r.reasons) for r in cached] == \
        [(r.paper.id, r.score, r.reasons) for r in fresh]
    top = [r for r in cached if r.paper.id not in VIDEO_LIKES][0]
    assert top.reasons[0].startswith("like 2406.") and ":" in top.reasons[0]  # and the words
    space, _ = FeatureSpace.fit(listing)
    assert space.vectors is not None and "video" in space.vectors.vocabulary


def test_rank_after_an_abstract_changed_ranks_the_new_text(tmp_path, capsys) -> None:
    """The command: the second `rank` reads the analysed words from the store; after a paper's
    abstract changes in the listing, its row comes from the new text (the output equals that
    of a fresh store), and ranking from marks never imported scikit-learn."""
    lines = FEED.read_text(encoding="utf-8").splitlines()[:300]
    ids = [json.loads(line)["id"] for line in lines]
    likes = [i for i in VIDEO_LIKES if i in ids] or ids[:2]
    listing = tmp_path / "week.jsonl"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db, fresh_db = str(tmp_path / "r.db"), str(tmp_path / "fresh.db")
    for d in (db, fresh_db):
        assert main(["like", *likes, "-i", str(listing), "--db", d]) == 0
    capsys.readouterr()

    assert main(["rank", "-i", str(listing), "--db", db, "--json"]) == 0
    first = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    with Store(db) as store:
        (count,) = store._read("SELECT COUNT(*) FROM paper_words")[0]
    assert count == 300
    # paper 50 now reads like the liked video papers: it must rise to the top
    record = json.loads(lines[50])
    record["abstract"] = ("We present a video diffusion model for text-to-video generation "
                          "with motion control and camera control of generated videos.")
    lines[50] = json.dumps(record)
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for d in (db, fresh_db):
        assert main(["rank", "-i", str(listing), "--db", d, "--json"]) == 0
        outputs.append([json.loads(line) for line in capsys.readouterr()[0].splitlines()])
    cached, fresh = outputs
    assert cached == fresh
    position = {r["id"]: i for i, r in enumerate(cached)}
    before = {r["id"]: i for i, r in enumerate(first)}
    assert position[record["id"]] < before[record["id"]] and position[record["id"]] < 20
    code = ("import sys; from paperbrief.cli import main; "
            f"main(['rank', '-i', {str(listing)!r}, '--db', {db!r}]); "
            "sys.stderr.write('sklearn' + str('sklearn' in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "HOME": str(tmp_path)})
    assert done.stderr.endswith("sklearnFalse"), done.stderr[-500:]


def test_paper_words_are_the_analysis_of_its_text(papers) -> None:
    paper = papers[0]
    assert paper_words(paper) == analyze(paper_text(paper))
    counts = term_vectors.term_counts(["video", "gener", "video", "gener"])
    assert counts == {"video": 2, "gener": 2, "video gener": 2, "gener video": 1}


def test_the_analysis_is_the_stemmed_content_tokens(papers, monkeypatch) -> None:
    """analyze (a dict of the tokens seen so far) gives the stems of text.tokens, also across a
    restart of its dict; tokens strips web addresses whether or not a text has one."""
    from paperbrief.relate import terms
    from paperbrief.text import STOPWORDS, stem, tokens

    texts = [paper_text(p) for p in papers[:200]]
    texts.append("Code: HTTPS://GitHub.com/Org/Repo-X and www.Example.org/page; no http here")
    assert tokens(texts[-1]) == ["code", "and", "no", "http", "here"]
    monkeypatch.setattr(terms, "MAX_TERMS", 500)  # the dict starts again many times
    monkeypatch.setattr(terms, "_TERMS", {})
    for text in texts:
        want = [stem(t) for t in tokens(text) if len(t) > 1 and t not in STOPWORDS]
        assert analyze(text) == want
    assert 0 < len(terms._TERMS) <= 500 + 400
