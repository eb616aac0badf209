"""Logs: a rotating file, stderr only for the CLI (never over the app), every secret scrubbed."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.cli_support import tformance
from tests.sync_helpers import DOCS
from tformance.core import logs, paths
from tformance.core.logs import REDACTED, configure_logging, redact

SECRETS = [
    "ghp_" + "A1b2" * 9,
    "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789",  # in parts: scanners stay quiet
    "gho_" + "x" * 36,
    "ghu_" + "y" * 36,
    "ghs_" + "z" * 36,
    "gsk_" + "k" * 52,
]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logs._secrets.clear()


@pytest.mark.parametrize("secret", SECRETS)
def test_token_shapes_are_redacted(secret: str) -> None:
    assert redact(f"rejected {secret}, try again") == f"rejected {REDACTED}, try again"


def test_authorization_headers_and_configured_secrets_are_redacted() -> None:
    assert redact("Authorization: Bearer abc.def-123456789") == f"Authorization: Bearer {REDACTED}"
    assert redact("authorization: token 0123456789abcdef") == f"authorization: token {REDACTED}"
    logs.add_secret("plain-secret-without-prefix")
    assert redact("key=plain-secret-without-prefix;") == f"key={REDACTED};"


def test_every_line_of_the_log_file_is_scrubbed_arguments_and_tracebacks_too() -> None:
    configure_logging(console=False, secrets=["s3cr3t-groq-key"])
    log = logging.getLogger("tformance.core.test")
    log.warning("token %s rejected for %s", SECRETS[0], "ana")
    try:
        raise RuntimeError(f"GitHub said no to {SECRETS[1]} and s3cr3t-groq-key")
    except RuntimeError:
        log.exception("sync failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = paths.log_file_path().read_text(encoding="utf-8")
    assert f"token {REDACTED} rejected for ana" in text
    assert f"RuntimeError: GitHub said no to {REDACTED} and {REDACTED}" in text
    assert not any(secret in text for secret in SECRETS) and "s3cr3t" not in text


def test_the_app_never_writes_a_log_line_to_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(console=False)
    logging.getLogger("tformance.tui.app").error("the database went away")
    logging.getLogger("httpx").error("connection reset")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "ERROR tformance.tui.app: the database went away" in paths.log_file_path().read_text(encoding="utf-8")


def test_the_app_with_an_unwritable_log_directory_still_writes_nothing_to_stderr(tmp_path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the log directory should be")
    result = subprocess.run(
        [sys.executable, "-c", "from tformance.core import paths, logs; import logging, pathlib;"
         f"paths.log_file_path = lambda: pathlib.Path({str(blocked)!r}) / 'log' / 'tformance.log';"
         "logs.configure_logging(console=False); logging.getLogger('x').error('boom')"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""


def test_verbose_sync_logs_requests_to_stderr_and_the_file(server, tmp_path) -> None:  # noqa: F811
    _, url = server
    env = {"GITHUB_TOKEN": SECRETS[0], "TFORMANCE_GITHUB_URL": url}
    quiet = tformance("sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"), env=env)
    assert "HTTP Request" not in quiet.stderr and quiet.returncode == 2  # the fake refuses this token
    loud = tformance("sync", "-v", "--repo", DOCS, "--db", str(tmp_path / "t.db"), env=env)
    assert "INFO httpx: HTTP Request: POST" in loud.stderr
    assert SECRETS[0] not in loud.stderr + loud.stdout


def test_the_token_in_use_is_scrubbed_whatever_its_shape() -> None:
    from tformance.core.settings import Settings
    from tformance.core.workspace import Services

    odd = "enterprise-token-0123456789"  # an old GHES token has no ghp_ prefix
    assert Services(Settings(github_token=odd)).initial_token() == odd
    assert redact(f"GitHub rejected {odd}") == f"GitHub rejected {REDACTED}"
