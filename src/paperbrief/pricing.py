"""Model prices (USD per 1M tokens) and the cost of one call; overridable by a JSON file."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperbrief.errors import InputError

PRICES_ENV = "PAPERBRIEF_PRICES"
BATCH_DISCOUNT = 0.5  # the Batch API bills every token at half the standard price
# No call bills more tokens than this: a server reporting `prompt_tokens = 10**30` is clamped here,
# so its (paid) answer is still stored and the budget stops the run instead of overflowing SQLite.
MAX_TOKENS = 1_000_000_000


def clamp_tokens(value: object) -> int:
    """A token count as reported by a server: a whole number in [0, MAX_TOKENS]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not math.isfinite(value):
        return MAX_TOKENS if value > 0 else 0
    return int(min(max(value, 0), MAX_TOKENS))


@dataclass(frozen=True)
class Price:
    """USD per 1M input, cached input and output tokens."""

    input: float
    cached: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0) -> float:
        """The cost in USD of one call with these token counts."""
        prompt_tokens = clamp_tokens(prompt_tokens)
        completion_tokens = clamp_tokens(completion_tokens)
        cached = min(clamp_tokens(cached_tokens), prompt_tokens)
        return (
            (prompt_tokens - cached) * self.input
            + cached * self.cached
            + completion_tokens * self.output
        ) / 1_000_000

    def batch(self) -> Price:
        """This price on the Batch API (BATCH_DISCOUNT of the standard price)."""
        return Price(
            self.input * BATCH_DISCOUNT, self.cached * BATCH_DISCOUNT, self.output * BATCH_DISCOUNT
        )


# Public list prices (standard tier) of small, current OpenAI models; extend with PAPERBRIEF_PRICES.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
    "gpt-4o": Price(2.50, 1.25, 10.00),
    "gpt-4.1-nano": Price(0.10, 0.025, 0.40),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
    "gpt-4.1": Price(2.00, 0.50, 8.00),
    "gpt-5-nano": Price(0.05, 0.005, 0.40),
    "gpt-5-mini": Price(0.25, 0.025, 2.00),
    "gpt-5": Price(1.25, 0.125, 10.00),
    # embeddings: input tokens only
    "text-embedding-3-small": Price(0.02, 0.02, 0.0),
    "text-embedding-3-large": Price(0.13, 0.13, 0.0),
    "text-embedding-ada-002": Price(0.10, 0.10, 0.0),
}


def _price(name: str, raw: Any) -> Price:
    if isinstance(raw, Price):
        price = raw
    else:
        try:
            if isinstance(raw, Mapping):
                inp = float(raw["input"])
                price = Price(inp, float(raw.get("cached", inp)), float(raw["output"]))
            else:
                inp, cached, out = (float(v) for v in raw)
                price = Price(inp, cached, out)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise InputError(
                f"bad price for model {name!r}: want {{'input': N, 'cached': N, 'output': N}} "
                f"in USD per 1M tokens ({exc})"
            ) from None
    for what, value in (("input", price.input), ("cached", price.cached),
                        ("output", price.output)):
        # a NaN price made every paid answer unstorable; a negative one disabled --max-cost
        if not math.isfinite(value) or value < 0:
            raise InputError(
                f"bad price for model {name!r}: {what} is {value!r}; prices are finite "
                "numbers >= 0 (USD per 1M tokens)"
            )
    return price


def price_table(
    overrides: Mapping[str, Any] | None = None, *, env: bool = True
) -> dict[str, Price]:
    """Default prices, updated from the $PAPERBRIEF_PRICES JSON file, then from `overrides`."""
    table = dict(DEFAULT_PRICES)
    path = os.environ.get(PRICES_ENV) if env else None
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read {PRICES_ENV} file {path}: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(f"{PRICES_ENV} file {path} must hold a JSON object of model prices")
        table.update({name: _price(name, raw) for name, raw in data.items()})
    if overrides:
        table.update({name: _price(name, raw) for name, raw in overrides.items()})
    return table


FREE = Price(0.0, 0.0, 0.0)


def _lookup(table: Mapping[str, Price], model: str) -> Price | None:
    """Exact name, else the longest name it starts with (gpt-4o-mini-2024-07-18: gpt-4o-mini)."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def base_model(model: str) -> str:
    """`model` without a router's provider prefix or variant suffix: `openai/gpt-5-mini` and
    `openai/gpt-5-mini:nitro` (OpenRouter) are priced as `gpt-5-mini`."""
    return model.rsplit("/", 1)[-1].split(":", 1)[0]


def unpriced_message(model: str) -> str:
    """What to tell the user about a model with no known price."""
    return (
        f"no price known for model {model!r}: its calls cannot be costed; give its price in "
        f"a {PRICES_ENV} JSON file ({{\"{model}\": {{\"input\": N, \"output\": N}}}}, "
        "USD per 1M tokens)"
    )


def find_price(table: Mapping[str, Price], *models: str | None) -> Price | None:
    """The price of the first model found: its own name, else (for a provider-prefixed name
    such as `openai/gpt-5-mini`) its base model's; OpenRouter's `:free` variants cost nothing.
    None when no name is known: the caller must then say so, never count it silently as 0."""
    for model in models:
        if not model:
            continue
        price = _lookup(table, model)
        if price is None and model.endswith(":free"):
            price = FREE
        if price is None and base_model(model) != model:
            price = _lookup(table, base_model(model))
        if price is not None:
            return price
    return None
