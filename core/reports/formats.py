"""A team report as text (rich tables), CSV (one row per PR) and a self-contained HTML page.

Nothing here computes a figure: every number comes from ``metrics.compute_report`` or, per
PR, from ``metrics.list_prs``, so the formats agree with each other and with the TUI.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from io import StringIO
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tformance.core.detection.tools import display_name
from tformance.core.metrics.median_difference import MIN_MERGED
from tformance.core.metrics.report import (
    AuthorRow,
    Distribution,
    GroupStats,
    MedianDifference,
    PRRow,
    ReportFilter,
    SizeBucket,
    TeamReport,
    iso_utc,
    list_prs,
)
from tformance.core.reports.anonymize import Anonymizer
from tformance.core.safe_text import spreadsheet_cell, strip_controls

NO_DATA = "no data"
TEXT_TABLE_ROWS = 15  # authors and repos shown by the text summary; JSON and CSV have all
_SPARK = "▁▂▃▄▅▆▇█"


def format_hours(hours: float | None) -> str:
    """A duration for people: minutes under an hour, hours under two days, else days."""
    if hours is None:
        return NO_DATA
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def format_share(share: float | None) -> str:
    """A 0..1 share as a percentage, or "no data"."""
    return NO_DATA if share is None else f"{share * 100:.0f}%"


def format_number(value: float | None, digits: int = 0) -> str:
    return NO_DATA if value is None else f"{value:,.{digits}f}"


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
    console.print(Text(_period_line(report)))
    if not report.has_data:
        console.print(Text(f"\n{_nothing_text(report)}"))
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


EMPTY_DATABASE = "Nothing synced yet: run `tformance sync --repo OWNER/NAME`, or try `tformance --demo`."


def _nothing_text(report: TeamReport) -> str:
    """Why there is nothing to measure: an empty database, or a selection no PR matches."""
    if not report.repos and report.filters.repo is None:
        return EMPTY_DATABASE
    return "No pull requests match this selection: nothing to measure yet."


def _period_line(report: TeamReport) -> str:
    generated = report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if report.period_start is None or report.period_end is None:
        return f"No pull requests stored for this selection · generated {generated}"
    return f"Period {report.period_start} to {report.period_end} (PRs created in it) · generated {generated}"


def bots_note(report: TeamReport) -> str:
    """What the headline figures leave out, e.g. ``bots left out: 45 PRs`` ("" when none)."""
    left_out = report.bots_left_out
    return f"bots left out: {left_out:,} PR{'s' if left_out != 1 else ''}" if left_out else ""


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
    for label, cell in _COMPARISON_ROWS:
        table.add_row(Text(label), Text(cell(comparison.ai)), Text(cell(comparison.human)))
    notes = [Text(describe_cycle_difference(comparison.cycle_time_difference))]
    if comparison.automation_prs_excluded:
        notes.append(Text(f"Automation bot PRs left out: {comparison.automation_prs_excluded:,}"))
    return Group(table, *notes)


_COMPARISON_ROWS: tuple[tuple[str, Callable[[GroupStats], str]], ...] = (
    ("PRs", lambda s: f"{s.prs:,}"),
    ("Median cycle time", lambda s: format_hours(s.cycle_time_hours.median)),
    ("p90 cycle time", lambda s: format_hours(s.cycle_time_hours.p90)),
    ("Median time to first review", lambda s: format_hours(s.time_to_first_review_hours.median)),
    ("Median size (lines)", lambda s: format_number(s.size_lines.median)),
    ("Merged without review", lambda s: format_share(s.merged_without_review_share)),
)


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
        lines.append(Text(_coverage_text(report)))
    for failure in health.failed_repos:
        lines.append(Text(f"Sync failed: {failure.name}: {failure.error or 'no message'}"))
    if health.incomplete_repos:
        lines.append(Text(f"Not fully synced: {', '.join(health.incomplete_repos)}"))
    return Group(Text(""), *lines)


def _coverage_text(report: TeamReport) -> str:
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


CSV_COLUMNS = (
    "repo",
    "number",
    "title",
    "url",
    "author",
    "author_is_bot",
    "state",
    "is_draft",
    "created_at",
    "merged_at",
    "closed_at",
    "first_review_at",
    "cycle_time_hours",
    "time_to_first_review_hours",
    "additions",
    "deletions",
    "size",
    "size_bucket",
    "review_count",
    "merged_without_review",
    "ai_assisted",
    "ai_verdict_source",
    "ai_tools",
    "enrichment_status",
)


def render_csv(filters: ReportFilter | None, out: TextIO, *, anonymizer: Anonymizer | None = None) -> int:
    """Write a header and one row per PR ``filters`` selects to ``out``; return the row count.

    Times are ISO 8601 UTC, hours have 2 decimals, booleans are ``true``/``false``, tools
    are joined with ``;``. Terminal control bytes are removed from every cell, and text a
    spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading ``'``.
    """
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in list_prs(filters):
        if anonymizer is not None:
            row = anonymizer.pr(row)
        writer.writerow([spreadsheet_cell(cell) for cell in _csv_row(row)])  # the output edge: every cell
        count += 1
    return count


def _csv_row(row: PRRow) -> list[str | int]:
    return [
        _cell_text(row.repo),
        row.number,
        _cell_text(row.title),
        row.url,
        _cell_text(row.author),
        _bool(row.author_is_bot),
        row.state,
        _bool(row.is_draft),
        _time(row.created_at),
        _time(row.merged_at),
        _time(row.closed_at),
        _time(row.first_review_at),
        _hours(row.cycle_time_hours),
        _hours(row.time_to_first_review_hours),
        row.additions,
        row.deletions,
        row.size,
        row.size_bucket,
        row.review_count,
        _bool(row.merged_without_review),
        _bool(row.ai_assisted),
        row.ai_verdict_source,
        ";".join(map(display_name, row.ai_tools)),
        row.enrichment_status,
    ]


def _cell_text(value: str) -> str:
    return str(spreadsheet_cell(value))  # every cell goes through it again at the edge; harmless twice


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _time(moment: datetime | None) -> str:
    return iso_utc(moment) or ""


def _hours(hours: float | None) -> str:
    return "" if hours is None else f"{hours:.2f}"


def render_html(report: TeamReport, prs: Iterable[PRRow] = ()) -> str:
    """One self-contained HTML page: summary cards, SVG charts, tables, the PRs listed.

    Inline CSS and SVG only, no script and no link to load, so it opens offline; every
    text from the data (titles, logins, repo names, errors) is HTML-escaped.
    """
    totals = report.headline
    cards = [
        ("PRs opened", f"{totals.prs:,}"),
        ("Merged", f"{totals.merged:,}"),
        ("Median cycle time", format_hours(totals.cycle_time_hours.median)),
        ("p90 cycle time", format_hours(totals.cycle_time_hours.p90)),
        ("Median first review", format_hours(totals.time_to_first_review_hours.median)),
        ("Merged without review", format_share(totals.merged_without_review_share)),
        ("Median size", f"{format_number(totals.size_lines.median)} lines"),
        ("AI-assisted", format_share(totals.ai_share)),
    ]
    note = (
        f'<p class="meta">Figures above: {_e(bots_note(report))} (automation accounts).</p>'
        if bots_note(report)
        else ""
    )
    sections = [
        '<section class="cards">'
        + "".join(
            f'<div class="card"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div></div>'
            for label, value in cards
        )
        + "</section>"
        + note
    ]
    if report.has_data:
        sections += [
            _chart_section(
                "Merged per week",
                [(w.week, float(w.count)) for w in report.weekly_merged],
                lambda v: f"{v:,.0f}",
            ),
            _chart_section(
                "Median cycle time per month of merge",
                [(m.month, m.cycle_time_hours.median) for m in report.cycle_time_by_month],
                format_hours,
            ),
            _chart_section(
                "AI-assisted share per month",
                [(m.month, m.share) for m in report.ai_by_month],
                format_share,
            ),
            _chart_section(
                "PR size (lines changed)",
                [(_bucket_label(b.label, b.upper, previous), float(b.count)) for b, previous in _with_lower(report)],
                lambda v: f"{v:,.0f}",
                label_every_bar=True,
            ),
            _tools_section(report),
            _comparison_section(report),
            _stats_section("Repositories", "Repository", [(r.name, r.stats) for r in report.repos]),
            _stats_section("Authors", "Author", [(a.login, a.stats) for a in report.authors]),
        ]
        if report.bots:
            sections.append(_stats_section("Bots (listed apart)", "Bot", [(b.login, b.stats) for b in report.bots]))
    else:
        sections.append(f"<p>{_e(_nothing_text(report))}</p>")
    sections.append(_prs_section(prs))
    sections.append(_health_section(report))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e('Team insights: ' + describe_filters(report.filters))}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f'<h1>Team insights</h1><p class="meta">{_e(describe_filters(report.filters))}'
        f"<br>{_e(_period_line(report))}</p>" + "\n".join(sections) + "</main></body></html>\n"
    )


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;
background:#f6f8fa}main{max-width:1100px;margin:0 auto;padding:24px}h1{margin:0 0 4px}
h2{font-size:1.1em;margin:28px 0 8px}.meta{color:#59636e;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:12px;min-width:0}
.card .label{color:#59636e;font-size:.85em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card .value{font-size:1.5em;font-weight:600;white-space:nowrap}.nowrap{white-space:nowrap}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}
th,td{border-bottom:1px solid #d1d9e0;padding:4px 8px;text-align:right}
th:first-child,td:first-child,.text{text-align:left}th{background:#eef1f4}
svg{background:#fff;border:1px solid #d1d9e0;border-radius:8px;width:100%;height:auto}
svg .bar{fill:#2f81f7}svg .axis{font-size:11px;fill:#59636e}.none{color:#59636e}
"""


class _Html(str):
    """Markup built here from escaped parts: ``_e`` passes it through as is."""


def _e(value: object) -> str:
    if isinstance(value, _Html):
        return value
    return html.escape(strip_controls(str(value)), quote=True)


def _with_lower(report: TeamReport) -> list[tuple[SizeBucket, int | None]]:
    """Each size bucket with the upper bound of the one before it (its lower bound)."""
    buckets = report.size_buckets
    return [(bucket, buckets[index - 1].upper if index else None) for index, bucket in enumerate(buckets)]


def _bucket_label(label: str, upper: int | None, lower: int | None) -> str:
    """``XS <10``, ``S 10-99``, ``XL 1000+``: a size bucket with its lines."""
    if upper is None:
        return f"{label} {lower or 0:,}+"
    return f"{label} <{upper:,}" if lower is None else f"{label} {lower:,}-{upper - 1:,}"


def _chart_section(
    title: str,
    points: Sequence[tuple[str, float | None]],
    label: Callable[[float | None], str],
    *,
    label_every_bar: bool = False,
) -> str:
    """A bar chart as inline SVG: one bar per point, a gap where there is no data.

    The axis names the first and last points, or (``label_every_bar``) every bar, its value above it.
    """
    width, height, top, bottom, left = 960, 220, 20, 30, 10
    if not points:
        return f'<h2>{_e(title)}</h2><p class="none">{NO_DATA}</p>'
    peak = max((value for _, value in points if value is not None), default=0) or 1
    step = (width - 2 * left) / len(points)
    bars = []
    for index, (name, value) in enumerate(points):
        if value is None:
            continue
        bar_width = min(step * 0.8, 48.0)
        x = left + index * step + (step - bar_width) / 2
        tooltip = f"<title>{_e(name)}: {_e(label(value))}</title>"
        bar_height = (height - top - bottom) * value / peak
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{height - bottom - bar_height:.1f}" '
            f'width="{bar_width:.1f}" height="{bar_height:.1f}">{tooltip}</rect>'
        )
    first, last = points[0][0], points[-1][0]
    if label_every_bar:
        axis = "".join(
            f'<text class="axis" x="{left + (index + 0.5) * step:.1f}" y="{height - 10}" text-anchor="middle">'
            f"{_e(name)}</text>"
            f'<text class="axis" x="{left + (index + 0.5) * step:.1f}" '
            f'y="{height - bottom - (height - top - bottom) * (value or 0) / peak - 4:.1f}" text-anchor="middle">'
            f"{_e(label(value))}</text>"
            for index, (name, value) in enumerate(points)
        )
    else:
        axis = (
            f'<text class="axis" x="{left}" y="{height - 10}">{_e(first)}</text>'
            f'<text class="axis" x="{width - left}" y="{height - 10}" text-anchor="end">{_e(last)}</text>'
            f'<text class="axis" x="{left}" y="{top - 6}">max {_e(label(peak))}</text>'
        )
    return (
        f"<h2>{_e(title)}</h2>"
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">' + "".join(bars) + axis + "</svg>"
    )


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    text_columns: int = 1,
    nowrap: Sequence[int] = (0,),
) -> str:
    """A table; the first ``text_columns`` align left, the ``nowrap`` ones never wrap (names, dates)."""

    def cell(tag: str, index: int, value: object) -> str:
        classes = " ".join(name for name, on in (("text", index < text_columns), ("nowrap", index in nowrap)) if on)
        return f'<{tag} class="{classes}">{_e(value)}</{tag}>' if classes else f"<{tag}>{_e(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tools_section(report: TeamReport) -> str:
    if not report.ai_by_tool:
        return f'<h2>AI tools</h2><p class="none">{NO_DATA}</p>'
    rows = [(display_name(t.tool), f"{t.prs:,}") for t in report.ai_by_tool]
    return "<h2>AI tools (PRs)</h2>" + _table(("Tool", "PRs"), rows)


def _comparison_section(report: TeamReport) -> str:
    comparison = report.ai_vs_human
    rows = [(label, cell(comparison.ai), cell(comparison.human)) for label, cell in _COMPARISON_ROWS]
    note = f'<p class="verdict">{_e(describe_cycle_difference(comparison.cycle_time_difference))}</p>'
    if comparison.automation_prs_excluded:
        note += f'<p class="meta">Automation bot PRs left out: {comparison.automation_prs_excluded:,}</p>'
    return "<h2>AI-assisted vs without AI</h2>" + _table(("", "AI-assisted", "Without AI"), rows) + note


def _stats_section(title: str, first: str, rows: Sequence[tuple[str, GroupStats]]) -> str:
    headers = (
        first,
        "PRs",
        "Merged",
        "Median cycle",
        "p90 cycle",
        "Median 1st review",
        "Median size",
        "No review",
        "AI",
    )
    body = [
        (
            name,
            f"{s.prs:,}",
            f"{s.merged:,}",
            format_hours(s.cycle_time_hours.median),
            format_hours(s.cycle_time_hours.p90),
            format_hours(s.time_to_first_review_hours.median),
            format_number(s.size_lines.median),
            format_share(s.merged_without_review_share),
            format_share(s.ai_share),
        )
        for name, s in rows
    ]
    return f"<h2>{_e(title)}</h2>" + _table(headers, body)


def _pr_link(pr: PRRow) -> str:
    """``#123`` linked to the PR on GitHub (plain when the URL is gone, as in anonymized reports)."""
    number = f"#{pr.number}"
    if not pr.url.startswith(("https://", "http://")):
        return number
    return _Html(f'<a href="{_e(pr.url)}">{_e(number)}</a>')


def _prs_section(prs: Iterable[PRRow]) -> str:
    newest_first = sorted(prs, key=lambda pr: pr.created_at, reverse=True)
    rows = [
        (
            pr.repo,
            _pr_link(pr),
            pr.title,
            pr.author,
            pr.state.lower(),
            pr.created_at.date().isoformat(),
            format_hours(pr.cycle_time_hours) if pr.merged_at else "",
            f"{pr.size:,}",
            ", ".join(map(display_name, pr.ai_tools)) or "yes" if pr.ai_assisted else "no",
        )
        for pr in newest_first
    ]
    if not rows:
        return ""
    headers = ("Repository", "PR", "Title", "Author", "State", "Created", "Cycle", "Size", "AI")
    return "<h2>Pull requests, newest first</h2>" + _table(headers, rows, text_columns=4, nowrap=(0, 1, 3, 5, 6, 8))


def _health_section(report: TeamReport) -> str:
    health = report.health
    items = [
        f"{health.pending_enrichment:,} PRs awaiting AI enrichment (their signature verdict is "
        f"used) · {health.failed_enrichment:,} failed",
        _coverage_text(report),
    ]
    items += [f"Sync failed: {f.name}: {f.error or 'no message'}" for f in health.failed_repos]
    if health.incomplete_repos:
        items.append(f"Not fully synced: {', '.join(health.incomplete_repos)}")
    return "<h2>Data health</h2><ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
