"""What the LLM stage costs: token accounting and dollar estimates per Groq model.

Prices are Groq's published on-demand rates in US dollars per million tokens (checked 2025);
the Batch API bills half. An unknown model is priced like the default so an estimate is never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from tformance.core.settings import DEFAULT_LLM_MODEL

# model: (input $/M tokens, output $/M tokens)
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "openai/gpt-oss-20b": (0.075, 0.30),
    "openai/gpt-oss-120b": (0.15, 0.60),
    "openai/gpt-oss-safeguard-20b": (0.075, 0.30),
    "llama-3.1-8b-instant": (0.05, 0.08),
    "llama-3.3-70b-versatile": (0.59, 0.79),
    "meta-llama/llama-4-scout-17b-16e-instruct": (0.11, 0.34),
    "meta-llama/llama-4-maverick-17b-128e-instruct": (0.20, 0.60),
    "qwen/qwen3-32b": (0.29, 0.59),
    "moonshotai/kimi-k2-instruct-0905": (1.00, 3.00),
}
BATCH_DISCOUNT = 0.5

# Per-PR figures for estimates before any call, measured on the demo organisation's PRs with the
# current prompt (bodies are truncated, so long descriptions do not blow this up).
PROMPT_TOKENS_PER_PR = 220
COMPLETION_TOKENS_PER_PR = 55
SYSTEM_TOKENS_PER_REQUEST = 600  # the instructions, repeated in every request
PRS_PER_REQUEST = 20


@dataclass(frozen=True)
class TokenUsage:
    """Tokens Groq reported for the requests of one run."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.requests + other.requests,
        )


def model_prices(model: str) -> tuple[float, float]:
    """Input and output price per million tokens for ``model`` (the default model's when unknown)."""
    return PRICES_PER_MILLION.get(model, PRICES_PER_MILLION[DEFAULT_LLM_MODEL])


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int, *, batch: bool = False) -> float:
    """Dollars for these tokens on ``model``; ``batch`` applies the Batch API discount."""
    input_price, output_price = model_prices(model)
    dollars = (prompt_tokens * input_price + completion_tokens * output_price) / 1_000_000
    return dollars * (BATCH_DISCOUNT if batch else 1.0)


def usage_cost(model: str, usage: TokenUsage, *, batch: bool = False) -> float:
    return cost_usd(model, usage.prompt_tokens, usage.completion_tokens, batch=batch)


def estimate_llm_cost(pr_count: int, model: str = DEFAULT_LLM_MODEL, *, batch: bool = False) -> tuple[int, float]:
    """Roughly how many tokens and dollars enriching ``pr_count`` PRs will take on ``model``."""
    if pr_count <= 0:
        return 0, 0.0
    requests = -(-pr_count // PRS_PER_REQUEST)
    prompt = pr_count * PROMPT_TOKENS_PER_PR + requests * SYSTEM_TOKENS_PER_REQUEST
    completion = pr_count * COMPLETION_TOKENS_PER_PR
    return prompt + completion, cost_usd(model, prompt, completion, batch=batch)


def format_cost(tokens: int, dollars: float) -> str:
    """``"12,345 tokens, about $0.0021"``: enough digits that small runs do not read as free."""
    if dollars == 0:
        money = "$0"
    elif dollars < 0.01:
        money = f"${dollars:.4f}"
    else:
        money = f"${dollars:,.2f}"
    return f"{tokens:,} tokens, about {money}"
