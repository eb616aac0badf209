"""`tformance sync`: the same sync as the app, headless, with terminal progress bars."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from rich.console import Console

from .cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from .core.database import open_database
from .core.errors import GitHubAuthError, GitHubError
from .core.events import SyncFinished
from .core.models import Repository
from .core.pr_store import DatabaseThread
from .core.services import Services, build_services
from .core.settings import Settings
from .core.sync_service import SyncService
from .terminal_progress import TerminalProgress, results_table

_REPO_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


def run_sync(args: argparse.Namespace) -> int:
    settings = Settings.from_env().with_(demo=args.demo)
    if args.db:
        settings = settings.with_(database=args.db)
    months = args.months or settings.history_months
    for name in args.repo:
        if not _REPO_NAME.match(name):
            raise UsageError(f"--repo must look like OWNER/NAME, got {name!r}")
    services = build_services(settings, demo_speed=args.demo_speed * 8)
    token = services.initial_token()
    if not token:
        raise UsageError("no GitHub token: set GITHUB_TOKEN (a classic token with `repo` and `read:org`)")

    open_database(services.database_location())
    repos = list(args.repo) or _default_repos(services)
    if not repos:
        raise UsageError(
            "no repositories to sync: pass --repo OWNER/NAME (repeatable); later runs refresh the tracked ones"
        )
    stdout = Console()
    stderr = Console(stderr=True)
    try:
        finished = asyncio.run(_sync(services, token, repos, months, stderr))
    except GitHubAuthError as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_USAGE
    except GitHubError as error:
        print(f"tformance: sync failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    stdout.print(results_table(finished))
    failed = [result for result in finished.results if not result.success]
    if finished.cancelled:
        print("tformance: sync cancelled; run it again to resume", file=sys.stderr)
        return EXIT_FAILED
    if failed:
        reasons = "; ".join(f"{result.repo}: {result.error}" for result in failed)
        print(f"tformance: {len(failed)} of {len(finished.results)} repositories failed: {reasons}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _default_repos(services: Services) -> list[str]:
    """Without --repo: the tracked repos, or in demo mode the whole demo organisation."""
    tracked = [repo.full_name for repo in Repository.select(Repository.full_name).order_by(Repository.full_name)]
    if tracked or not services.demo:
        return tracked
    return [repo.full_name for repo in services.demo_fake.org.repos]


async def _sync(services: Services, token: str, repos: list[str], months: int, console: Console) -> SyncFinished:
    db = DatabaseThread()
    try:
        async with services.github(token) as github:
            info = await github.viewer()
            name = f" ({info.name})" if info.name else ""
            console.print(f"Signed in to GitHub as {info.login}{name}", markup=False, highlight=False)
            for warning in info.warnings():
                console.print(f"Note: {warning}", style="yellow", markup=False)
            with TerminalProgress(console) as progress:
                service = SyncService(
                    github,
                    db,
                    sink=progress,
                    page_size=services.settings.page_size,
                    max_concurrent_repos=services.settings.max_in_flight,
                    today=services.today,
                )
                return await service.run(repos, months)
    finally:
        db.close()
