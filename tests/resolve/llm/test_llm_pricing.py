"""Prices per model and cost of a call."""

from __future__ import annotations

import pytest

from replaywright.resolve.llm.pricing import PriceError, cost, parse_prices, price_for, price_table


def test_known_models_and_dated_names() -> None:
    assert cost("gpt-4.1-mini", 1_000_000, 1_000_000) == pytest.approx(0.40 + 1.60)
    assert cost("gpt-4.1-mini-2025-04-14", 1000, 0) == pytest.approx(0.0004)
    assert cost("gpt-4o-mini-2024-07-18", 0, 1000) == pytest.approx(0.0006)  # not gpt-4o's
    assert cost("claude-haiku-4-5-20251001", 2000, 500) == pytest.approx(
        (2000 * 1.0 + 500 * 5.0) / 1e6)
    assert price_for("claude-sonnet-4-5-20250929").input == 3.0


def test_unknown_models_cost_nothing() -> None:
    assert price_for("llama3.1:8b") is None
    assert cost("llama3.1:8b", 10_000, 10_000) == 0.0


def test_overrides_from_env_and_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLAYWRIGHT_LLM_PRICES",
                       '{"llama3.1:8b": {"input": 0.1, "output": 0.2}, "gpt-4.1-mini": [1, 2]}')
    assert cost("llama3.1:8b", 1_000_000, 1_000_000) == pytest.approx(0.3)
    assert cost("gpt-4.1-mini", 1_000_000, 0) == pytest.approx(1.0)
    assert cost("gpt-4.1-mini", 1_000_000, 0, prices={"gpt-4.1-mini": [3, 4]}) == pytest.approx(3)
    assert price_table(env={})["gpt-4.1-mini"].input == 0.40


def test_bad_overrides_are_clear() -> None:
    with pytest.raises(PriceError, match="price for 'm' must be"):
        parse_prices({"m": "cheap"})
    with pytest.raises(PriceError, match="JSON object"):
        parse_prices("[1, 2]")
