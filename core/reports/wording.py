"""The sentences and rows every report format shares, and the dashboard prints too.

The text summary and the HTML page word the selection, the period, the AI comparison and the
data coverage alike because both take them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from tformance.core.metrics.median_difference import MIN_MERGED
from tformance.core.metrics.report import GroupStats, MedianDifference, ReportFilter, TeamReport
from tformance.core.reports.figures import format_hours, format_number, format_share


def describe_cycle_difference(difference: MedianDifference, *, short: bool = False) -> str:
    """Whether AI-assisted PRs merge faster than PRs without AI beyond chance, in one sentence.

    The app, the text and the HTML report all print this, with the sample sizes; ``short``
    is the app's overview line.
    """
    a, b = f"{difference.a_count:,}", f"{difference.b_count:,}"
    sizes = f"{a} vs {b} merged PRs" if short else f"{a} AI-assisted and {b} without AI merged PRs"
    if not difference.enough_data or difference.low is None or difference.high is None:
        if short:
            return f"Cycle time: too few merged PRs to compare ({sizes})"
        return f"Too few merged PRs to compare cycle times ({sizes}; at least {MIN_MERGED} each needed)"
    interval = f"{round(difference.confidence * 100)}%{':' if short else ' interval'}"

    def way(hours: float) -> str:
        return f"{format_hours(abs(hours))} {'faster' if hours < 0 else 'slower'}"

    if not difference.clear:
        span = f"{way(difference.low)} to {way(difference.high)}"
        if short:
            return f"Cycle time: no clear difference ({interval} {span}; {sizes})"
        return f"No clear difference in median cycle time: {interval} from {span} for AI-assisted PRs ({sizes})"
    near, far = sorted((difference.low, difference.high), key=abs)
    span = f"{format_hours(abs(near))} to {way(far)}"
    if short:
        return f"Cycle time: AI-assisted {way(difference.difference or 0.0)} ({interval} {span}; {sizes})"
    return f"AI-assisted PRs merge {way(difference.difference or 0.0)} (median; {interval} {span}; {sizes})"


def describe_filters(filters: ReportFilter) -> str:
    """One line naming the selection, e.g. ``acme/web · @alice · since 2025-01-01``."""
    parts = [filters.repo or "all repos"]
    if filters.author:
        parts.append(f"@{filters.author.lstrip('@')}")
    if filters.since:
        parts.append(f"since {filters.since.isoformat()}")
    if filters.until:
        parts.append(f"until {filters.until.isoformat()}")
    if filters.include_bots:
        parts.append("bots included")
    return " · ".join(parts)


EMPTY_DATABASE = "Nothing synced yet: run `tformance sync --repo OWNER/NAME`, or try `tformance --demo`."


def nothing_text(report: TeamReport) -> str:
    """Why there is nothing to measure: an empty database, or a selection no PR matches."""
    if not report.repos and report.filters.repo is None:
        return EMPTY_DATABASE
    return "No pull requests match this selection: nothing to measure yet."


def period_line(report: TeamReport) -> str:
    generated = report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if report.period_start is None or report.period_end is None:
        return f"No pull requests stored for this selection · generated {generated}"
    return f"Period {report.period_start} to {report.period_end} (PRs created in it) · generated {generated}"


def bots_note(report: TeamReport) -> str:
    """What the headline figures leave out, e.g. ``bots left out: 45 PRs`` ("" when none)."""
    left_out = report.bots_left_out
    return f"bots left out: {left_out:,} PR{'s' if left_out != 1 else ''}" if left_out else ""


COMPARISON_ROWS: tuple[tuple[str, Callable[[GroupStats], str]], ...] = (
    ("PRs", lambda s: f"{s.prs:,}"),
    ("Median cycle time", lambda s: format_hours(s.cycle_time_hours.median)),
    ("p90 cycle time", lambda s: format_hours(s.cycle_time_hours.p90)),
    ("Median time to first review", lambda s: format_hours(s.time_to_first_review_hours.median)),
    ("Median size (lines)", lambda s: format_number(s.size_lines.median)),
    ("Merged without review", lambda s: format_share(s.merged_without_review_share)),
)


def coverage_text(report: TeamReport) -> str:
    health = report.health
    if health.covered_from is None and health.covered_until is None:
        return "No history stored yet"
    start = f" from {_date_text(health.covered_from)}" if health.covered_from else ""
    end = f" to {_date_text(health.covered_until)}" if health.covered_until else ""
    return f"History stored for every repo{start}{end}"


def _date_text(moment: datetime | date | None) -> str:
    if moment is None:
        return "?"
    return moment.date().isoformat() if isinstance(moment, datetime) else moment.isoformat()
