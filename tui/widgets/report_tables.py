"""Tables of the dashboard: per repo, per author, and AI-assisted against the rest.

Cells are ``rich.text.Text`` built from cleaned strings: a login or repo name is never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.console import JustifyMethod
from rich.text import Text
from textual.widgets import DataTable

from tformance.core.metrics.types import AIComparison, AuthorRow, GroupStats, RepoRow

from ..formatting import ago, count, hours, percent, short_repo_names
from ..safe_text import clean
from .sortable_table import SortableTable, SortKey, TableRow

RIGHT: JustifyMethod = "right"


def _num(value: int | None) -> Text:
    return Text(count(value), justify=RIGHT)


def _right(value: str, style: str = "") -> Text:
    return Text(value, justify=RIGHT, style=style)


def _reset(table: DataTable[Text], columns: tuple[str, ...]) -> None:
    table.clear(columns=True)
    table.add_columns(*columns)


REPO_COLUMNS = ("Repository", "PRs", "Merged", "Open", "AI", "Cycle (med)", "1st review", "Synced")
AUTHOR_COLUMNS = ("Author", "PRs", "Merged", "AI", "Cycle (med)", "Size (med)", "Reviews/PR")
REPO_GIVE_WAY = ((7, 10), (0, 12))  # the sync note, then the name: every figure stays
AUTHOR_GIVE_WAY = ((0, 12),)


def show_repo_table(table: SortableTable, repos: tuple[RepoRow, ...], now: datetime) -> None:
    """One row per repo, keyed by its full name (the drill-down opens its PRs)."""
    labels = short_repo_names(row.name for row in repos)
    rows = []
    for row in repos:
        stats = row.stats
        if row.status == "failed":
            synced = Text(clean(f"failed: {row.sync_error or 'unknown error'}", limit=40), style="bold")
        else:
            synced = Text(ago(row.last_synced_at, now), style="dim")
        synced.overflow = "ellipsis"
        cells = (
            Text(clean(labels[row.name]), overflow="ellipsis"),
            _num(stats.prs),
            _num(stats.merged),
            _num(stats.open),
            _right(percent(stats.ai_share)),
            _right(hours(stats.cycle_time_hours.median)),
            _right(hours(stats.time_to_first_review_hours.median)),
            synced,
        )
        keys: tuple[SortKey, ...] = (labels[row.name].lower(), stats.prs, stats.merged, stats.open, stats.ai_share)
        keys += (stats.cycle_time_hours.median, stats.time_to_first_review_hours.median)
        keys += (row.last_synced_at.timestamp() if row.last_synced_at else None,)
        rows.append(TableRow(row.name, cells, keys))
    table.show(REPO_COLUMNS, rows)


def show_author_table(table: SortableTable, people: tuple[AuthorRow, ...], bots: tuple[AuthorRow, ...]) -> None:
    """People first, then bots; each row keyed ``person:LOGIN`` or ``bot:LOGIN``."""
    rows = []
    for row in (*people, *bots):
        stats = row.stats
        name = Text(clean(row.login), overflow="ellipsis")
        if row.is_bot:
            name.append(" (bot)", style="dim")
        cells = (
            name,
            _num(stats.prs),
            _num(stats.merged),
            _right(percent(stats.ai_share)),
            _right(hours(stats.cycle_time_hours.median)),
            _right(_lines(stats.size_lines.median)),
            _right(_one_decimal(stats.reviews_per_pr)),
        )
        keys: tuple[SortKey, ...] = (row.login.lower(), stats.prs, stats.merged, stats.ai_share)
        keys += (stats.cycle_time_hours.median,)
        keys += (stats.size_lines.median, stats.reviews_per_pr)
        rows.append(TableRow(f"{'bot' if row.is_bot else 'person'}:{row.login}", cells, keys))
    table.show(AUTHOR_COLUMNS, rows)


def fill_comparison_table(table: DataTable[Text], comparison: AIComparison) -> None:
    _reset(table, ("", "AI-assisted", "Without AI"))
    ai, human = comparison.ai, comparison.human
    for label, pick in COMPARISON_ROWS:
        table.add_row(Text(label, style="bold"), _right(pick(ai)), _right(pick(human)))


def _lines(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} lines"


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


COMPARISON_ROWS: tuple[tuple[str, Callable[[GroupStats], str]], ...] = (
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
