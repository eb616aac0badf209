"""`tformance enrich`: finish the LLM stage for whatever PRs are pending, with a progress bar.

Exit codes: 0 when it enriched what it could (or, in batch mode, submitted or is still waiting),
1 with a one-line reason when it could not enrich anything (no key, key rejected, quota, Groq down).
Unlike `sync`, whose exit code never turns red for the LLM's sake, this command exists to run the LLM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from rich.console import Console
from rich.text import Text

from tformance.core.errors import LLMUnavailable
from tformance.core.settings import Settings
from tformance.core.workspace import BatchOutcome, EnrichmentSummary, LLMClient, LLMNoKey, Workspace

from .cli import EXIT_FAILED, EXIT_OK
from .terminal_progress import TerminalProgress
from .wiring import open_workspace

__all__ = ["run_batch", "run_enrich"]


def run_enrich(args: argparse.Namespace) -> int:
    """Enrich the pending PRs of the database chosen by ``args`` (``db``, ``demo``, ``llm_mode``, ``dry_run``)."""
    settings = Settings.load()
    settings = settings.with_(
        demo=bool(getattr(args, "demo", False)), database=getattr(args, "db", None) or settings.database
    )
    mode = getattr(args, "llm_mode", None) or "live"
    workspace = open_workspace(settings, demo_speed=float(getattr(args, "demo_speed", 1.0) or 1.0))
    console = Console()
    if getattr(args, "dry_run", False):
        lock: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    else:
        lock = workspace.sync_lock()  # the LLM work of a running sync is not done twice
    with lock:
        return asyncio.run(_run_enrich(args, workspace, mode, console))


async def _run_enrich(args: argparse.Namespace, workspace: Workspace, mode: str, console: Console) -> int:
    async with workspace:
        if getattr(args, "dry_run", False):
            console.print(Text(await dry_run_text(workspace, mode)))
            return EXIT_OK
        if mode == "live" and await workspace.pending_enrichment() == 0:
            # Nothing to do is success, with or without a Groq key.
            console.print("No PRs are waiting for AI summaries.")
            return EXIT_OK
        llm = workspace.llm()
        if llm is None:
            print(f"tformance: {LLMNoKey()}", file=sys.stderr)
            return EXIT_FAILED
        if mode == "batch":
            return await run_batch(workspace, llm, console)
        return await _live(workspace, llm, console)


async def dry_run_text(workspace: Workspace, mode: str = "live") -> str:
    """What --dry-run prints: the fields that would leave the machine and what the pending PRs would cost."""
    pending = await workspace.pending_enrichment()
    cost = workspace.llm_cost(pending, batch=mode == "batch")
    return (
        f"{workspace.outgoing_fields()}\n\n"
        f"{pending:,} PRs pending: about {cost} with {workspace.settings.llm_model}"
        + (" (Batch API price)" if mode == "batch" else "")
        + ". Nothing was sent."
    )


async def _live(workspace: Workspace, llm: LLMClient, console: Console) -> int:
    total = await workspace.pending_enrichment()
    if total == 0:
        await llm.close()
        console.print("No PRs are waiting for AI summaries.")
        return EXIT_OK
    console.print(Text(f"{total:,} PRs to enrich with {llm.model}."))
    with TerminalProgress(console) as sink:
        summary = await workspace.enrich(llm, sink)
    return _report(summary, console)


def _report(summary: EnrichmentSummary, console: Console) -> int:
    console.print(Text(summary.describe()))
    if summary.stopped and summary.enriched == 0:
        print(f"tformance: {summary.stopped_reason}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def run_batch(workspace: Workspace, llm: LLMClient, console: Console) -> int:
    """Submit the pending PRs as a Groq batch, or collect the one submitted before."""

    def waiting(outcome: BatchOutcome) -> None:
        console.print(Text(outcome.message))

    try:
        result = await workspace.enrich_batch(llm, on_waiting=waiting)
    except LLMUnavailable as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_FAILED
    outcome = result.outcome
    console.print(Text(outcome.message or outcome.status))
    if result.cost is not None:
        console.print(Text(f"The batch's answers used {result.cost}."))
    return EXIT_FAILED if outcome.status in ("failed", "expired", "cancelled") else EXIT_OK
