"""`tformance repos`: the tracked repositories with their status and PR counts; `repos remove` untracks one.

Removing deletes the repository's PRs with their reviews and commits, after a confirmation (or
``--yes``); it waits for no sync: while one runs on this database it exits 2 and changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tformance.core.settings import Settings
from tformance.core.store.database import database_errors, open_database
from tformance.core.store.pr_store import remove_repository, tracked_repositories
from tformance.core.store.sync_lock import SyncLock

from .cli import EXIT_OK, EXIT_USAGE, UsageError


def run_repos(args: argparse.Namespace) -> int:
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    location = settings.database_location()
    if getattr(args, "action", None) == "remove":
        return _remove(location, args.name, yes=args.yes)
    open_database(location)
    with database_errors():
        repos = tracked_repositories()
    console = Console()
    if not repos:
        console.print(Text("No repositories are tracked yet: `tformance sync --repo OWNER/NAME` adds one."))
        return EXIT_OK
    table = Table()
    table.add_column("Repository", no_wrap=True)
    table.add_column("Status")
    table.add_column("PRs", justify="right")
    table.add_column("Last synced")
    table.add_column("Reason")
    for repo in repos:
        synced = f"{repo.last_synced_at:%Y-%m-%d %H:%M} UTC" if repo.last_synced_at else "never"
        table.add_row(Text(repo.full_name), repo.status, f"{repo.prs:,}", synced, Text(repo.error or ""))
    console.print(table)
    return EXIT_OK


def _remove(location: str, name: str, *, yes: bool) -> int:
    with SyncLock(location):  # never delete under a running sync
        open_database(location)
        with database_errors():
            tracked = {repo.full_name.lower(): repo for repo in tracked_repositories()}
            repo = tracked.get(name.lower())
            if repo is None:
                raise UsageError(f"{name} is not tracked (see `tformance repos`)")
            if not yes and not _confirmed(f"Untrack {repo.full_name} and delete its {repo.prs:,} PRs? [y/N] "):
                print("tformance: nothing removed", file=sys.stderr)
                return EXIT_USAGE
            deleted = remove_repository(repo.full_name) or 0
    print(f"removed {repo.full_name}: {deleted:,} PRs deleted")
    return EXIT_OK


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("`repos remove` deletes PRs: confirm with --yes when not at a terminal")
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False
