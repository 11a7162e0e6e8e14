"""`digest --config lab.toml`: several readers in one run, each takeaway and comparison paid once.

Against the reference LLM server: the lab run's chat calls are exactly the union of what five
one-reader runs (same listing, same profiles) pay for, fewer than their sum.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from paperbrief.cli import main
from tests.lab_support import PROFILES, listing, profile, write_config


def _calls(db) -> list[tuple[str, str]]:
    """The chat calls a run logged (embeddings calls are batched differently)."""
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT kind, subject FROM calls WHERE kind != 'embedding'"))


def test_five_readers_pay_the_union_once(llm_env, server, tmp_path, capsys):
    source = listing(tmp_path, 1000)
    # one-reader runs, one after the other, sharing a cache: what the readers' digests pay for
    wanted_t: list[set[str]] = []
    wanted_c: list[set[str]] = []
    for name in PROFILES:
        code = main(["digest", str(source), "--interests", str(profile(tmp_path, name)),
                     "--top", "10", "--json", "--db", str(tmp_path / "single.db")])
        assert code == 0
        digest = json.loads(capsys.readouterr().out)
        wanted_t.append(set(digest["detailed"]))
        wanted_c.append({f"{c['paper_a']}|{c['paper_b']}" for c in digest["comparisons"]})
    union = {("takeaway", t) for s in wanted_t for t in s} | {
        ("comparison", c) for s in wanted_c for c in s}
    total = sum(len(s) for s in wanted_t) + sum(len(s) for s in wanted_c)
    assert len(union) < total  # the readers share papers: the union is smaller than the sum
    singles = len(server.requests)
    assert {tuple(c) for c in _calls(tmp_path / "single.db")} == union

    config = write_config(tmp_path, source, {name: f'out = "out/{name}/"' for name in PROFILES})
    code = main(["digest", "--config", str(config), "--db", str(tmp_path / "lab.db")])
    assert code == 0, capsys.readouterr().err
    # counted at the server: as many requests as the cached one-reader runs made together
    assert len(server.requests) - singles == singles
    assert _calls(tmp_path / "lab.db") == _calls(tmp_path / "single.db")
    by_id = {json.loads(line)["id"]: json.loads(line)["title"]
             for line in source.read_text().splitlines()}
    for name, detailed in zip(PROFILES, wanted_t, strict=True):
        (written,) = (tmp_path / "out" / name).iterdir()
        text = written.read_text(encoding="utf-8")
        for pid in detailed:
            assert by_id[pid][:40] in text, (name, pid)  # the reader's own picks

    # a rerun pays nothing
    code = main(["digest", "--config", str(config), "--db", str(tmp_path / "lab.db")])
    assert code == 0
    assert len(server.requests) == 2 * singles


def test_config_mistakes_are_one_line_exit_2(tmp_path, capsys):
    source = listing(tmp_path, 5)
    config = write_config(tmp_path, source, {"ana": 'colour = "blue"'})
    assert main(["digest", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "unknown key(s) colour" in err and err.count("\n") == 1
    assert main(["digest", "--config", str(tmp_path / "none.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
    config.write_text("sources = [\n", encoding="utf-8")
    assert main(["digest", "--config", str(config)]) == 2
    assert "not valid TOML" in capsys.readouterr().err
    config = write_config(tmp_path, source, {"ana": 'slack = { url_env = "X" }'})
    assert main(["digest", "--config", str(config), str(source)]) == 2
    assert "give no SOURCE" in capsys.readouterr().err
    config = write_config(tmp_path, source, {"ana": 'telegram = { token_env = "T" }'})
    assert main(["digest", "--config", str(config)]) == 2
    assert "needs chat_id" in capsys.readouterr().err
    config = write_config(tmp_path, source, {"ana": ""})
    assert main(["digest", "--config", str(config)]) == 2
    assert "reader 'ana': no destination" in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["interests", "sources"])
def test_missing_parts_are_named(tmp_path, capsys, missing):
    source = listing(tmp_path, 5)
    config = write_config(tmp_path, source, {"ana": 'out = "ana.md"'})
    text = config.read_text()
    if missing == "interests":
        (tmp_path / "ana.toml").unlink()
    else:
        config.write_text(text.replace(f'sources = ["{source.name}"]', ""))
    assert main(["digest", "--config", str(config)]) == 2
    assert missing in capsys.readouterr().err


def test_a_readers_marks_teach_their_ranking_in_a_lab_run(tmp_path, capsys):
    """A reader's likes (issue 25, `paperbrief like ID --reader NAME`) rank their digest in a lab
    run as in a one-reader run; the other readers are not affected."""
    from paperbrief.sources import read_file
    from paperbrief.store.core import Store

    source = listing(tmp_path, 120)
    papers = read_file(source).papers
    liked = [p for p in papers if "diffusion" in p.title.lower()][:3]
    assert len(liked) == 3
    db = tmp_path / "lab.db"
    with Store(db) as store:
        store.save_papers(papers)
        store.set_marks("ben", [p.id for p in liked], "like")
    config = write_config(tmp_path, source, {
        "ana": 'out = "ana.md"\n', "ben": 'out = "ben.md"\n'}, top=5)
    assert main(["digest", "--config", str(config), "--offline", "--db", str(db)]) == 0, \
        capsys.readouterr().err
    ben, ana = (tmp_path / "ben.md").read_text(), (tmp_path / "ana.md").read_text()
    assert "-style" in ben  # reasons name the liked paper the pick resembles
    assert "-style" not in ana


def test_a_like_arxiv_cannot_give_is_asked_for_once_per_run(llm_env, tmp_path, capsys,
                                                             monkeypatch):
    # two readers like the same paper that is nowhere (not in the listing, not in the store),
    # with embeddings on (the readers' profile texts are resolved, then each reader's plan):
    # one request to arXiv for the whole run, and each reader is still told of the failure
    from tests.test_http import _Server

    arxiv = _Server()
    arxiv.script = [(404, {"Content-Type": "text/plain"}, b"Not Found")] * 10
    monkeypatch.setenv("PAPERBRIEF_ARXIV_API", arxiv.url + "/api/query")
    try:
        source = listing(tmp_path, 60)
        config = write_config(tmp_path, source, {n: f'out = "out/{n}/"' for n in ("ana", "ben")})
        for name in ("ana", "ben"):
            path = tmp_path / f"{name}.toml"
            path.write_text(path.read_text() + 'papers = ["2401.99999"]\n', encoding="utf-8")
        code = main(["digest", "--config", str(config), "--db", str(tmp_path / "lab.db")])
    finally:
        arxiv.close()
    err = capsys.readouterr().err
    assert code == 0, err
    assert len(arxiv.seen) == 1 and "2401.99999" in arxiv.seen[0]["path"]
    for name in ("ana", "ben"):  # each reader's digest still says what could not be fetched
        (written,) = (tmp_path / "out" / name).iterdir()
        assert f"{name}.toml: liked papers not fetched" in written.read_text(encoding="utf-8")
