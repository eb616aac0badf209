"""`tformance report`: the dashboard's figures in the terminal, as JSON, CSV or a self-contained HTML page."""

from __future__ import annotations

import argparse
import asyncio
import errno
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
from tformance.core.metrics.types import ReportFilter
from tformance.core.settings import Settings
from tformance.core.workspace import Workspace

from .cli import EXIT_OK, UsageError
from .wiring import local_workspace


def run_report(args: argparse.Namespace) -> int:
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    filters = ReportFilter(repo=args.repo, since=_parse_date(args.since), include_bots=args.include_bots)
    workspace = local_workspace(settings)
    asyncio.run(_report(workspace, args, filters))
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


async def _report(workspace: Workspace, args: argparse.Namespace, filters: ReportFilter) -> None:
    async with workspace:
        if args.repo:
            _check_tracked(args.repo, await workspace.tracked_names())
        if not args.output:
            await _write(workspace, args.format, filters, args.anonymize, sys.stdout)
            return
        with _output_file(Path(args.output)) as out:
            await _write(workspace, args.format, filters, args.anonymize, out)


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


async def _write(workspace: Workspace, fmt: str, filters: ReportFilter, anonymize: bool, out: TextIO) -> None:
    width = shutil.get_terminal_size((100, 24)).columns if out is sys.stdout else 100
    await workspace.write_report(fmt, out, filters, anonymize=anonymize, width=min(width, 140))


def _check_tracked(repo: str, names: list[str]) -> None:
    """Refuse a ``--repo`` the database does not track, naming the ones it does."""
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
