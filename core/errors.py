"""Typed errors. The UI and CLI catch the bases and show ``str(error)``: a sentence, never a traceback.

No message here ever includes a token.
"""

from __future__ import annotations

from datetime import datetime


class TformanceError(Exception):
    """Base of every error a user may see."""


class SettingsError(TformanceError):
    """A setting (environment variable or flag) has a value we cannot use."""


class DatabaseError(TformanceError):
    """The database cannot be opened, upgraded or used (damaged, odd path, no permission)."""


class DatabaseFull(DatabaseError):
    """The disk holding the database is full: nothing half-written is kept; the sync resumes later."""


class GitHubError(TformanceError):
    """Base of every GitHub failure."""

    retryable = False


class GitHubAuthError(GitHubError):
    def __init__(self, message: str = "GitHub rejected this token (401): check it or create a new one.") -> None:
        super().__init__(message)


class GitHubNotFound(GitHubError):
    """The repository does not exist or the token cannot see it."""


class GitHubForbidden(GitHubError):
    """Missing scope, SSO not authorised for the organisation, or access blocked."""


class GitHubQueryError(GitHubError):
    """GitHub answered with GraphQL errors that retrying will not fix."""


class GitHubTransientError(GitHubError):
    """A 502/504, a timeout, a dropped connection or ``data: null``: worth retrying."""

    retryable = True


class GitHubUnreachable(GitHubTransientError):
    """No connection at all (refused, DNS): retried briefly, then reported, not retried for minutes."""


class GitHubRateLimited(GitHubError):
    """The primary rate limit is used up until ``reset_at``."""

    retryable = True

    def __init__(self, reset_at: datetime) -> None:
        super().__init__(f"GitHub rate limit reached: paused until {reset_at:%H:%M} UTC")
        self.reset_at = reset_at


class GitHubSecondaryRateLimited(GitHubError):
    """A secondary (abuse) limit: back off for ``retry_after`` seconds (None: GitHub sent none)."""

    retryable = True

    def __init__(self, retry_after: float | None) -> None:
        wait = f"backing off {retry_after:.0f}s" if retry_after is not None else "backing off"
        super().__init__(f"GitHub asked us to slow down (secondary rate limit): {wait}")
        self.retry_after = retry_after


# How every message that stops the LLM stage ends: the PRs stay pending until this is run.
ENRICH_HINT = "run `tformance enrich` to finish"


class LLMError(TformanceError):
    """Base of every failure talking to the LLM."""


class LLMUnavailable(LLMError):
    """No key, a rejected key, Groq down or out of quota: enrichment waits for `tformance enrich`."""


class LLMNoKey(LLMUnavailable):
    def __init__(self) -> None:
        super().__init__(f"no GROQ_API_KEY is set: set it, then {ENRICH_HINT}")


class LLMKeyRejected(LLMUnavailable):
    def __init__(self, status: int) -> None:
        super().__init__(f"Groq rejected the API key ({status}): check GROQ_API_KEY, then {ENRICH_HINT}")


class LLMQuotaExhausted(LLMUnavailable):
    """The daily quota is used up (or Groq asks for a wait too long to sit through)."""


class LLMDown(LLMUnavailable):
    """Groq kept failing (5xx, 498, no connection) through every retry."""


class LLMNotFound(LLMUnavailable):
    """A batch or file Groq does not know (expired, or made with another key). Does not stop the client."""


class LLMBadAnswer(LLMError):
    """The model's answer could not be used (not JSON, wrong shape)."""
