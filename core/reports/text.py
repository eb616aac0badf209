"""A team report as a compact plain-text summary (rich tables, no colour codes) for the terminal.

Nothing here computes a figure: every number comes from ``metrics.compute_report``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from io import StringIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tformance.core.detection.tools import display_name
from tformance.core.metrics.report import AuthorRow, Distribution, GroupStats, TeamReport
from tformance.core.reports.figures import NO_DATA, format_hours, format_number, format_share
from tformance.core.reports.wording import (
    COMPARISON_ROWS,
    coverage_text,
    describe_cycle_difference,
    describe_filters,
    nothing_text,
    period_line,
)
from tformance.core.safe_text import strip_controls

TEXT_TABLE_ROWS = 15  # authors and repos shown by the text summary; JSON and CSV have all


_SPARK = "▁▂▃▄▅▆▇█"


def render_text(report: TeamReport, console_width: int = 100) -> str:
    """A compact plain-text summary (rich tables, no colour codes) for the terminal."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=console_width,
        force_terminal=False,
        color_system=None,
        highlight=False,
        emoji=False,
    )
    # Every value goes in as Text, never as a markup string: a login or repo name like
    # "[bold]x[/]" must print as itself.
    console.print(Text(f"Team insights: {describe_filters(report.filters)}", style="bold"))
    console.print(Text(period_line(report)))
    if not report.has_data:
        console.print(Text(f"\n{nothing_text(report)}"))
        console.print(_health_text(report))
        return strip_controls(buffer.getvalue())

    sections: list[RenderableType] = [
        _summary_table(report),
        _comparison_table(report),
        _weekly_text(report),
        _stats_table("Repositories", "Repository", [(r.name, r.stats) for r in report.repos]),
        _people_table("Authors", report.authors),
    ]
    if report.bots:
        sections.append(_people_table("Bots (listed apart)", report.bots))
    for section in sections:
        console.print()
        console.print(section)
    console.print(_health_text(report))
    return strip_controls(buffer.getvalue())


def _summary_table(report: TeamReport) -> Table:
    totals = report.headline
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("Metric", style="bold")
    table.add_column("Value")
    buckets = "  ".join(f"{b.label} {b.count:,}" for b in report.size_buckets)
    tools = ", ".join(f"{display_name(t.tool)} {t.prs:,}" for t in report.ai_by_tool) or "none"
    rows = [
        (
            "Pull requests",
            f"{totals.prs:,} opened · {totals.merged:,} merged · "
            f"{totals.closed_unmerged:,} closed unmerged · {totals.open:,} open",
        ),
        ("Cycle time", _distribution_text(totals.cycle_time_hours)),
        ("Time to first review", _distribution_text(totals.time_to_first_review_hours)),
        (
            "Review depth",
            f"{format_number(totals.reviews_per_pr, 1)} reviews per merged PR · "
            f"{totals.merged_without_review:,} merged without review "
            f"({format_share(totals.merged_without_review_share)})",
        ),
        (
            "PR size",
            f"median {format_number(totals.size_lines.median)} lines · {buckets}",
        ),
        (
            "AI-assisted",
            f"{format_share(totals.ai_share)} ({totals.ai_assisted:,} PRs) · tools: {tools}",
        ),
    ]
    if report.bots_left_out:
        left_out = report.bots_left_out
        rows.append(("Bots left out", f"{left_out:,} PR{'s' if left_out != 1 else ''} by automation accounts"))
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table


def _distribution_text(value: Distribution) -> str:
    if value.median is None:
        return NO_DATA
    return f"median {format_hours(value.median)} · p90 {format_hours(value.p90)} ({value.count:,} PRs)"


def _comparison_table(report: TeamReport) -> RenderableType:
    comparison = report.ai_vs_human
    table = Table(title="AI-assisted vs without AI", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("")
    table.add_column("AI-assisted", justify="right")
    table.add_column("Without AI", justify="right")
    for label, cell in COMPARISON_ROWS:
        table.add_row(Text(label), Text(cell(comparison.ai)), Text(cell(comparison.human)))
    notes = [Text(describe_cycle_difference(comparison.cycle_time_difference))]
    if comparison.automation_prs_excluded:
        notes.append(Text(f"Automation bot PRs left out: {comparison.automation_prs_excluded:,}"))
    return Group(table, *notes)


def _stats_table(title: str, first: str, rows: Sequence[tuple[str, GroupStats]]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    # Names keep their width (up to a point); the number columns wrap their headers instead.
    longest = max((len(name) for name, _ in rows[:TEXT_TABLE_ROWS]), default=len(first))
    table.add_column(first, overflow="fold", min_width=min(max(longest, len(first)), 24))
    for header in ("PRs", "Merged", "Cycle", "1st review", "Size", "No review", "AI"):
        table.add_column(header, justify="right")
    for name, stats in rows[:TEXT_TABLE_ROWS]:
        table.add_row(
            Text(name),
            Text(f"{stats.prs:,}"),
            Text(f"{stats.merged:,}"),
            Text(format_hours(stats.cycle_time_hours.median)),
            Text(format_hours(stats.time_to_first_review_hours.median)),
            Text(format_number(stats.size_lines.median)),
            Text(format_share(stats.merged_without_review_share)),
            Text(format_share(stats.ai_share)),
        )
    if len(rows) > TEXT_TABLE_ROWS:
        table.caption = f"and {len(rows) - TEXT_TABLE_ROWS} more: see --format json or csv"
    return table


def _people_table(title: str, rows: Sequence[AuthorRow]) -> Table:
    return _stats_table(title, "Author", [(row.login, row.stats) for row in rows])


def _weekly_text(report: TeamReport) -> RenderableType:
    weeks = report.weekly_merged[-26:]
    if not weeks:
        return Text("")
    peak = max(week.count for week in weeks)
    # A blank for no merge at all, so that a quiet week never looks like a slow one.
    spark = "".join(_SPARK[math.ceil(week.count / peak * len(_SPARK)) - 1] if week.count else " " for week in weeks)
    return Group(
        Text("Merged per week", style="bold"),
        Text(f"{weeks[0].week} {spark} {weeks[-1].week}  (peak {peak:,}, last week {weeks[-1].count:,})"),
    )


def _health_text(report: TeamReport) -> RenderableType:
    health = report.health
    lines = [Text("Data health", style="bold")]
    lines.append(
        Text(
            f"{health.pending_enrichment:,} PRs awaiting AI enrichment (signature verdict used) · "
            f"{health.failed_enrichment:,} failed"
        )
    )
    if health.covered_from or health.covered_until:
        lines.append(Text(coverage_text(report)))
    for failure in health.failed_repos:
        lines.append(Text(f"Sync failed: {failure.name}: {failure.error or 'no message'}"))
    if health.incomplete_repos:
        lines.append(Text(f"Not fully synced: {', '.join(health.incomplete_repos)}"))
    return Group(Text(""), *lines)
