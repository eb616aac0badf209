"""Scripted sync events: the sync screen's look at one fixed moment, without timing in the way."""

from __future__ import annotations

from datetime import timedelta

from tformance.core.events import (
    EnrichmentProgress,
    OverallProgress,
    RepoPlan,
    RepoProgress,
    Stage,
    SyncEvent,
    SyncStarted,
)

from .support import NOW

REPOS = (
    ("acme-robotics/fleet-console", 230),
    ("acme-robotics/telemetry-api", 190),
    ("acme-robotics/field-app", 118),
    ("acme-robotics/infra", 93),
    ("acme-robotics/docs", 54),
)
SAML = (
    "Resource protected by organization SAML enforcement. You must grant your Personal Access token "
    "access to this organization. Authorise the token for SSO in GitHub's token settings."
)


def _started() -> SyncStarted:
    plans = tuple(RepoPlan(name, total, total, total) for name, total in REPOS)
    return SyncStarted(plans, sum(total for _, total in REPOS), 72, 31.0, 4_996)


def in_progress() -> list[SyncEvent]:
    """Mid-way: two repos fetching, one waiting its turn, one done, one just started."""
    return [
        _started(),
        RepoProgress("acme-robotics/fleet-console", Stage.FETCHING, 120, 120, 230, ai_found=31),
        RepoProgress("acme-robotics/telemetry-api", Stage.FETCHING, 80, 80, 190, ai_found=17),
        RepoProgress("acme-robotics/field-app", Stage.FETCHING, 20, 20, 118, ai_found=6),
        RepoProgress("acme-robotics/infra", Stage.DONE, 93, 93, 93, ai_found=11),
        RepoProgress("acme-robotics/docs", Stage.WAITING, 0, 0, 54),
        OverallProgress(313, 685, 313 / 685, 42.0, 4_931, 1, 0, 5),
    ]


def enrichment_in_progress() -> EnrichmentProgress:
    return EnrichmentProgress(enriched=100, pending=213, failed=0, tokens_used=61_250, cost_usd=0.0061)


def with_trouble() -> list[SyncEvent]:
    """One repo failed (SSO), the others paused by the rate limit, one retrying a 502."""
    until = NOW + timedelta(minutes=4, seconds=32)
    reason = "rate limit: paused until 12:04 UTC"
    return [
        _started(),
        RepoProgress("acme-robotics/fleet-console", Stage.PAUSED, 150, 150, 230, 38, reason, until),
        RepoProgress("acme-robotics/telemetry-api", Stage.PAUSED, 100, 100, 190, 21, reason, until),
        RepoProgress("acme-robotics/field-app", Stage.FAILED, 0, 0, 118, 0, f"GitHub refused the request: {SAML}"),
        RepoProgress(
            "acme-robotics/infra",
            Stage.RETRYING,
            40,
            40,
            93,
            5,
            "GitHub answered HTTP 502; retrying with 25 PRs a page",
            NOW + timedelta(seconds=7),
        ),
        RepoProgress("acme-robotics/docs", Stage.DONE, 54, 54, 54, ai_found=12),
        OverallProgress(344, 685, (344 + 118) / 685, 95.0, 0, 1, 1, 5),
    ]
