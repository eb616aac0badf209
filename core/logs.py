"""Logging that helps and never gets in the way: a rotating file, stderr only for the CLI, secrets scrubbed.

The app gets no stderr handler at all (a line written to stderr lands on top of its screen);
the CLI writes warnings to stderr, everything to stderr with ``-v``. Every handler carries
``RedactingFilter``, so no token or key reaches a log line, whatever a message or a traceback says.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler

from tformance.core import paths

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUPS = 3
REDACTED = "[redacted]"

# GitHub tokens by prefix (classic, fine-grained, OAuth, user-to-server, server-to-server,
# refresh), Groq keys, and whatever follows "Bearer" or "token" in an Authorization header.
SECRET_PATTERNS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|gsk_[A-Za-z0-9]{16,})"
    r"|(?i:\b(?:bearer|token)\s+)[A-Za-z0-9._~+/=-]{8,}"
)

_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Scrub this exact value (a configured token or key) from every log line from now on."""
    if value and len(value.strip()) >= 4:
        _secrets.add(value.strip())


def redact(text: str) -> str:
    """``text`` without tokens, keys or the registered secrets."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return SECRET_PATTERNS.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    found = match.group(0)
    words = found.split(None, 1)
    if len(words) == 2 and words[0].lower() in {"bearer", "token"}:
        return f"{words[0]} {REDACTED}"
    return REDACTED


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(*, verbose: bool = False, console: bool, secrets: Iterable[str | None] = ()) -> None:
    """Send log records to the rotating file (and, for the CLI, to stderr); replace earlier handlers.

    ``console=False`` is for the app: nothing is ever written to the terminal it draws on.
    """
    for secret in secrets:
        add_secret(secret)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx and the groq SDK log every request at INFO/DEBUG: wanted only when asked for.
    for noisy in ("httpx", "httpcore", "groq", "asyncio", "markdown_it"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("peewee").setLevel(logging.WARNING)  # its DEBUG is every statement with PR bodies
    redacting = RedactingFilter()
    try:
        file_handler: logging.Handler = RotatingFileHandler(
            paths.log_dir() / paths.log_file_path().name, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    except OSError:
        # No writable log directory: log nowhere rather than fail (and never fall back to stderr).
        file_handler = logging.NullHandler()
    file_handler.addFilter(redacting)
    root.addHandler(file_handler)
    if console:
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stderr.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        stderr.addFilter(redacting)
        root.addHandler(stderr)
