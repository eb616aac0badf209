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
- AI adoption: share of PRs AI-assisted (:func:`ai_verdict`), PRs per tool
  (:func:`ai_tools`; a PR with two tools counts for each), per month of creation, per
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
from typing import Any

from tformance.core.dates import utc_now
from tformance.core.metrics.median_difference import MedianDifference, RankedSample, median_difference
from tformance.core.metrics.queries import Group, Scan, list_prs, scan, selected_repos
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
    ai_tools,
    ai_verdict,
    distribution,
    hours_between,
    iso_utc,
    iso_week,
    percentile,
    size_bucket,
)
from tformance.core.store.models import Repository, SyncStatus, db_proxy

__all__ = [
    "CLOSED",
    "GHOST",
    "JSON_SCHEMA_VERSION",
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
    "ai_tools",
    "ai_verdict",
    "compute_report",
    "distribution",
    "hours_between",
    "iso_utc",
    "iso_week",
    "list_prs",
    "percentile",
    "report_to_json",
    "size_bucket",
]

JSON_SCHEMA_VERSION = 1
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


def report_to_json(report: TeamReport) -> dict[str, Any]:
    """The report as a JSON-ready dict with stable keys (``schema_version`` 1).

    Times are ISO 8601 UTC (``...Z``), dates ``YYYY-MM-DD``; hours and reviews per PR are
    rounded to 2 decimals, shares (0..1) to 4; a figure without data is ``null``. The keys
    are documented in the README and checked by ``tests/core/metrics/test_report.py``.
    """
    totals = report.totals
    health = report.health
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "generated_at": iso_utc(report.generated_at),
        "filters": {
            "repo": report.filters.repo,
            "author": report.filters.author,
            "since": _iso_date(report.filters.since),
            "until": _iso_date(report.filters.until),
            "include_bots": report.filters.include_bots,
        },
        "period": {"start": _iso_date(report.period_start), "end": _iso_date(report.period_end)},
        "repos": [
            {
                "name": row.name,
                "status": row.status,
                "last_synced_at": iso_utc(row.last_synced_at),
                "sync_error": row.sync_error,
                **_stats_json(row.stats),
            }
            for row in report.repos
        ],
        "total_prs": totals.prs,
        "merged_prs": totals.merged,
        "closed_unmerged_prs": totals.closed_unmerged,
        "open_prs": totals.open,
        "ai_assisted_prs": totals.ai_assisted,
        "ai_share": _round(totals.ai_share, 4),
        "ai_by_tool": {count.tool: count.prs for count in report.ai_by_tool},
        "ai_by_month": [
            {
                "month": month.month,
                "prs": month.prs,
                "ai_assisted": month.ai_assisted,
                "ai_share": _round(month.share, 4),
            }
            for month in report.ai_by_month
        ],
        "cycle_time_hours": _distribution_json(totals.cycle_time_hours),
        "cycle_time_by_month": [
            {
                "month": month.month,
                "merged": month.cycle_time_hours.count,
                "cycle_time_hours": _distribution_json(month.cycle_time_hours),
            }
            for month in report.cycle_time_by_month
        ],
        "time_to_first_review_hours": _distribution_json(totals.time_to_first_review_hours),
        "reviews_per_pr": _round(totals.reviews_per_pr, 2),
        "merged_without_review": totals.merged_without_review,
        "merged_without_review_share": _round(totals.merged_without_review_share, 4),
        "size_lines": _distribution_json(totals.size_lines),
        "size_buckets": {bucket.label: bucket.count for bucket in report.size_buckets},
        "weekly_merged": [{"week": week.week, "count": week.count} for week in report.weekly_merged],
        "authors": [_author_json(row) for row in report.authors],
        "bots": [_author_json(row) for row in report.bots],
        "ai_vs_human": {
            "ai": _stats_json(report.ai_vs_human.ai),
            "human": _stats_json(report.ai_vs_human.human),
            "automation_prs_excluded": report.ai_vs_human.automation_prs_excluded,
            "cycle_time_difference": _difference_json(report.ai_vs_human.cycle_time_difference),
        },
        # The stat cards' figures: every PR but automation bots' (``bots_left_out`` of them).
        "headline": {**_stats_json(report.headline), "bots_left_out": report.bots_left_out},
        "health": {
            "pending_enrichment": health.pending_enrichment,
            "failed_enrichment": health.failed_enrichment,
            "failed_repos": [{"name": f.name, "error": f.error} for f in health.failed_repos],
            "incomplete_repos": list(health.incomplete_repos),
            "covered_from": iso_utc(health.covered_from),
            "covered_until": iso_utc(health.covered_until),
            "first_pr_at": iso_utc(health.first_pr_at),
            "last_pr_at": iso_utc(health.last_pr_at),
        },
    }


def _stats_json(stats: GroupStats) -> dict[str, Any]:
    return {
        "prs": stats.prs,
        "merged": stats.merged,
        "closed_unmerged": stats.closed_unmerged,
        "open": stats.open,
        "ai_assisted": stats.ai_assisted,
        "ai_share": _round(stats.ai_share, 4),
        "cycle_time_hours": _distribution_json(stats.cycle_time_hours),
        "time_to_first_review_hours": _distribution_json(stats.time_to_first_review_hours),
        "size_lines": _distribution_json(stats.size_lines),
        "reviews_per_pr": _round(stats.reviews_per_pr, 2),
        "merged_without_review": stats.merged_without_review,
        "merged_without_review_share": _round(stats.merged_without_review_share, 4),
    }


def _difference_json(difference: MedianDifference) -> dict[str, Any]:
    """AI-assisted minus without-AI median cycle time (hours); negative: AI-assisted PRs merge faster."""
    if not difference.enough_data:
        verdict = "too_few_prs"
    elif not difference.clear:
        verdict = "no_clear_difference"
    else:
        verdict = "ai_faster" if (difference.high or 0) < 0 else "ai_slower"
    return {
        "ai_merged": difference.a_count,
        "human_merged": difference.b_count,
        "median_difference_hours": _round(difference.difference, 2),
        "interval_low_hours": _round(difference.low, 2),
        "interval_high_hours": _round(difference.high, 2),
        "confidence": difference.confidence,
        "verdict": verdict,
    }


def _author_json(row: AuthorRow) -> dict[str, Any]:
    return {"login": row.login, "is_bot": row.is_bot, **_stats_json(row.stats)}


def _distribution_json(value: Distribution) -> dict[str, float] | None:
    if value.median is None or value.p90 is None:
        return None
    return {"median": round(value.median, 2), "p90": round(value.p90, 2)}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _iso_date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
