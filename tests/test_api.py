"""The Python API (issue 27, item 5): `paperbrief.digest`, `render`, `compare`, `load`, `rank`
against the offline engine and the reference LLM server, the same results as the CLI's, and
docs/python-api.md's ```python``` blocks run (```python llm``` ones with the reference server as
OPENAI_BASE_URL), the way tests/test_docs.py runs ```sh runnable``` blocks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import paperbrief
from paperbrief.cli import main
from paperbrief.errors import InputError, LockBusy, PaperbriefError, UsageError
from paperbrief.models import Comparison, Digest, Paper
from paperbrief_refserver.server import RefServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daily-papers-2026-03-05.txt"
PROFILE = ROOT / "examples" / "lab" / "ana.toml"
DOC = ROOT / "docs" / "python-api.md"
FENCE = re.compile(r"^```(python[^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


@pytest.fixture(autouse=True)
def _no_key(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PAPERBRIEF_INTERESTS", "PAPERBRIEF_READER",
                 "PAPERBRIEF_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _cli(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_public_names_are_few_and_documented():
    assert set(paperbrief.__all__) == {"Comparison", "Digest", "Paper", "__version__", "compare",
                                       "digest", "load", "rank", "render"}
    for name in paperbrief.__all__:
        value = getattr(paperbrief, name)
        if callable(value):
            assert value.__doc__, name
            assert f"paperbrief.{name}" in DOC.read_text("utf-8"), name
    assert paperbrief.Digest is Digest and paperbrief.Paper is Paper
    with pytest.raises(AttributeError):
        paperbrief.no_such_name  # noqa: B018


def test_load_reads_sources_inside_a_window():
    papers = paperbrief.load(EXAMPLE)
    assert len(papers) == 54 and all(isinstance(p, Paper) for p in papers)
    recent = paperbrief.load([str(EXAMPLE)], since=date(2025, 1, 1), until="2026-03-31")
    dated = [p for p in recent if p.published is not None]  # undated papers stay in any window
    assert dated and len(recent) < len(papers)
    assert all(date(2025, 1, 1) <= p.published <= date(2026, 3, 31) for p in dated)


def test_digest_is_the_cli_digest(tmp_path, capsys):
    digest = paperbrief.digest(EXAMPLE, top=10, engine="offline", db=tmp_path / "api.db")
    assert isinstance(digest, Digest)
    assert len(digest.papers) == 54 and len(digest.detailed or []) == 10
    cli_json = _cli(capsys, "digest", str(EXAMPLE), "--top", "10", "--offline", "--json",
                    "--db", str(tmp_path / "cli.db"))
    assert paperbrief.render(digest, "json") == cli_json
    cli_md = _cli(capsys, "digest", str(EXAMPLE), "--top", "10", "--offline",
                  "--db", str(tmp_path / "cli.db"))
    assert paperbrief.render(digest, "markdown", top=10) == cli_md
    cli_html = _cli(capsys, "digest", str(EXAMPLE), "--top", "10", "--offline", "--format",
                    "html", "--db", str(tmp_path / "cli.db"))
    assert paperbrief.render(digest, "html", top=10) == cli_html
    text = paperbrief.render(digest, "text", top=10)
    assert digest.papers[0].display_title[:40] in text and "<" not in text.split("\n")[0]


def test_digest_takes_papers_and_records_its_run(tmp_path, capsys):
    papers = paperbrief.load(EXAMPLE)[:12]
    digest = paperbrief.digest(papers, top=3, engine="offline", db=tmp_path / "a.db")
    assert [p.id for p in digest.papers] == [p.id for p in papers]
    runs = _cli(capsys, "runs", "--db", str(tmp_path / "a.db"), "--json")
    (run,) = [json.loads(line) for line in runs.splitlines()]
    assert run["command"] == "digest" and run["status"] == "ok"


def test_a_profile_ranks_the_digest(tmp_path):
    digest = paperbrief.digest(EXAMPLE, top=5, engine="offline", interests=PROFILE,
                               db=tmp_path / "a.db")
    assert digest.ranked_by == "interests"
    ranked = paperbrief.rank(EXAMPLE, interests=PROFILE, db=tmp_path / "a.db")
    assert digest.detailed == [r.paper.id for r in ranked[:5] if not r.excluded][:5]
    assert ranked[0].score >= ranked[-1].score


def test_compare_is_the_cli_compare(tmp_path, capsys):
    comparison = paperbrief.compare("ParEVO", "Sharing State Between", source=EXAMPLE,
                                    engine="offline", db=tmp_path / "a.db")
    assert isinstance(comparison, Comparison) and comparison.engine == "offline"
    out = _cli(capsys, "compare", "ParEVO", "Sharing State Between", "--input", str(EXAMPLE),
               "--offline", "--json", "--db", str(tmp_path / "b.db"))
    from_cli = json.loads(out)
    from_cli.pop("usage")
    assert comparison.model_dump(mode="json") == from_cli


def test_compare_with_the_most_related_paper(tmp_path):
    papers = paperbrief.load(EXAMPLE)
    parevo = next(p for p in papers if p.title.startswith("ParEVO"))
    comparison = paperbrief.compare(parevo, source=papers, engine="offline",
                                    db=tmp_path / "a.db")
    assert comparison.paper_a == parevo.id
    assert comparison.paper_b.startswith("a-hierarchical-and-evolvable-benchmark")


def test_digest_with_the_llm_engine_of_the_reference_server(tmp_path, monkeypatch):
    with RefServer() as ref:
        monkeypatch.setenv("OPENAI_BASE_URL", ref.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        papers = paperbrief.load(EXAMPLE)[:8]
        digest = paperbrief.digest(papers, top=3, engine="llm", db=tmp_path / "a.db",
                                   embedding_model="none")
        again = paperbrief.digest(papers, top=3, engine="llm", db=tmp_path / "a.db",
                                  embedding_model="none")
        comparison = paperbrief.compare(papers[0], papers[1], engine="llm",
                                        db=tmp_path / "a.db")
    assert digest.stats.engine != "offline" and digest.stats.usage.calls > 0
    assert again.stats.usage.calls == 0  # the store's cache: a second run costs nothing
    assert again.takeaways == digest.takeaways
    assert comparison.engine != "offline" and comparison.paper_a == papers[0].id


def test_bad_input_raises_the_cli_errors(tmp_path):
    with pytest.raises(InputError) as missing:
        paperbrief.load(tmp_path / "missing.txt")
    assert missing.value.exit_code == 2
    with pytest.raises(UsageError, match="OPENAI_API_KEY"):
        paperbrief.digest(EXAMPLE, engine="llm", db=tmp_path / "a.db")
    with pytest.raises(UsageError, match="needs a source"):
        paperbrief.compare("ParEVO", db=tmp_path / "a.db", engine="offline")
    with pytest.raises(UsageError, match="interests profile"):
        paperbrief.rank(EXAMPLE)
    with pytest.raises(ValueError, match="format"):
        paperbrief.render(paperbrief.digest(paperbrief.load(EXAMPLE)[:3], engine="offline",
                                            db=tmp_path / "a.db"), "pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="engine"):
        paperbrief.digest(EXAMPLE, engine="gpt", db=tmp_path / "a.db")  # type: ignore[arg-type]
    assert issubclass(LockBusy, PaperbriefError)


def _blocks() -> list[tuple[str, str, str]]:
    text = DOC.read_text("utf-8")
    return [(f"python-api.md:{text[: m.start()].count(chr(10)) + 1}", m.group(1), m.group(2))
            for m in FENCE.finditer(text)]


BLOCKS = _blocks()


def test_the_page_has_examples_and_is_linked():
    assert len(BLOCKS) >= 4 and any("llm" in info for _, info, _ in BLOCKS)
    assert "(python-api.md)" in (ROOT / "docs" / "index.md").read_text("utf-8")


@pytest.mark.parametrize("where, info, code", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_python_example(where, info, code, tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {"HOME": str(tmp_path / "home"), "PAPERBRIEF_DB": str(tmp_path / "paperbrief.db")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)

    if "llm" in info:
        with RefServer() as ref:
            env |= {"OPENAI_BASE_URL": ref.base_url, "OPENAI_API_KEY": "sk-test"}
            done = run()
    else:
        done = run()
    assert done.returncode == 0, f"{where}: {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr and done.stdout.strip(), where
