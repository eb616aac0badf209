"""Turning any failure into one sentence for the user: never a traceback on screen."""

from __future__ import annotations

import logging

from tformance.core.errors import GitHubTransientError, GitHubUnreachable, TformanceError

from .safe_text import clean

log = logging.getLogger(__name__)


def explain(error: BaseException) -> str:
    """A sentence saying what went wrong; unexpected errors are logged with their traceback."""
    if isinstance(error, GitHubUnreachable):  # it says already what to check ("the network or proxy")
        return clean(f"{error}.")
    if isinstance(error, GitHubTransientError):
        return clean(f"{error}. Check your network connection and try again.")
    if isinstance(error, TformanceError):
        return clean(error)
    log.error("unexpected error", exc_info=error)
    return clean(f"Something unexpected went wrong ({type(error).__name__}: {error}).", limit=300)
