"""`tformance sync`: the same sync as the app, headless, with terminal progress bars.

The LLM stage runs beside the fetch (it starts on the first stored page). It never turns the
exit code red: without a key, or with Groq down, PRs keep their signature verdicts and stay
pending for `tformance enrich`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from contextlib import nullcontext

from rich.console import Console
from rich.text import Text

from tformance.core.dates import calculate_sync_date_range
from tformance.core.detection.rescan import rescan_at_sync_start
from tformance.core.enrichment.enricher import Enricher, EnrichmentSummary, count_pending
from tformance.core.errors import GitHubAuthError, GitHubError
from tformance.core.events import EventSink, SyncFinished
from tformance.core.github.token_sources import FoundToken
from tformance.core.llm.cost import estimate_llm_cost, format_cost
from tformance.core.llm.prompt import describe_outgoing_fields
from tformance.core.services import Services, build_services
from tformance.core.settings import Settings, demo_settings
from tformance.core.store.database import open_database
from tformance.core.store.models import Repository
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.store.sync_lock import SyncLock
from tformance.core.sync.estimate import estimate, rough_duration

from .cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from .terminal_progress import TerminalProgress, results_table

_REPO_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
DEMO_CLI_SPEED = 25.0  # the headless demo has no one watching bars: run it briskly


def run_sync(args: argparse.Namespace) -> int:
    overrides = {"database": args.db, "history_months": args.months}
    settings = Settings.load(host=args.host, overrides=overrides).with_(demo=args.demo)
    if args.demo:
        settings = demo_settings(settings)
    months = settings.history_months
    for name in args.repo:
        if not _REPO_NAME.match(name):
            raise UsageError(f"--repo must look like OWNER/NAME, got {name!r}")
    services = build_services(settings, demo_speed=args.demo_speed * DEMO_CLI_SPEED)
    found = services.find_token()
    if not found:
        raise UsageError(
            "no GitHub token: run `gh auth login`, or set GITHUB_TOKEN or GH_TOKEN"
            " (a classic token with `repo` and `read:org`), or try it on demo data: `tformance --demo`"
        )

    # One sync per database: a second one says who holds it and exits 2 before touching anything.
    # A dry run writes nothing, so it does not wait for a running sync.
    with nullcontext() if args.dry_run else SyncLock(services.database_location()):
        open_database(services.database_location())
        return _run_sync(args, services, found, months)


def _run_sync(args: argparse.Namespace, services: Services, token: FoundToken, months: int) -> int:
    repos = list(args.repo) or list(services.settings.default_repos) or _default_repos(services)
    if not repos:
        raise UsageError(
            "no repositories to sync: pass --repo OWNER/NAME (repeatable); later runs refresh the tracked ones"
        )
    stdout = Console()
    stderr = Console(stderr=True)
    if args.dry_run:
        return asyncio.run(_dry_run(services, token.value, repos, months, stdout))
    batch = args.llm_mode == "batch" and not args.no_llm
    use_llm = not args.no_llm and not batch  # batch mode submits after the fetch instead
    try:
        finished, enrichment = asyncio.run(_sync(services, token, repos, months, stderr, use_llm))
    except GitHubAuthError as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_USAGE
    except GitHubError as error:
        print(f"tformance: sync failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    stdout.print(results_table(finished))
    if enrichment is not None:
        stdout.print(Text(enrichment.describe()))
    elif batch:
        _submit_batch(services, stdout)
    elif not use_llm:
        stdout.print(Text("AI summaries skipped (--no-llm): run `tformance enrich` to add them."))
    failed = [result for result in finished.results if not result.success]
    if failed:
        reasons = "; ".join(f"{result.repo}: {result.error}" for result in failed)
        print(f"tformance: {len(failed)} of {len(finished.results)} repositories failed: {reasons}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _submit_batch(services: Services, console: Console) -> None:
    """Hand the pending PRs to Groq's Batch API; its failure never turns the sync's exit code red."""
    from .enrich_command import run_batch

    llm = services.llm()
    if llm is None:
        console.print(Text("No GROQ_API_KEY: set it, then run `tformance enrich --llm-mode batch`."))
        return
    asyncio.run(run_batch(llm, services.settings, console))


def _default_repos(services: Services) -> list[str]:
    """Without --repo: the tracked repos, or in demo mode the whole demo organisation."""
    tracked = [repo.full_name for repo in Repository.select(Repository.full_name).order_by(Repository.full_name)]
    if tracked or not services.demo:
        return tracked
    return [repo.full_name for repo in services.demo_fake.org.repos]


def _enricher(services: Services, db: DatabaseThread, sink: EventSink) -> Enricher:
    llm = services.llm()
    settings = services.settings
    return Enricher(llm, db, batch_size=settings.llm_batch_size, sink=sink, model=settings.llm_model)


async def _sync(
    services: Services,
    token: FoundToken,
    repos: list[str],
    months: int,
    console: Console,
    use_llm: bool,
) -> tuple[SyncFinished, EnrichmentSummary | None]:
    db = DatabaseThread()
    try:
        if notice := await db.run(rescan_at_sync_start):
            console.print(notice.text, markup=False, highlight=False)
        async with services.github(token.value) as github:
            info = await github.viewer()
            name = f" ({info.name})" if info.name else ""
            signed_in = f"Signed in to GitHub as {info.login}{name} · {token.description}"
            console.print(signed_in, markup=False, highlight=False)
            for warning in info.warnings():
                console.print(f"Note: {warning}", style="yellow", markup=False)
            with TerminalProgress(console, services.pace()) as progress:
                enricher = _enricher(services, db, progress) if use_llm else None
                service = services.sync_service(
                    github, db, sink=progress, on_stored=enricher.notify if enricher else None
                )
                fetch_done = asyncio.Event()
                enrich_task = asyncio.create_task(enricher.run(fetch_done)) if enricher else None
                try:
                    finished = await service.run(repos, months)
                except BaseException:
                    if enrich_task is not None:
                        enrich_task.cancel()
                        await asyncio.gather(enrich_task, return_exceptions=True)
                    raise
                fetch_done.set()
                summary = await enrich_task if enrich_task is not None else None
                return finished, summary
    finally:
        db.close()


async def _dry_run(services: Services, token: str, repos: list[str], months: int, console: Console) -> int:
    """Count what a sync would fetch and what the LLM would see and cost; fetch and send nothing."""
    start, _ = calculate_sync_date_range(months, services.today)
    async with services.github(token) as github:
        counts = await github.count_pull_requests([f"repo:{name} is:pr created:>={start:%Y-%m-%d}" for name in repos])
        remaining = github.rate_limit.remaining
    total = sum(counts)
    pending = await asyncio.to_thread(count_pending)
    tokens, dollars = estimate_llm_cost(total + pending, services.settings.llm_model)
    planned = estimate(counts, services.pace())
    for name, count in zip(repos, counts, strict=True):
        console.print(Text(f"{name}: {count:,} PRs since {start:%Y-%m-%d}"))
    left = "" if remaining is None else f" ({remaining:,} left this hour)"
    console.print(Text(f"GitHub: about {planned.api_points:,} API points{left}, {rough_duration(planned.seconds)}"))
    console.print(Text(f"LLM ({services.settings.llm_model}): about {format_cost(tokens, dollars)}"))
    console.print(Text(describe_outgoing_fields()))
    console.print(Text("Dry run: nothing was fetched or sent."))
    return EXIT_OK
