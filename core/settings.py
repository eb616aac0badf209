"""Settings from the environment, read once at start-up and passed around explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import SettingsError

DEFAULT_GITHUB_URL = "https://api.github.com/graphql"
DEFAULT_LLM_MODEL = "openai/gpt-oss-20b"
# Chosen by measurement in benchmarks/sync_speed.py: see the README's "Performance" section.
DEFAULT_PAGE_SIZE = 100  # under GitHub's time budget each request's fixed 0.3 s counts: fewer, fuller pages
DEFAULT_MAX_IN_FLIGHT = 10


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Secrets are excluded from ``repr`` so they never reach a log."""

    github_token: str | None = field(default=None, repr=False)
    github_url: str = DEFAULT_GITHUB_URL
    groq_api_key: str | None = field(default=None, repr=False)
    groq_base_url: str | None = None
    llm_model: str = DEFAULT_LLM_MODEL
    database: str | None = None
    history_months: int = 12
    llm_batch_size: int = 100
    page_size: int = DEFAULT_PAGE_SIZE
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    max_retries: int = 6
    demo: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the documented environment variables; raise ``SettingsError`` on a bad value."""
        env = os.environ if env is None else env
        return cls(
            github_token=_text(env, "GITHUB_TOKEN"),
            github_url=_text(env, "TFORMANCE_GITHUB_URL") or DEFAULT_GITHUB_URL,
            groq_api_key=_text(env, "GROQ_API_KEY"),
            groq_base_url=_text(env, "GROQ_BASE_URL"),
            llm_model=_text(env, "TFORMANCE_LLM_MODEL") or DEFAULT_LLM_MODEL,
            database=_text(env, "TFORMANCE_DB"),
            history_months=_int(env, "SYNC_HISTORY_MONTHS", 12, low=1, high=120),
            llm_batch_size=_int(env, "SYNC_LLM_BATCH_SIZE", 100, low=1, high=1000),
            page_size=_int(env, "TFORMANCE_PAGE_SIZE", DEFAULT_PAGE_SIZE, low=1, high=100),
            max_in_flight=_int(env, "TFORMANCE_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT, low=1, high=50),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def database_location(self) -> str:
        """The database path or URL to open, resolving the platform default lazily."""
        from . import paths

        if self.database:
            return self.database
        return str(paths.demo_database_path() if self.demo else paths.default_database_path())


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def expand_path(value: str) -> str:
    """Expand ``~`` in a database path; URLs pass through untouched."""
    return value if "://" in value else str(Path(value).expanduser())
