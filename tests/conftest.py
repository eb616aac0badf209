"""Shared fixtures. Real network access is blocked: every test talks to the local fakes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.postgres_support import database_location, postgres_url  # noqa: F401 (fixtures for every test module)

if TYPE_CHECKING:
    from tformance.fakes.github_fake import FakeGitHub

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "github" / "schema.graphql"
_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: tuple[Any, ...] | str | bytes) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in _LOCAL_HOSTS and self.family != socket.AF_UNIX:
        raise RuntimeError(f"tests must not reach the network (tried {host})")
    _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No developer's real token, key or data directory leaks into a test."""
    home = tmp_path_factory.mktemp("home")
    for name in (
        "GITHUB_TOKEN",
        "GROQ_API_KEY",
        "GROQ_BASE_URL",
        "TFORMANCE_DB",
        "TFORMANCE_GITHUB_URL",
        "SYNC_HISTORY_MONTHS",
        "SYNC_LLM_BATCH_SIZE",
        "TFORMANCE_LLM_MODEL",
        "GH_TOKEN",
        "GH_HOST",
        "GH_ENTERPRISE_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    # A developer's own `gh` (signed in, keychain and all) must not hand tests a real token.
    monkeypatch.setenv("GH_CONFIG_DIR", str(home / "gh-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture(scope="session")
def github_schema() -> Any:  # graphql.GraphQLSchema; graphql is optional
    """GitHub's public schema, built once (about 1.5 s); tests skip when the file is absent."""
    if not SCHEMA_PATH.exists():
        pytest.skip(f"GitHub schema not found at {SCHEMA_PATH}")
    graphql = pytest.importorskip("graphql")
    schema = graphql.build_schema(SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)
    schema._validation_errors = []  # GitHub's SDL breaks a few strict rules; queries are still validated
    return schema


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeGitHub, str]]:
    """The demo organisation's fake GitHub served over HTTP on loopback, shared by a test module."""
    from tests.sync_helpers import make_fake
    from tformance.fakes.github_server import serve_in_thread

    fake = make_fake()
    url, stop = serve_in_thread(fake)
    yield fake, url
    stop()


@pytest.fixture
def served_fake() -> Iterator[tuple[FakeGitHub, str]]:
    """The demo organisation's fake GitHub served over HTTP on loopback, for CLI subprocesses."""
    from tests.sync_helpers import make_fake
    from tformance.fakes.github_server import serve_in_thread

    fake = make_fake()
    url, stop = serve_in_thread(fake)
    yield fake, url
    stop()
