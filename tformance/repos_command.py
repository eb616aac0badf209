"""`tformance repos`: the tracked repositories with their status and PR counts; `repos remove` untracks one.

Removing deletes the repository's PRs with their reviews and commits, after a confirmation (or
``--yes``); it waits for no sync: while one runs on this database it exits 2 and changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tformance.core.settings import Settings
from tformance.core.workspace import TrackedRepo, Workspace

from .cli import EXIT_OK, EXIT_USAGE, UsageError
from .wiring import local_workspace


def run_repos(args: argparse.Namespace) -> int:
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    workspace = local_workspace(settings)
    if getattr(args, "action", None) == "remove":
        return _remove(workspace, args.name, yes=args.yes)
    repos = asyncio.run(_tracked(workspace))
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


async def _tracked(workspace: Workspace) -> list[TrackedRepo]:
    async with workspace:
        return await workspace.tracked_repositories()


def _remove(workspace: Workspace, name: str, *, yes: bool) -> int:
    with workspace.sync_lock():  # never delete under a running sync
        removed = asyncio.run(_remove_tracked(workspace, name, yes=yes))
    if removed is None:
        return EXIT_USAGE
    print(f"removed {removed[0]}: {removed[1]:,} PRs deleted")
    return EXIT_OK


async def _remove_tracked(workspace: Workspace, name: str, *, yes: bool) -> tuple[str, int] | None:
    """Ask, then remove: the repository's name as tracked and the PRs deleted; None if not confirmed."""
    async with workspace:
        tracked = {repo.full_name.lower(): repo for repo in await workspace.tracked_repositories()}
        repo = tracked.get(name.lower())
        if repo is None:
            raise UsageError(f"{name} is not tracked (see `tformance repos`)")
        if not yes and not _confirmed(f"Untrack {repo.full_name} and delete its {repo.prs:,} PRs? [y/N] "):
            print("tformance: nothing removed", file=sys.stderr)
            return None
        return repo.full_name, await workspace.remove_repository(repo.full_name) or 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("`repos remove` deletes PRs: confirm with --yes when not at a terminal")
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False
