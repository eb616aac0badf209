"""Progress crosses from the sync service to any UI as these small frozen events.

The CLI's sink draws terminal bars; the TUI's sink posts Textual messages. Nothing here knows either.
An ``EventSink`` is the one way the engine reports: the orchestration (``core/workspace``) reads
the same stream to start the LLM stage on each ``PageStored``, so no component takes callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SLOW_DOWN = "GitHub asked us to slow down"  # how a secondary-limit pause is announced, everywhere


class Stage(StrEnum):
    WAITING = "waiting"
    FETCHING = "fetching"
    PAUSED = "paused"  # rate limit: waits until ``paused_until``
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RepoPlan:
    """What the pre-flight found for one repo."""

    repo: str
    prs_in_range: int
    prs_last_6_months: int
    prs_to_fetch: int  # in range and not stored yet, plus those updated since the last sync
    error: str | None = None


@dataclass(frozen=True)
class SyncStarted:
    plans: tuple[RepoPlan, ...]  # in priority order: most active first
    total_prs: int
    estimated_points: int
    estimated_seconds: float
    rate_limit_remaining: int | None


@dataclass(frozen=True)
class RepoProgress:
    repo: str
    stage: Stage
    fetched: int  # PRs fetched in this run
    stored: int  # PRs of this repo in the database (in range)
    total: int  # PRs this run expects to fetch (exact from the pre-flight)
    ai_found: int = 0
    message: str = ""
    paused_until: datetime | None = None


@dataclass(frozen=True)
class OverallProgress:
    fetched: int
    total: int
    fraction: float  # weighted by PRs, not repos
    eta_seconds: float | None
    rate_limit_remaining: int | None
    repos_done: int
    repos_failed: int
    repos_total: int


@dataclass(frozen=True)
class RepoFinished:
    repo: str
    success: bool
    prs: int
    error: str | None = None


@dataclass(frozen=True)
class PageStored:
    """A page of ``repo``'s PRs is in the database: the LLM stage may start on them.

    For the orchestration, which routes it to the enricher; a UI has nothing to draw for it.
    """

    repo: str
    prs: int  # PRs on the page (always at least one)


@dataclass(frozen=True)
class Notice:
    """A one-line message for the user (LLM unavailable, resumed from an earlier run, ...)."""

    text: str
    level: str = "info"  # info, warning, error


@dataclass(frozen=True)
class SyncFinished:
    results: tuple[RepoFinished, ...]
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(result.success for result in self.results)


@dataclass(frozen=True)
class EnrichmentProgress:
    """The LLM stage after each committed unit of PRs; counts are for this run, ``pending`` is in the database."""

    enriched: int
    pending: int
    failed: int
    tokens_used: int
    cost_usd: float
    repo: str | None = None  # set when the unit held PRs of one repo only


@dataclass(frozen=True)
class EnrichmentStopped:
    """The LLM stage stopped early (no key, key rejected, quota used up, Groq down); PRs stay pending."""

    reason: str
    pending: int = 0


SyncEvent = (
    SyncStarted
    | RepoProgress
    | OverallProgress
    | RepoFinished
    | PageStored
    | Notice
    | SyncFinished
    | EnrichmentProgress
    | EnrichmentStopped
)
EventSink = Callable[[SyncEvent], None]


def ignore_events(_event: SyncEvent) -> None:
    """A sink for callers that do not display progress."""
