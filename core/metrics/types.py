"""What a team report holds: frozen dataclasses the TUI, the CLI and the exports read.

Also the small pure rules every part applies the same way: a PR's size bucket, the
percentile method, ISO week keys. The AI verdict is ``detection.verdict``'s and a PR's derived
figures ``store.models.derived_metrics``'s. Import them from ``tformance.core.metrics.report``,
which re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from tformance.core.store.models import DerivedMetrics, derived_metrics

if TYPE_CHECKING:
    from tformance.core.metrics.median_difference import MedianDifference

MERGED, CLOSED, OPEN = "MERGED", "CLOSED", "OPEN"
GHOST = "ghost"  # GitHub's name for a deleted account, which we store as a NULL author
UNKNOWN_TOOL = "unknown"  # AI-assisted by the verdict, but no tool named
SIZE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("XS", 10),
    ("S", 100),
    ("M", 500),
    ("L", 1000),
    ("XL", None),
)


@dataclass(frozen=True)
class ReportFilter:
    """Which PRs a report covers; ``None`` means no restriction.

    ``since`` and ``until`` are inclusive UTC days and apply to the PR's creation.
    """

    repo: str | None = None  # OWNER/NAME, case-insensitive
    author: str | None = None  # login, case-insensitive; "ghost" matches deleted accounts
    since: date | None = None
    until: date | None = None
    include_bots: bool = False  # headline figures with automation bots' PRs in, as GitHub counts them


@dataclass(frozen=True)
class Distribution:
    """Median and p90 of a sample of ``count`` values; both ``None`` when it is empty."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class GroupStats:
    """The same columns for any set of PRs: all of them, a repo, an author, one side."""

    prs: int
    merged: int
    closed_unmerged: int
    open: int
    ai_assisted: int
    ai_share: float | None  # 0..1 of ``prs``
    cycle_time_hours: Distribution  # merged PRs
    time_to_first_review_hours: Distribution  # PRs with a qualifying review
    size_lines: Distribution  # additions + deletions, every PR
    reviews_per_pr: float | None  # mean over merged PRs
    merged_without_review: int
    merged_without_review_share: float | None  # 0..1 of ``merged``


@dataclass(frozen=True)
class RepoRow:
    name: str  # OWNER/NAME
    status: str  # SyncStatus value
    last_synced_at: datetime | None
    sync_error: str | None
    stats: GroupStats


@dataclass(frozen=True)
class AuthorRow:
    login: str  # GHOST for deleted accounts
    is_bot: bool
    stats: GroupStats


@dataclass(frozen=True)
class WeekCount:
    week: str  # ISO week, YYYY-Www
    count: int


@dataclass(frozen=True)
class MonthCycleTime:
    month: str  # YYYY-MM of the merge
    cycle_time_hours: Distribution


@dataclass(frozen=True)
class MonthAIShare:
    month: str  # YYYY-MM of the creation
    prs: int
    ai_assisted: int
    share: float | None


@dataclass(frozen=True)
class SizeBucket:
    label: str
    upper: int | None  # exclusive upper bound in lines; None for the last bucket
    count: int


@dataclass(frozen=True)
class ToolCount:
    tool: str
    prs: int


@dataclass(frozen=True)
class AIComparison:
    """AI-assisted PRs (by people or AI agents) against PRs by people without AI."""

    ai: GroupStats
    human: GroupStats
    automation_prs_excluded: int  # bot PRs without AI (dependabot...), on neither side
    # AI-assisted minus without-AI median cycle time, in hours, with its 95% interval.
    cycle_time_difference: MedianDifference


@dataclass(frozen=True)
class RepoFailure:
    name: str
    error: str | None


@dataclass(frozen=True)
class DataHealth:
    pending_enrichment: int  # PRs the LLM has not judged yet: their stage-1 verdict is used
    failed_enrichment: int
    failed_repos: tuple[RepoFailure, ...]
    incomplete_repos: tuple[str, ...]  # never synced, or a sync is under way
    covered_from: datetime | None  # every selected repo's history is stored from here...
    covered_until: datetime | None  # ...until here (the oldest of their last syncs)
    first_pr_at: datetime | None  # creation of the oldest PR selected
    last_pr_at: datetime | None  # creation of the newest PR selected


@dataclass(frozen=True)
class TeamReport:
    """Every figure of the dashboard, of ``tformance report`` and of the exports."""

    filters: ReportFilter
    generated_at: datetime
    period_start: date | None  # ``since``, else the oldest PR's creation day
    period_end: date | None  # ``until``, else the latest sync (or newest PR, if later)
    totals: GroupStats  # every PR, bots included, as GitHub counts them
    weekly_merged: tuple[WeekCount, ...]  # every week of the period, zeros included
    cycle_time_by_month: tuple[MonthCycleTime, ...]
    size_buckets: tuple[SizeBucket, ...]  # XS to XL
    ai_by_tool: tuple[ToolCount, ...]  # most used first
    ai_by_month: tuple[MonthAIShare, ...]
    ai_vs_human: AIComparison
    repos: tuple[RepoRow, ...]  # most PRs first
    authors: tuple[AuthorRow, ...]  # people, most PRs first
    bots: tuple[AuthorRow, ...]  # bot accounts, most PRs first
    health: DataHealth
    # The headline figures (stat cards, summaries): every PR but automation bots' (dependabot,
    # renovate), whose instant merges would make the team look faster than either side of the
    # AI comparison. ``ai_vs_human.automation_prs_excluded`` says how many were left out.
    headline: GroupStats

    @property
    def has_data(self) -> bool:
        return self.totals.prs > 0

    @property
    def bots_left_out(self) -> int:
        """Automation bots' PRs left out of ``headline`` (0 with ``filters.include_bots``)."""
        return 0 if self.filters.include_bots else self.ai_vs_human.automation_prs_excluded


@dataclass(frozen=True)
class PRRow:
    """One PR as the CSV and HTML exports list it (no body)."""

    repo: str
    number: int
    title: str
    url: str
    author: str  # GHOST for deleted accounts
    author_is_bot: bool
    state: str  # OPEN, CLOSED, MERGED
    is_draft: bool
    created_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    first_review_at: datetime | None
    additions: int
    deletions: int
    review_count: int
    ai_assisted: bool
    ai_verdict_source: str  # "llm", or "signatures" while the LLM has not judged it
    ai_tools: tuple[str, ...]
    enrichment_status: str

    @cached_property
    def derived(self) -> DerivedMetrics:
        """The figures that follow from its times and sizes: the same function fills the store's columns."""
        return derived_metrics(self.created_at, self.merged_at, self.first_review_at, self.additions, self.deletions)

    @property
    def size(self) -> int:
        return self.derived.size_lines

    @property
    def size_bucket(self) -> str:
        return size_bucket(self.size)

    @property
    def cycle_time_hours(self) -> float | None:
        return _hours(self.derived.cycle_seconds)

    @property
    def time_to_first_review_hours(self) -> float | None:
        return _hours(self.derived.first_review_seconds)

    @property
    def merged_without_review(self) -> bool:
        return self.derived.merged_unreviewed


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def size_bucket(lines: int) -> str:
    """The bucket (XS, S, M, L, XL) of a PR with ``lines`` lines added + deleted."""
    for label, upper in SIZE_BUCKETS:
        if upper is None or lines < upper:
            return label
    raise AssertionError("the last bucket has no upper bound")


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0..100) of already sorted values; ``None`` if there are none.

    Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC):
    the value at rank (n - 1) * p / 100, interpolated between its two neighbours.
    """
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def distribution(values: Iterable[float], scale: float = 1.0) -> Distribution:
    """Median and p90 of ``values`` (any order), each divided by ``scale``."""
    ordered = sorted(values)
    median, p90 = percentile(ordered, 50), percentile(ordered, 90)
    return Distribution(
        len(ordered),
        None if median is None else median / scale,
        None if p90 is None else p90 / scale,
    )


def iso_utc(moment: datetime | None) -> str | None:
    """``2025-03-03T09:00:00Z`` (whole seconds, UTC), or ``None``."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_week(day: date) -> str:
    """The ISO week of ``day`` as ``YYYY-Www`` (2024-12-30 is in 2025-W01)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
