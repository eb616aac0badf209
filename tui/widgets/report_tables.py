"""Tables of the dashboard: per repo, per author, and AI-assisted against the rest.

Cells are ``rich.text.Text`` built from cleaned strings: a login or repo name is never markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from ...core.metrics import AIComparison, AuthorRow, GroupStats, RepoRow
from ..formatting import ago, count, hours, percent, short_repo_names
from ..safe_text import clean

RIGHT = "right"


def _num(value: int | None) -> Text:
    return Text(count(value), justify=RIGHT)


def _right(value: str, style: str = "") -> Text:
    return Text(value, justify=RIGHT, style=style)


def _reset(table: DataTable, columns: tuple[str, ...]) -> None:
    table.clear(columns=True)
    table.add_columns(*columns)


def fill_repo_table(table: DataTable, repos: tuple[RepoRow, ...], now: datetime) -> None:
    _reset(table, ("Repository", "PRs", "Merged", "Open", "AI", "Cycle (median)", "1st review", "Synced"))
    labels = short_repo_names(row.name for row in repos)
    for row in repos:
        stats = row.stats
        if row.status == "failed":
            synced = Text(clean(f"failed: {row.sync_error or 'unknown error'}", limit=40), style="bold")
        else:
            synced = Text(ago(row.last_synced_at, now), style="dim")
        table.add_row(
            Text(clean(labels[row.name])),
            _num(stats.prs),
            _num(stats.merged),
            _num(stats.open),
            _right(percent(stats.ai_share)),
            _right(hours(stats.cycle_time_hours.median)),
            _right(hours(stats.time_to_first_review_hours.median)),
            synced,
            key=row.name,
        )


def fill_author_table(table: DataTable, people: tuple[AuthorRow, ...], bots: tuple[AuthorRow, ...]) -> None:
    _reset(table, ("Author", "PRs", "Merged", "AI", "Cycle (median)", "Size (median)", "Reviews/PR"))
    for row in (*people, *bots):
        stats = row.stats
        name = Text(clean(row.login))
        if row.is_bot:
            name.append(" (bot)", style="dim")
        table.add_row(
            name,
            _num(stats.prs),
            _num(stats.merged),
            _right(percent(stats.ai_share)),
            _right(hours(stats.cycle_time_hours.median)),
            _right(_lines(stats.size_lines.median)),
            _right(_one_decimal(stats.reviews_per_pr)),
            key=f"{'bot' if row.is_bot else 'person'}:{row.login}",
        )


def fill_comparison_table(table: DataTable, comparison: AIComparison) -> None:
    _reset(table, ("", "AI-assisted", "Without AI"))
    ai, human = comparison.ai, comparison.human
    for label, pick in COMPARISON_ROWS:
        table.add_row(Text(label, style="bold"), _right(pick(ai)), _right(pick(human)))


def _lines(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} lines"


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


COMPARISON_ROWS = (
    ("PRs", lambda s: count(s.prs)),
    ("Merged", lambda s: count(s.merged)),
    ("Cycle time, median", lambda s: hours(s.cycle_time_hours.median)),
    ("Cycle time, p90", lambda s: hours(s.cycle_time_hours.p90)),
    ("First review, median", lambda s: hours(s.time_to_first_review_hours.median)),
    ("Size, median", lambda s: _lines(s.size_lines.median)),
    ("Reviews per merged PR", lambda s: _one_decimal(s.reviews_per_pr)),
    ("Merged without review", lambda s: percent(s.merged_without_review_share)),
)


def stats_line(stats: GroupStats) -> str:
    """One line for a group: ``412 PRs · 380 merged · 23% AI``."""
    return f"{count(stats.prs)} PRs · {count(stats.merged)} merged · {percent(stats.ai_share)} AI"
