"""Team insights: the figures behind the dashboard, ``tformance report`` and the exports.

Everything comes from :func:`compute_report`, so the TUI, the report and the exports agree.

Which PRs: those *created* in the period (``since``/``until``, inclusive UTC days; by default
everything stored, i.e. the synced range), in the chosen repo, by the chosen author. The
headline figures (``TeamReport.headline``: stat cards, summaries) leave automation bots' PRs
out, as the AI-vs-human comparison does, and say how many; ``totals``, the series and the
repo tables count every PR, bots included, as GitHub would; bots are listed apart in the
author tables.

Definitions (one line each, as the README gives them):

- Volume: PRs opened (created in the period), merged, closed unmerged, still open; and
  merges per ISO week (``YYYY-Www``) of the merge.
- Cycle time: hours from creation to merge, merged PRs only: median, p90, and per month
  of the merge.
- Time to first review: hours from creation to the first review by someone other than the
  author, bots excluded (``PullRequest.first_review_at``); PRs never reviewed are left out.
- Review depth: mean number of reviews on merged PRs (GitHub's count of submitted
  reviews), and the share of merged PRs with no qualifying review before the merge.
- PR size: additions + deletions: median, p90, and buckets XS < 10 <= S < 100 <= M < 500
  <= L < 1000 <= XL lines.
- AI adoption: share of PRs AI-assisted (``detection.verdict.ai_verdict``), PRs per tool
  (``verdict.ai_tools``; a PR with two tools counts for each), per month of creation, per
  repo, per author.
- AI vs human: the same columns for AI-assisted PRs (by people, or by AI agents such as
  Copilot's coding agent) against PRs by people without AI. Automation bots' PRs (a bot
  author and no AI: dependabot, renovate) are on neither side: their instant, tiny,
  unreviewed merges would flatter whichever side they joined.
- AI vs human, cycle time: is the difference of the two medians bigger than chance? A 95%
  percentile bootstrap interval (``median_difference``; fixed seed, 1,000 replicates); "no
  clear difference" when it contains 0; no verdict with under 5 merged PRs a side.
- Data health: PRs waiting for (or failed in) LLM enrichment, repos whose sync failed or
  has not completed, and the window the stored history covers.

Percentiles use linear interpolation between closest ranks (numpy's default, Excel's
PERCENTILE.INC): the p-th percentile of n sorted values is at rank (n - 1) * p / 100. An
empty sample gives ``None`` ("no data"), never a 0.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from tformance.core.dates import utc_now
from tformance.core.metrics.cells import Group, Scan
from tformance.core.metrics.median_difference import MedianDifference, RankedSample, median_difference
from tformance.core.metrics.pr_rows import list_prs
from tformance.core.metrics.scan import scan
from tformance.core.metrics.selection import selected_repos
from tformance.core.metrics.types import (
    CLOSED,
    GHOST,
    MERGED,
    OPEN,
    SIZE_BUCKETS,
    UNKNOWN_TOOL,
    AIComparison,
    AuthorRow,
    DataHealth,
    Distribution,
    GroupStats,
    MonthAIShare,
    MonthCycleTime,
    PRRow,
    RepoFailure,
    RepoRow,
    ReportFilter,
    SizeBucket,
    TeamReport,
    ToolCount,
    WeekCount,
    distribution,
    iso_utc,
    iso_week,
    percentile,
    size_bucket,
)
from tformance.core.store.models import Repository, SyncStatus, db_proxy

__all__ = [
    "CLOSED",
    "GHOST",
    "MERGED",
    "OPEN",
    "SIZE_BUCKETS",
    "UNKNOWN_TOOL",
    "AIComparison",
    "AuthorRow",
    "DataHealth",
    "Distribution",
    "GroupStats",
    "MedianDifference",
    "MonthAIShare",
    "MonthCycleTime",
    "PRRow",
    "RepoFailure",
    "RepoRow",
    "ReportFilter",
    "SizeBucket",
    "TeamReport",
    "ToolCount",
    "WeekCount",
    "compute_report",
    "distribution",
    "iso_utc",
    "iso_week",
    "list_prs",
    "percentile",
    "size_bucket",
]

_NO_DATA = Distribution(0, None, None)


def compute_report(filters: ReportFilter | None = None, *, now: datetime | None = None) -> TeamReport:
    """Compute every figure for the PRs ``filters`` selects, from the bound database.

    Never fails on an empty selection: counts are 0, figures that need data are ``None``,
    series are empty. ``now`` only stamps ``generated_at`` (tests pass a fixed time).
    """
    filters = filters or ReportFilter()
    # One read transaction: on SQLite (WAL) every query sees the same snapshot, even while
    # a sync writes, so that the counts, percentiles, series and tools describe the same PRs.
    with db_proxy.obj.atomic():
        repos = selected_repos(filters)
        scanned = scan(filters, [repo.id for repo in repos])
    return _assemble(filters, now or utc_now(), repos, scanned)


def _assemble(
    filters: ReportFilter,
    now: datetime,
    repos: list[Repository],
    scanned: Scan,
) -> TeamReport:
    repo_rows = [
        RepoRow(
            name=repo.full_name,
            status=repo.sync_status,
            last_synced_at=repo.last_synced_at,
            sync_error=repo.sync_error,
            stats=_stats(scanned.repos.get(repo.id) or Group()),
        )
        for repo in repos
    ]
    repo_rows.sort(key=lambda row: (-row.stats.prs, row.name.lower()))
    author_rows = [AuthorRow(login or GHOST, group.is_bot, _stats(group)) for login, group in scanned.authors.items()]
    author_rows.sort(key=lambda row: (-row.stats.prs, row.login.lower()))
    no_sample = RankedSample(0, 0, ())
    comparison = AIComparison(
        ai=_stats(scanned.ai),
        human=_stats(scanned.human),
        automation_prs_excluded=scanned.automation_prs,
        cycle_time_difference=median_difference(
            scanned.cycle_samples.get("ai", no_sample), scanned.cycle_samples.get("human", no_sample)
        ).scaled(3600),
    )
    health = _health(repos, scanned)

    period_start = filters.since or (health.first_pr_at.date() if health.first_pr_at else None)
    # Without ``until``, the period runs to the newest data: the latest sync, or PR.
    last_sync = max((repo.last_synced_at for repo in repos if repo.last_synced_at), default=None)
    data_end = max(filter(None, (last_sync, health.last_pr_at)), default=None)
    period_end = filters.until or (data_end.date() if data_end else None)
    weekly: tuple[WeekCount, ...] = ()
    cycle_by_month: tuple[MonthCycleTime, ...] = ()
    ai_by_month: tuple[MonthAIShare, ...] = ()
    if scanned.total.prs and period_start and period_end:
        # PRs created in the period can be merged after its end: the merge series run on
        # to the last merge, so that they add up to the merged total.
        last_merge = max(scanned.merged_per_day, default=None)
        merges_end = max(period_end, _day(last_merge)) if last_merge else period_end
        weekly = _weekly(scanned.merged_per_day, period_start, merges_end)
        cycle_by_month = tuple(
            MonthCycleTime(month, scanned.cycle_by_month.get(month, _NO_DATA))
            for month in _months(period_start, merges_end)
        )
        ai_by_month = tuple(
            _month_share(
                month,
                scanned.created_by_month[month, True],
                scanned.created_by_month[month, False],
            )
            for month in _months(period_start, period_end)
        )

    return TeamReport(
        filters=filters,
        generated_at=now,
        period_start=period_start,
        period_end=period_end,
        totals=_stats(scanned.total),
        weekly_merged=weekly,
        cycle_time_by_month=cycle_by_month,
        size_buckets=_size_buckets(scanned.size_buckets),
        ai_by_tool=tuple(
            ToolCount(tool, count)
            for tool, count in sorted(scanned.tools.items(), key=lambda item: (-item[1], item[0]))
        ),
        ai_by_month=ai_by_month,
        ai_vs_human=comparison,
        repos=tuple(repo_rows),
        authors=tuple(row for row in author_rows if not row.is_bot),
        bots=tuple(row for row in author_rows if row.is_bot),
        health=health,
        headline=_stats(scanned.total if filters.include_bots else scanned.people),
    )


def _stats(group: Group) -> GroupStats:
    """The columns of a group of PRs."""
    prs, merged, unreviewed = group.prs, group.merged, group.merged_without_review
    return GroupStats(
        prs=prs,
        merged=merged,
        closed_unmerged=group.closed_unmerged,
        open=prs - merged - group.closed_unmerged,
        ai_assisted=group.ai_assisted,
        ai_share=_share(group.ai_assisted, prs),
        cycle_time_hours=group.cycle_time_hours,
        time_to_first_review_hours=group.time_to_first_review_hours,
        size_lines=group.size_lines,
        reviews_per_pr=_share(group.reviews_on_merged, merged),
        merged_without_review=unreviewed,
        merged_without_review_share=_share(unreviewed, merged),
    )


def _size_buckets(counts: tuple[int, ...]) -> tuple[SizeBucket, ...]:
    counts = counts or (0,) * len(SIZE_BUCKETS)
    return tuple(SizeBucket(label, upper, count) for (label, upper), count in zip(SIZE_BUCKETS, counts, strict=True))


def _health(repos: list[Repository], scanned: Scan) -> DataHealth:
    # A repo whose history is exhausted is covered from its first PR, whatever the start.
    starts = [repo.history_start for repo in repos if repo.history_start and not repo.history_exhausted]
    synced = [repo.last_synced_at for repo in repos if repo.last_synced_at]
    return DataHealth(
        pending_enrichment=scanned.total.pending_enrichment,
        failed_enrichment=scanned.total.failed_enrichment,
        failed_repos=tuple(
            RepoFailure(repo.full_name, repo.sync_error) for repo in repos if repo.sync_status == SyncStatus.FAILED
        ),
        incomplete_repos=tuple(
            repo.full_name for repo in repos if repo.sync_status in (SyncStatus.PENDING, SyncStatus.SYNCING)
        ),
        covered_from=max(starts, default=None),
        covered_until=min(synced, default=None),
        first_pr_at=scanned.first_created,
        last_pr_at=scanned.last_created,
    )


def _day(key: int) -> date:
    """The date of a YYYYMMDD day key."""
    return date(key // 10_000, key // 100 % 100, key % 100)


def _weekly(merged_per_day: Counter[int], start: date, end: date) -> tuple[WeekCount, ...]:
    per_week: Counter[str] = Counter()
    for day, count in merged_per_day.items():
        per_week[iso_week(_day(day))] += count
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        week = iso_week(monday)
        weeks.append(WeekCount(week, per_week[week]))
        monday += timedelta(days=7)
    return tuple(weeks)


def _months(start: date, end: date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_share(month: str, ai: int, other: int) -> MonthAIShare:
    return MonthAIShare(month, ai + other, ai, _share(ai, ai + other))


def _share(part: float, whole: int) -> float | None:
    return part / whole if whole else None
