"""Price table: defaults, prefix matching, cached tokens, PAPERBRIEF_PRICES overrides."""

from __future__ import annotations

import pytest

from paperbrief.errors import InputError
from paperbrief.pricing import DEFAULT_PRICES, Price, find_price, price_table


def test_cost_counts_cached_tokens_at_their_own_price():
    price = Price(input=2.0, cached=0.5, output=8.0)
    assert price.cost(1_000_000, 0) == pytest.approx(2.0)
    assert price.cost(1000, 500, cached_tokens=400) == pytest.approx(
        (600 * 2.0 + 400 * 0.5 + 500 * 8.0) / 1e6
    )


def test_dated_snapshots_use_the_longest_matching_name():
    table = price_table(env=False)
    assert find_price(table, "gpt-4o-mini-2024-07-18") == DEFAULT_PRICES["gpt-4o-mini"]
    assert find_price(table, "gpt-4o-2024-08-06") == DEFAULT_PRICES["gpt-4o"]
    assert find_price(table, "llama3.2") is None
    assert find_price(table, None, "gpt-5-mini") == DEFAULT_PRICES["gpt-5-mini"]


def test_env_file_and_arguments_override(tmp_path, monkeypatch):
    path = tmp_path / "prices.json"
    path.write_text('{"llama3.2": {"input": 0, "output": 0}, "gpt-4o-mini": [1, 0.5, 2]}')
    monkeypatch.setenv("PAPERBRIEF_PRICES", str(path))
    table = price_table({"gpt-4o": {"input": 3, "cached": 1, "output": 9}})
    assert table["llama3.2"] == Price(0, 0, 0)
    assert table["gpt-4o-mini"] == Price(1, 0.5, 2)
    assert table["gpt-4o"] == Price(3, 1, 9)


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"m": {"input": 1}}'])
def test_bad_price_file_is_a_one_line_input_error(tmp_path, monkeypatch, content):
    path = tmp_path / "prices.json"
    path.write_text(content)
    monkeypatch.setenv("PAPERBRIEF_PRICES", str(path))
    with pytest.raises(InputError) as info:
        price_table()
    assert "\n" not in str(info.value)
