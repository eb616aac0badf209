"""`tformance report`: the dashboard's figures in the terminal, as JSON, CSV or a self-contained HTML page."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from contextlib import nullcontext
from datetime import date
from typing import TextIO

from .cli import EXIT_OK, UsageError
from .core.anonymize import Anonymizer
from .core.database import open_database
from .core.metrics import ReportFilter, compute_report, list_prs, report_to_json
from .core.report_formats import render_csv, render_html, render_text
from .core.settings import Settings


def run_report(args: argparse.Namespace) -> int:
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    filters = ReportFilter(repo=args.repo, since=_parse_date(args.since))
    open_database(settings.database_location())
    anonymizer = Anonymizer.from_database() if args.anonymize else None

    with open(args.output, "w", encoding="utf-8", newline="") if args.output else nullcontext(sys.stdout) as out:
        _write(args.format, filters, anonymizer, out)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _write(fmt: str, filters: ReportFilter, anonymizer: Anonymizer | None, out: TextIO) -> None:
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
        prs = list_prs(filters)
        if anonymizer is not None:
            prs = (anonymizer.pr(row) for row in prs)
        out.write(render_html(report, prs))
    else:
        width = shutil.get_terminal_size((100, 24)).columns if out is sys.stdout else 100
        out.write(render_text(report, console_width=min(width, 140)))


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since must be a date like 2025-01-31, got {value!r}") from None
