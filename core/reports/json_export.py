"""A team report as JSON (``tformance report --format json``): stable keys, ``schema_version`` 1.

The keys are documented in the README and checked by ``tests/core/metrics/test_report.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tformance.core.metrics.report import AuthorRow, Distribution, GroupStats, MedianDifference, TeamReport, iso_utc

JSON_SCHEMA_VERSION = 1


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
