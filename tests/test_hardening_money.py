"""Issue 28 items 2 and 3: prices are finite and >= 0 when read, and a server's absurd usage
is clamped, so a paid answer is always stored and the budget always holds. The real CLI against
the reference LLM server (and a variant of it reporting 10**30 tokens), a real SQLite store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from paperbrief import cli
from paperbrief.pricing import MAX_TOKENS, Price
from paperbrief_refserver.server import RefServer

FIXTURES = Path(__file__).parent / "fixtures"
SCITLDR = FIXTURES / "scitldr-3.jsonl"  # 3 real SciTLDR papers
MODEL = "gpt-4o-mini"


class AbsurdUsage(RefServer):
    """The reference server, reporting `tokens` prompt and completion tokens for every answer."""

    def __init__(self, tokens: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tokens = tokens

    def completion(self, body: dict[str, Any], fault: str | None, key: str) -> dict[str, Any]:
        answer = super().completion(body, fault, key)
        answer["usage"].update(prompt_tokens=self.tokens, completion_tokens=self.tokens,
                               total_tokens=self.tokens)
        answer["usage"]["prompt_tokens_details"]["cached_tokens"] = self.tokens
        return answer


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch):
    def use(server: RefServer) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return use


def prices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PAPERBRIEF_PRICES", str(path))


def takeaways(db: Path, *extra: str) -> list[str]:
    return ["takeaway", "--input", str(SCITLDR), "--db", str(db), "--model", MODEL,
            "--concurrency", "1", *extra]


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "price",
    ['{"input": NaN, "output": 0.6}', '{"input": 0.15, "output": Infinity}',
     '{"input": 0.15, "output": 1e999}', '{"input": -0.15, "output": 0.6}',
     '[0.15, -1, 0.6]', '{"input": 0.15, "cached": NaN, "output": 0.6}'],
)  # fmt: skip
def test_a_nan_infinite_or_negative_price_is_refused_before_any_call(
    tmp_path, capsys, monkeypatch, llm_env, price
):
    prices(tmp_path, monkeypatch, f'{{"{MODEL}": {price}}}')
    with RefServer() as server:
        llm_env(server)
        code = cli.main(takeaways(tmp_path / "pb.db", "--max-cost", "0.000001"))
        asked = len(server.requests)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and f"bad price for model '{MODEL}'" in err
    assert "finite numbers >= 0" in err
    assert asked == 0  # nothing paid


@pytest.mark.parametrize("tokens", [10**30, 2**63, 10**400])
def test_absurd_usage_is_clamped_and_every_paid_answer_is_kept(tmp_path, capsys, llm_env,
                                                                tokens):
    db = tmp_path / "pb.db"
    with AbsurdUsage(tokens) as s:
        llm_env(s)
        first = cli.main(takeaways(db))
        out1 = capsys.readouterr()
        paid = len(s.requests)
        second = cli.main(takeaways(db))
        out2 = capsys.readouterr()
        again = len(s.requests) - paid
    assert first == 0 and second == 0, out1.err + out2.err
    assert paid == 3 and again == 0  # the rerun pays nothing: every paid answer was stored
    assert "NOT NULL" not in out1.err and "too large" not in out1.err
    assert out1.out == out2.out
    calls = rows(db, "SELECT prompt_tokens, completion_tokens, cost_usd FROM calls")
    assert len(calls) == 3
    for prompt, completion, cost in calls:
        assert prompt == completion == MAX_TOKENS
        assert cost == pytest.approx(Price(0.15, 0.075, 0.60).cost(MAX_TOKENS, MAX_TOKENS,
                                                                    MAX_TOKENS))
    assert len(rows(db, "SELECT 1 FROM takeaways")) == 3


def test_absurd_usage_stops_the_budget_instead_of_passing_it(tmp_path, capsys, llm_env):
    db = tmp_path / "pb.db"
    with AbsurdUsage(10**30) as server:
        llm_env(server)
        code = cli.main(takeaways(db, "--max-cost", "1"))
        asked = len(server.requests)
    err = capsys.readouterr().err
    assert code == 0 and asked == 1  # the first answer cost more than $1: no second call
    assert "budget reached" in err
