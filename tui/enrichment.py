"""The LLM stage beside a sync, as an app-level worker: it outlives the sync screen, so the
dashboard can open when the fetch is done and keep updating while summaries arrive."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tformance.core.workspace import Services

if TYPE_CHECKING:
    from tformance.core.llm.client import LLMClient

LLMFactory = Callable[[], "LLMClient | None"]


def default_llm_factory(services: Services, speed: Callable[[], float]) -> LLMFactory:
    """Groq from ``GROQ_API_KEY`` (None without one); in the demo, the local fake Groq at the demo's pace."""

    def build() -> LLMClient | None:
        return services.llm(speed())

    return build
