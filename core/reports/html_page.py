"""A team report as one self-contained HTML page: summary cards, SVG charts, tables, the PRs.

Nothing here computes a figure: every number comes from ``metrics.compute_report`` or, per
PR, from ``metrics.list_prs``, so the page agrees with the text summary and the TUI.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from tformance.core.detection.tools import display_name
from tformance.core.metrics.report import GroupStats, PRRow, SizeBucket, TeamReport
from tformance.core.reports.figures import NO_DATA, format_hours, format_number, format_share
from tformance.core.reports.wording import (
    COMPARISON_ROWS,
    bots_note,
    coverage_text,
    describe_cycle_difference,
    describe_filters,
    nothing_text,
    period_line,
)
from tformance.core.safe_text import strip_controls


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
        sections.append(f"<p>{_e(nothing_text(report))}</p>")
    sections.append(_prs_section(prs))
    sections.append(_health_section(report))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e('Team insights: ' + describe_filters(report.filters))}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f'<h1>Team insights</h1><p class="meta">{_e(describe_filters(report.filters))}'
        f"<br>{_e(period_line(report))}</p>" + "\n".join(sections) + "</main></body></html>\n"
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
    rows = [(label, cell(comparison.ai), cell(comparison.human)) for label, cell in COMPARISON_ROWS]
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
        coverage_text(report),
    ]
    items += [f"Sync failed: {f.name}: {f.error or 'no message'}" for f in health.failed_repos]
    if health.incomplete_repos:
        items.append(f"Not fully synced: {', '.join(health.incomplete_repos)}")
    return "<h2>Data health</h2><ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
