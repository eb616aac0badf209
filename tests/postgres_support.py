"""A throw-away PostgreSQL database per test, on a real server when one is reachable.

The server is ``TFORMANCE_TEST_POSTGRES_URL`` (any database the user may ``CREATE DATABASE``
from), else the local ``postgresql://postgres@127.0.0.1:5432/test``. Each test gets its own
database, dropped afterwards; without a server or a driver the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tformance.config_command import without_password
from tformance.core.store.database import close_database

POSTGRES_URL_VARIABLE = "TFORMANCE_TEST_POSTGRES_URL"
LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _server_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, "").strip() or LOCAL_POSTGRES_URL


def _admin_connection():  # type: ignore[no-untyped-def]
    try:
        import psycopg2
    except ImportError:
        pytest.skip("no PostgreSQL driver: pip install -e '.[dev]' (or '.[postgres]') installs psycopg2-binary")
    url = _server_url()
    try:
        connection = psycopg2.connect(url, connect_timeout=3)
    except psycopg2.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unreachable"
        shown = without_password(url)
        pytest.skip(f"no PostgreSQL server at {shown} ({reason}); set {POSTGRES_URL_VARIABLE} to run these tests")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return connection


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped when the test ends."""
    connection = _admin_connection()
    name = f"tf_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(_server_url())
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        close_database()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database on each backend: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "tformance.db")
    return request.getfixturevalue("postgres_url")
