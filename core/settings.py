"""Settings from the environment, read once at start-up and passed around explicitly."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tformance.core.errors import SettingsError

DEFAULT_GITHUB_URL = "https://api.github.com/graphql"
GITHUB_COM = "github.com"
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[0-9]{1,5})?$")
DEFAULT_LLM_MODEL = "openai/gpt-oss-20b"
# Chosen by measurement in benchmarks/sync_speed.py: see the README's "Performance" section.
DEFAULT_PAGE_SIZE = 100  # under GitHub's time budget each request's fixed 0.3 s counts: fewer, fuller pages
DEFAULT_MAX_IN_FLIGHT = 10


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Secrets are excluded from ``repr`` so they never reach a log."""

    github_token: str | None = field(default=None, repr=False)
    github_url: str = DEFAULT_GITHUB_URL
    github_host: str = GITHUB_COM  # which host `gh auth token` is asked about
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
    default_repos: tuple[str, ...] = ()  # what `sync` syncs without --repo (config file)
    theme: str | None = None  # the app's theme (config file; saved from the palette)
    # Where each setting came from ("command line", "environment (VAR)", "config file (key)",
    # "default"): filled by ``load``, shown by `tformance config`.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, host: str | None = None) -> Settings:
        """Read the documented environment variables; raise ``SettingsError`` on a bad value.

        ``host`` (``--host``) wins over ``GH_HOST``; ``TFORMANCE_GITHUB_URL`` wins over both.
        """
        env = os.environ if env is None else env
        github_host = github_host_name(host or _text(env, "GH_HOST") or GITHUB_COM)
        return cls(
            github_token=_text(env, "GITHUB_TOKEN"),
            github_url=_text(env, "TFORMANCE_GITHUB_URL") or graphql_url(github_host),
            github_host=github_host,
            groq_api_key=_text(env, "GROQ_API_KEY"),
            groq_base_url=_text(env, "GROQ_BASE_URL"),
            llm_model=_text(env, "TFORMANCE_LLM_MODEL") or DEFAULT_LLM_MODEL,
            database=_text(env, "TFORMANCE_DB"),
            history_months=_int(env, "SYNC_HISTORY_MONTHS", 12, low=1, high=120),
            llm_batch_size=_int(env, "SYNC_LLM_BATCH_SIZE", 100, low=1, high=1000),
            page_size=_int(env, "TFORMANCE_PAGE_SIZE", DEFAULT_PAGE_SIZE, low=1, high=100),
            max_in_flight=_int(env, "TFORMANCE_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT, low=1, high=50),
        )

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        host: str | None = None,
        overrides: Mapping[str, object] | None = None,
        config_file: Path | None = None,
    ) -> Settings:
        """Settings by precedence: ``overrides`` (the command line), then the environment, then
        ``config.toml``, then the defaults; ``sources`` says which one each setting came from."""
        from tformance.core.config_file import KEYS, file_settings, read_config

        env = os.environ if env is None else env
        settings = cls.from_env(env, host=host)
        from_file = read_config(config_file)
        by_field = {key.field: key for key in KEYS.values()}
        changes: dict[str, object] = {}
        sources: dict[str, str] = {}
        for name in (*by_field, "github_url", "database"):
            variable = _ENVIRONMENT.get(name)
            if variable and _text(env, variable):
                sources[name] = f"environment ({variable})"
            elif name in from_file:
                changes[name] = from_file[name]
                sources[name] = file_settings({name: from_file[name]})[name]
            else:
                sources[name] = "default"
        if "TFORMANCE_GITHUB_URL" not in sources.get("github_url", ""):
            if host:
                sources["github_url"] = "command line (--host)"
            elif _text(env, "GH_HOST"):
                sources["github_url"] = "environment (GH_HOST)"
        for name, value in (overrides or {}).items():
            if value is not None:
                changes[name] = value
                sources[name] = "command line"
        return replace(settings, **changes, sources=sources)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def database_location(self) -> str:
        """The database path or URL to open, resolving the platform default lazily."""
        from tformance.core import paths

        if self.database:
            return self.database
        return str(paths.demo_database_path() if self.demo else paths.default_database_path())


# Smaller pages in the demo: more, smaller steps on each progress bar while a person watches.
DEMO_PAGE_SIZE = 20


def demo_settings(settings: Settings, env: Mapping[str, str] | None = None) -> Settings:
    """``settings`` for the demo: its page size unless ``TFORMANCE_PAGE_SIZE`` or a config file chose one.

    The app and ``tformance sync --demo`` both start from this, so they plan the same pages.
    """
    env = os.environ if env is None else env
    settings = settings.with_(demo=True)
    chosen = _text(env, "TFORMANCE_PAGE_SIZE") or settings.sources.get("page_size", "default") != "default"
    return settings if chosen else settings.with_(page_size=DEMO_PAGE_SIZE)


# The environment variable behind each setting that has one (``from_env`` reads them).
_ENVIRONMENT = {
    "history_months": "SYNC_HISTORY_MONTHS",
    "llm_batch_size": "SYNC_LLM_BATCH_SIZE",
    "page_size": "TFORMANCE_PAGE_SIZE",
    "max_in_flight": "TFORMANCE_MAX_IN_FLIGHT",
    "llm_model": "TFORMANCE_LLM_MODEL",
    "github_url": "TFORMANCE_GITHUB_URL",
    "database": "TFORMANCE_DB",
}


def github_host_name(value: str) -> str:
    """A GitHub host as ``gh`` spells it (``ghe.example.com``), from a name or a URL a user typed."""
    host = value.strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0]
    if not _HOST.match(host):
        raise SettingsError(f"the GitHub host must be a name like ghe.example.com, got {value.strip()!r}")
    return host


def graphql_url(host: str) -> str:
    """GitHub's GraphQL endpoint on ``host``: api.github.com for github.com, /api/graphql on a GHES host."""
    return DEFAULT_GITHUB_URL if host == GITHUB_COM else f"https://{host}/api/graphql"


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
