"""The report written out: to a stream as text, JSON, CSV or HTML, or as an HTML file in the data
folder. Synchronous: the workspace runs these on its database thread, where the queries run."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from tformance.core.metrics.report import compute_report, list_prs
from tformance.core.metrics.types import PRRow, ReportFilter
from tformance.core.reports.anonymize import Anonymizer
from tformance.core.reports.csv_export import render_csv
from tformance.core.reports.html_page import render_html
from tformance.core.reports.json_export import report_to_json
from tformance.core.reports.text import render_text


def export_report(folder: Path, now: datetime, demo: bool) -> Path:
    report = compute_report(ReportFilter(), now=now)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{'demo-' if demo else ''}tformance-report-{now:%Y%m%d-%H%M%S}.html"
    path.write_text(render_html(report, list(list_prs(ReportFilter()))), encoding="utf-8")
    return path


def write_report(fmt: str, out: TextIO, filters: ReportFilter, anonymize: bool, width: int) -> None:
    anonymizer = Anonymizer.from_database() if anonymize else None
    if fmt == "csv":
        render_csv(filters, out, anonymizer=anonymizer)
        return
    report = compute_report(filters)
    if anonymizer is not None:
        report = anonymizer.report(report)
    if fmt == "json":
        json.dump(report_to_json(report), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "html":
        prs: Iterable[PRRow] = list_prs(filters)
        if anonymizer is not None:
            prs = (anonymizer.pr(row) for row in prs)
        out.write(render_html(report, prs))
    else:
        out.write(render_text(report, console_width=width))
