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

from tformance.core.errors import GitHubAuthError, GitHubError
from tformance.core.settings import Settings, demo_settings
from tformance.core.workspace import FoundToken, SyncOutcome, TokenInfo, Workspace, rough_duration

from .cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from .terminal_progress import TerminalProgress, results_table
from .wiring import open_workspace

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
    workspace = open_workspace(settings, demo_speed=args.demo_speed * DEMO_CLI_SPEED)
    found = workspace.find_token()
    if not found:
        raise UsageError(
            "no GitHub token: run `gh auth login`, or set GITHUB_TOKEN or GH_TOKEN"
            " (a classic token with `repo` and `read:org`), or try it on demo data: `tformance --demo`"
        )

    # One sync per database: a second one says who holds it and exits 2 before touching anything.
    # A dry run writes nothing, so it does not wait for a running sync.
    with nullcontext() if args.dry_run else workspace.sync_lock():
        return asyncio.run(_run_sync(args, workspace, found, months))


async def _run_sync(args: argparse.Namespace, workspace: Workspace, token: FoundToken, months: int) -> int:
    async with workspace:
        repos = list(args.repo) or await workspace.default_repos()
        if not repos:
            raise UsageError(
                "no repositories to sync: pass --repo OWNER/NAME (repeatable); later runs refresh the tracked ones"
            )
        stdout = Console()
        stderr = Console(stderr=True)
        if args.dry_run:
            return await _dry_run(workspace, token.value, repos, months, stdout)
        batch = args.llm_mode == "batch" and not args.no_llm
        use_llm = not args.no_llm and not batch  # batch mode submits after the fetch instead
        try:
            outcome = await _sync(workspace, token, repos, months, stderr, use_llm)
        except GitHubAuthError as error:
            print(f"tformance: {error}", file=sys.stderr)
            return EXIT_USAGE
        except GitHubError as error:
            print(f"tformance: sync failed: {error}", file=sys.stderr)
            return EXIT_FAILED
        finished = outcome.finished
        stdout.print(results_table(finished))
        if outcome.enrichment is not None:
            stdout.print(Text(outcome.enrichment.describe()))
        elif batch:
            await _submit_batch(workspace, stdout)
        elif not use_llm:
            stdout.print(Text("AI summaries skipped (--no-llm): run `tformance enrich` to add them."))
        failed = [result for result in finished.results if not result.success]
        if failed:
            reasons = "; ".join(f"{result.repo}: {result.error}" for result in failed)
            print(
                f"tformance: {len(failed)} of {len(finished.results)} repositories failed: {reasons}", file=sys.stderr
            )
            return EXIT_FAILED
        return EXIT_OK


async def _submit_batch(workspace: Workspace, console: Console) -> None:
    """Hand the pending PRs to Groq's Batch API; its failure never turns the sync's exit code red."""
    from .enrich_command import run_batch

    llm = workspace.llm()
    if llm is None:
        console.print(Text("No GROQ_API_KEY: set it, then run `tformance enrich --llm-mode batch`."))
        return
    await run_batch(workspace, llm, console)


async def _sync(
    workspace: Workspace, token: FoundToken, repos: list[str], months: int, console: Console, use_llm: bool
) -> SyncOutcome:
    progress = TerminalProgress(console, workspace.estimate)

    def signed_in(info: TokenInfo) -> None:
        name = f" ({info.name})" if info.name else ""
        signed_in = f"Signed in to GitHub as {info.login}{name} · {token.description}"
        console.print(signed_in, markup=False, highlight=False)
        for warning in info.warnings():
            console.print(f"Note: {warning}", style="yellow", markup=False)
        progress.start()  # the bars begin under the sign-in lines

    try:
        return await workspace.sync(token.value, repos, months, sink=progress, enrich=use_llm, on_signed_in=signed_in)
    finally:
        progress.stop()


async def _dry_run(workspace: Workspace, token: str, repos: list[str], months: int, console: Console) -> int:
    """Count what a sync would fetch and what the LLM would see and cost; fetch and send nothing."""
    preview = await workspace.preview_sync(token, repos, months)
    for name, count in preview.counts:
        console.print(Text(f"{name}: {count:,} PRs since {preview.start:%Y-%m-%d}"))
    remaining = preview.rate_limit_remaining
    left = "" if remaining is None else f" ({remaining:,} left this hour)"
    planned = preview.github
    console.print(Text(f"GitHub: about {planned.api_points:,} API points{left}, {rough_duration(planned.seconds)}"))
    console.print(Text(f"LLM ({preview.llm_model}): about {preview.llm_cost}"))
    console.print(Text(workspace.outgoing_fields()))
    console.print(Text("Dry run: nothing was fetched or sent."))
    return EXIT_OK
