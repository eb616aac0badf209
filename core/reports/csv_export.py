"""A report's PRs as CSV: one row per PR ``metrics.list_prs`` selects, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import TextIO

from tformance.core.detection.tools import display_name
from tformance.core.metrics.report import PRRow, ReportFilter, iso_utc, list_prs
from tformance.core.reports.anonymize import Anonymizer
from tformance.core.safe_text import spreadsheet_cell

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
