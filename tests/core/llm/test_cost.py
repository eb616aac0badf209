"""What the LLM costs: tokens and an estimate in dollars per model."""

from __future__ import annotations

import pytest

from tformance.core.llm.cost import (
    TokenUsage,
    cost_usd,
    estimate_llm_cost,
    format_cost,
    model_prices,
    usage_cost,
)


def test_cost_uses_the_model_prices_per_million() -> None:
    assert cost_usd("openai/gpt-oss-20b", 1_000_000, 0) == pytest.approx(0.075)
    assert cost_usd("openai/gpt-oss-20b", 0, 1_000_000) == pytest.approx(0.30)
    assert cost_usd("llama-3.3-70b-versatile", 2_000_000, 1_000_000) == pytest.approx(2 * 0.59 + 0.79)
    assert cost_usd("openai/gpt-oss-120b", 1_000_000, 1_000_000, batch=True) == pytest.approx((0.15 + 0.60) / 2)


def test_an_unknown_model_is_priced_like_the_default() -> None:
    assert model_prices("someone/new-model") == model_prices("openai/gpt-oss-20b")


def test_usage_adds_up() -> None:
    usage = TokenUsage(100, 20, 1) + TokenUsage(50, 5, 2)
    assert usage == TokenUsage(150, 25, 3)
    assert usage.total_tokens == 175
    assert usage_cost("openai/gpt-oss-20b", usage) == pytest.approx((150 * 0.075 + 25 * 0.30) / 1e6)


def test_estimate_grows_with_prs_and_is_zero_for_none() -> None:
    assert estimate_llm_cost(0, "openai/gpt-oss-20b") == (0, 0.0)
    tokens_100, dollars_100 = estimate_llm_cost(100, "openai/gpt-oss-20b")
    tokens_1000, dollars_1000 = estimate_llm_cost(1000, "openai/gpt-oss-20b")
    assert 100 * 200 < tokens_100 < 100 * 500
    assert tokens_1000 == pytest.approx(10 * tokens_100, rel=0.01)
    assert dollars_1000 > dollars_100 > 0
    assert estimate_llm_cost(1000, "openai/gpt-oss-20b", batch=True)[1] == pytest.approx(dollars_1000 / 2)
    assert estimate_llm_cost(1000, "llama-3.3-70b-versatile")[1] > dollars_1000


def test_format_keeps_small_amounts_visible() -> None:
    assert format_cost(12345, 0.0021) == "12,345 tokens, about $0.0021"
    assert format_cost(2_000_000, 1.5) == "2,000,000 tokens, about $1.50"
    assert format_cost(0, 0.0) == "0 tokens, about $0"
