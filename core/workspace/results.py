"""What the workspace's methods answer, beyond the engine's own types: plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tformance.core.enrichment.batch import BatchOutcome
from tformance.core.github.client import RepoInfo, TokenInfo
from tformance.core.sync.estimate import Estimate


@dataclass(frozen=True)
class RepositoryList:
    """What a token can see: its owner, every repository (last pushed first), and a note when
    GitHub hid some organisations' repositories (SAML SSO not authorised for the token)."""

    info: TokenInfo
    repos: tuple[RepoInfo, ...]
    sso_note: str | None


@dataclass(frozen=True)
class PullRequestCounts:
    """PR counts for a batch of repositories: ``recent`` over the last 6 months, ``in_range``
    over the sync window; ``complete`` on the last batch."""

    recent: dict[str, int]
    in_range: dict[str, int]
    complete: bool
    points_left: int | None


@dataclass(frozen=True)
class SyncPreview:
    """What a sync would fetch and what the LLM would see and cost (``sync --dry-run``)."""

    start: date
    counts: tuple[tuple[str, int], ...]  # (repo, PRs in the window)
    rate_limit_remaining: int | None
    github: Estimate
    llm_model: str
    llm_cost: str  # tokens and dollars, for the fetched PRs and those pending already


@dataclass(frozen=True)
class BatchResult:
    outcome: BatchOutcome
    cost: str | None  # what a collected batch's answers used
