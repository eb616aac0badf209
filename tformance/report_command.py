"""`tformance report`: the dashboard's figures in the terminal, as JSON, CSV or a self-contained HTML page."""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TextIO

from tformance.core.errors import TformanceError
from tformance.core.metrics.report import ReportFilter, compute_report, list_prs
from tformance.core.reports.anonymize import Anonymizer
from tformance.core.reports.csv_export import render_csv
from tformance.core.reports.html_page import render_html
from tformance.core.reports.json_export import report_to_json
from tformance.core.reports.text import render_text
from tformance.core.settings import Settings
from tformance.core.store.database import database_errors, open_database
from tformance.core.store.models import Repository

from .cli import EXIT_OK, UsageError


def run_report(args: argparse.Namespace) -> int:
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    filters = ReportFilter(repo=args.repo, since=_parse_date(args.since), include_bots=args.include_bots)
    open_database(settings.database_location())
    with database_errors():
        if args.repo:
            _check_tracked(args.repo)
        anonymizer = Anonymizer.from_database() if args.anonymize else None
        if not args.output:
            _write(args.format, filters, anonymizer, sys.stdout)
            return EXIT_OK
        with _output_file(Path(args.output)) as out:
            _write(args.format, filters, anonymizer, out)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


@contextmanager
def _output_file(path: Path) -> Iterator[TextIO]:
    """A temporary file beside ``path``, renamed onto it once complete: a failed report never leaves half a file."""
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _output_error(path, error) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            yield out
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        raise _output_error(path, error) from None
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def _output_error(path: Path, error: OSError) -> TformanceError:
    reason = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        return TformanceError(f"cannot write the report to {path}: the disk is full")
    where = path.parent if error.filename != str(path) else path
    return UsageError(f"cannot write the report to {path}: {reason} ({where}); pass -o with a place you can write")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


def _check_tracked(repo: str) -> None:
    """Refuse a ``--repo`` the database does not track, naming the ones it does."""
    names = [row.full_name for row in Repository.select(Repository.full_name).order_by(Repository.full_name)]
    if repo.strip().lower() in (name.lower() for name in names):
        return
    tracked = f"tracked: {', '.join(names[:5])}{', ...' if len(names) > 5 else ''}" if names else "none tracked yet"
    raise UsageError(f"{repo} is not tracked ({tracked}): sync it first with `tformance sync --repo {repo}`")


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since must be a date like 2025-01-31, got {value!r}") from None
