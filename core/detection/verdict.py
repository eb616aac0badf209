"""The AI verdict of a PR, in its two forms: a Python function over a row and a SQL expression.

It lives in ``detection`` because it is where detection ends: stage 1 (signatures, filled on
store) and stage 2 (the LLM, filled by the enricher) come together here into the one yes/no
every reader uses: the metrics, the exports, the store's counts, the rescan and the PR screen.
Both forms sit side by side so that they cannot drift apart; a test runs them over the same
rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import peewee as pw

from tformance.core.store.models import PullRequest

LLM, SIGNATURES = "llm", "signatures"


def ai_verdict(is_ai_assisted: bool | None, signature_tools: Sequence[str] | None) -> bool:
    """Whether a PR counts as AI-assisted.

    Signatures win: a stage-1 marker found means AI-assisted whatever the LLM said, even when
    it was found after the LLM judged the PR (a new commit, a rescan with newer rules). Without
    one, the LLM's verdict (``PullRequest.is_ai_assisted``) decides; ``None`` (not judged) is no.
    """
    return bool(signature_tools) or bool(is_ai_assisted)


def ai_verdict_source(is_ai_assisted: bool | None, signature_tools: Sequence[str] | None) -> str:
    """Who decided :func:`ai_verdict`: ``"llm"``, or ``"signatures"`` when they overrule or precede it."""
    if is_ai_assisted is None or (signature_tools and not is_ai_assisted):
        return SIGNATURES
    return LLM


def ai_tools(ai_tools_detected: Sequence[str] | None, signature_tools: Sequence[str] | None) -> tuple[str, ...]:
    """The AI tools of a PR: the LLM's ``ai_tools_detected`` if any, else the signatures."""
    return tuple(ai_tools_detected or signature_tools or ())


def ai_condition() -> pw.Expression:
    """The SQL twin of :func:`ai_verdict`: stage-1 signatures found, or the LLM said yes."""
    pr = PullRequest
    return (pr.has_signatures == True) | (pr.is_ai_assisted == True)  # noqa: E712 (Peewee expression)


def human_condition() -> pw.Expression:
    """PRs by people without AI: neither AI-assisted (:func:`ai_condition`) nor by a bot."""
    pr = PullRequest
    not_ai = (pw.fn.COALESCE(pr.has_signatures, False) == False) & (  # noqa: E712
        pw.fn.COALESCE(pr.is_ai_assisted, False) == False  # noqa: E712
    )
    return not_ai & (pr.author_is_bot == False)  # noqa: E712


def people_condition() -> pw.Expression:
    """Both sides of the AI comparison: every PR but automation bots' (a bot author and no AI)."""
    return ai_condition() | (PullRequest.author_is_bot == False)  # noqa: E712
