"""What a model call costs: USD per million input / output tokens.

The table covers common OpenAI and Anthropic models (list prices; check your provider's page,
they change). Override or extend it with `REPLAYWRIGHT_LLM_PRICES`, a JSON object such as
`{"my-model": {"input": 0.5, "output": 1.5}}` (or `{"my-model": [0.5, 1.5]}`), or by passing a
dict of the same shape. A dated model name (`gpt-4.1-mini-2025-04-14`,
`claude-sonnet-4-20250514`) uses the longest listed prefix. Unknown models (local servers)
cost 0.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from replaywright.errors import ReplaywrightError

PRICES_ENV = "REPLAYWRIGHT_LLM_PRICES"


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float


#: List prices, USD per 1M tokens (input, output).
PRICES: dict[str, Price] = {
    # OpenAI
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "o3": Price(2.00, 8.00),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
    "gpt-4-turbo": Price(10.00, 30.00),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    # Anthropic
    "claude-opus-4-5": Price(5.00, 25.00),
    "claude-opus-4-1": Price(15.00, 75.00),
    "claude-opus-4": Price(15.00, 75.00),
    "claude-sonnet-4-5": Price(3.00, 15.00),
    "claude-sonnet-4": Price(3.00, 15.00),
    "claude-3-7-sonnet": Price(3.00, 15.00),
    "claude-3-5-sonnet": Price(3.00, 15.00),
    "claude-haiku-4-5": Price(1.00, 5.00),
    "claude-3-5-haiku": Price(0.80, 4.00),
    "claude-3-haiku": Price(0.25, 1.25),
    "claude-3-opus": Price(15.00, 75.00),
}


class PriceError(ReplaywrightError, ValueError):
    """A price override that cannot be read."""


def _price(name: str, raw: Any) -> Price:
    try:
        if isinstance(raw, Price):
            return raw
        if isinstance(raw, Mapping):
            return Price(float(raw["input"]), float(raw["output"]))
        if isinstance(raw, (list, tuple)) and len(raw) == 2:
            return Price(float(raw[0]), float(raw[1]))
    except (KeyError, TypeError, ValueError):
        pass
    raise PriceError(f"price for {name!r} must be {{\"input\": USD/1M, \"output\": USD/1M}} "
                     f"or [input, output]; got {raw!r}")


def parse_prices(raw: Mapping[str, Any] | str | None) -> dict[str, Price]:
    """Price overrides from a dict or a JSON string (the `REPLAYWRIGHT_LLM_PRICES` format)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PriceError(f"{PRICES_ENV} is not valid JSON: {exc.msg}") from None
        if not isinstance(raw, Mapping):
            raise PriceError(f"{PRICES_ENV} must be a JSON object of model → price")
    return {str(name).lower(): _price(str(name), value) for name, value in raw.items()}


@lru_cache(maxsize=32)
def _env_prices(text: str) -> dict[str, Price]:
    return parse_prices(text)


def price_table(overrides: Mapping[str, Any] | None = None,
                env: Mapping[str, str] | None = None) -> dict[str, Price]:
    """The built-in table, then `REPLAYWRIGHT_LLM_PRICES`, then `overrides` on top."""
    env = os.environ if env is None else env
    table = dict(PRICES)
    table.update(_env_prices(env.get(PRICES_ENV, "")))
    if overrides:
        table.update(parse_prices(overrides))
    return table


def price_for(model: str, table: Mapping[str, Price] | None = None) -> Price | None:
    """The price of `model`: exact name, else the longest listed prefix; None if unknown."""
    table = price_table() if table is None else table
    name = model.lower().split("/")[-1]  # "openai/gpt-4.1-mini" (routers) → "gpt-4.1-mini"
    if name in table:
        return table[name]
    best = max((key for key in table if name.startswith(key + "-") or name.startswith(key + "@")),
               key=len, default=None)
    return table[best] if best else None


def cost(model: str, input_tokens: int, output_tokens: int,
         prices: Mapping[str, Any] | None = None) -> float:
    """Estimated USD for one call (or a sum of calls) of `model`; 0.0 for unknown models."""
    price = price_for(model, price_table(prices))
    if price is None:
        return 0.0
    return (input_tokens * price.input + output_tokens * price.output) / 1_000_000
