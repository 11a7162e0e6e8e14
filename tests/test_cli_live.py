"""The commands with live source specs, replayed from cassettes of the real HF and arXiv bodies.

The cassettes are written by cassettes/make_live_cassettes.py. Requests match on scheme, host and
port too, so a request sent to the wrong server fails. The HTTP client the CLI builds keeps its
default retries; only its sleep is injected, so retry waits and the courtesy gap are recorded,
never waited.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from paperbrief.cli import main
from paperbrief.http import DEFAULT_ATTEMPTS, HttpClient
from paperbrief.sources import live
from tests.conftest import FIXTURES

TODAY = date(2026, 9, 24)  # the day the arXiv fixtures were recorded (a Thursday)
ATOM = FIXTURES / "arxiv" / "arxiv_api_2026-09-24_cat_cs.CL_max3.xml"
CL_IDS = ["2609.28471", "2609.28449", "2609.28442"]


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
        "decode_compressed_response": True,
    }


class Clients(list):
    """Builds the CLI's HTTP clients with an injected sleep; keeps them and the waits asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []

    def __call__(self) -> HttpClient:
        client = HttpClient(sleep=self.sleeps.append, clock=lambda: 0.0)
        self.append(client)
        return client

    @property
    def requested(self) -> list[str]:
        return [url for client in self for url in client.requested]


@pytest.fixture(autouse=True)
def clients(monkeypatch) -> Clients:
    made = Clients()
    monkeypatch.setattr(live, "HttpClient", made)
    monkeypatch.setattr(live, "utc_today", lambda: TODAY)
    return made


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.vcr
def test_digest_of_a_hf_day(capsys, clients):
    code, out, err = run(capsys, "digest", "hf:2026-03-16", "--offline")
    assert code == 0, err
    assert err == ""
    assert out.startswith("# Paper digest: 2026-03-16\n")  # the Daily Papers day names it
    assert "20 papers, 20 takeaways" in out
    assert "LMEB: Long-horizon Memory Embedding Benchmark" in out  # the day's first paper
    assert clients.requested == [
        "https://huggingface.co/api/daily_papers?date=2026-03-16&limit=100"
    ]
    assert clients.sleeps == []


@pytest.mark.vcr
def test_takeaway_of_arxiv_category_since(capsys, clients):
    code, out, err = run(
        capsys, "takeaway", "--input", "arxiv:cs.CL", "--since", "2026-09-23", "--json", "--offline"
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["paper_id"] for r in rows] == CL_IDS  # versions stripped
    assert all(r["takeaway"] and r["engine"] == "offline" for r in rows)
    (url,) = clients.requested
    assert urlsplit(url).netloc == "export.arxiv.org"
    assert _query(url)["search_query"] == (
        "cat:cs.CL AND submittedDate:[202609230000 TO 202609242359]"
    )


@pytest.mark.vcr
def test_week_without_papers_is_an_empty_digest(capsys, clients, tmp_path):
    # the cron one-liner: a week's digest into a folder, named after the week
    code, out, err = run(capsys, "digest", "hf:2026-W38", "--out", f"{tmp_path}/", "--offline")
    assert code == 0, err
    assert out == "" and err == ""
    digest = (tmp_path / "2026-W38.md").read_text()
    assert digest.startswith("# Paper digest: 2026-W38\n")
    assert "No papers in this period" in digest
    assert "0 papers, 0 takeaways" in digest
    assert [_query(u)["date"] for u in clients.requested] == [f"2026-09-{d}" for d in range(14, 21)]


@pytest.mark.vcr
def test_hf_endpoint_redirects_the_cli(capsys, clients, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.example")
    code, out, err = run(capsys, "digest", "hf:2026-03-16", "--offline")
    assert code == 0, err
    assert "20 papers, 20 takeaways" in out
    assert {urlsplit(u).netloc for u in clients.requested} == {"mirror.example"}


@pytest.mark.vcr
def test_arxiv_api_env_redirects_the_cli(capsys, clients, monkeypatch):
    monkeypatch.setenv("PAPERBRIEF_ARXIV_API", "http://arxiv-mirror.example/api/query")
    code, out, err = run(
        capsys, "takeaway", "--input", "arxiv:cs.CL", "--since", "2026-09-23", "--json", "--offline"
    )
    assert code == 0, err
    assert [json.loads(line)["paper_id"] for line in out.splitlines()] == CL_IDS
    assert [urlsplit(u).netloc for u in clients.requested] == ["arxiv-mirror.example"]


@pytest.mark.vcr
def test_failing_source_is_skipped_with_a_warning(capsys, clients):
    code, out, err = run(capsys, "digest", "hf:2026-03-16", str(ATOM), "--offline")
    assert code == 0, err
    assert len(clients.requested) == DEFAULT_ATTEMPTS  # retried, then given up
    assert clients.sleeps == [2.0] * (DEFAULT_ATTEMPTS - 1)  # the 503's Retry-After, not waited
    (warning,) = err.splitlines()
    assert warning.startswith("paperbrief: source skipped: hf:2026-03-16: could not fetch")
    assert "HTTP 503" in warning
    assert "3 papers, 3 takeaways" in out  # the file's papers
    problems = out.split("Problems:")[1]
    assert "source skipped: hf:2026-03-16" in problems


@pytest.mark.vcr
def test_all_sources_failing_exits_1(capsys, clients):
    code, out, err = run(capsys, "digest", "hf:2026-03-16", "--offline")
    assert code == 1
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("paperbrief: error: no source could be fetched: hf:2026-03-16:")
    assert len(clients.requested) == DEFAULT_ATTEMPTS


@pytest.mark.vcr
def test_arxiv_error_feed_exits_2(capsys, clients):
    code, out, err = run(
        capsys, "takeaway", "--input", "arxiv:search:id:abc", "--since", "2026-09-23", "--offline"
    )
    assert code == 2
    assert out == ""
    assert err == (
        "paperbrief: error: arxiv:search:id:abc: arXiv API rejected the query (HTTP 400): "
        "arXiv API error: incorrect id format for abc\n"
    )
    assert len(clients.requested) == 1  # a 400 is not retried


@pytest.mark.vcr
def test_compare_with_a_live_spec(capsys, clients):
    argv = ["compare", "2603.12572", "Visual-ERM", "--input", "hf:2026-03-16", "--json"]
    code, out, err = run(capsys, *argv, "--offline")
    assert code == 0, err
    comparison = json.loads(out)
    assert (comparison["paper_a"], comparison["paper_b"]) == ("2603.12572", "2603.13224")
    assert comparison["summary"] and comparison["engine"] == "offline"
    assert len(clients.requested) == 1


@pytest.mark.vcr
def test_digest_of_todays_arxiv_announcement(capsys, clients):
    # `--since today` reads today's announcement from the RSS feed, not the export API
    spec = "arxiv:cs.LG+cs.AI+cs.CL+stat.ML"
    code, out, err = run(capsys, "digest", spec, "--since", "today", "--offline")
    assert code == 0, err
    assert err == ""
    assert out.startswith("# Paper digest: 2026-09-24\n")
    assert "3 papers, 3 takeaways" in out  # two new papers and a cross-list, no replacement
    assert "[The Drift Contract" in out and "2009.13987" not in out
    assert clients.requested == ["https://rss.arxiv.org/rss/cs.LG+cs.AI+cs.CL+stat.ML"]


@pytest.mark.vcr
def test_last_week_cron_line_names_the_file_after_the_week(capsys, clients, tmp_path):
    # the README's crontab line: `hf:last-week` and an arXiv category without a window both
    # cover the last complete week, so a Monday run needs no date arithmetic
    argv = ["digest", "hf:last-week", "arxiv:cs.CL", "--out", f"{tmp_path}/", "--offline"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert (out, err) == ("", "")
    assert (tmp_path / "2026-W38.md").read_text().startswith("# Paper digest: 2026-W38\n")
    hf_days = [_query(u)["date"] for u in clients.requested if "daily_papers" in u]
    assert hf_days == [f"2026-09-{d}" for d in range(14, 21)]
    (arxiv,) = [u for u in clients.requested if "arxiv" in u]
    assert "[202609140000 TO 202609202359]" in _query(arxiv)["search_query"]
