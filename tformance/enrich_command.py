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

from tformance.core.enrichment import enricher as enrichment
from tformance.core.enrichment.enricher import BatchEnrichment, Enricher, EnrichmentSummary
from tformance.core.errors import LLMUnavailable
from tformance.core.llm.client import LLMClient, LLMNoKey
from tformance.core.llm.cost import estimate_llm_cost, format_cost, usage_cost
from tformance.core.llm.prompt import describe_outgoing_fields
from tformance.core.services import build_services
from tformance.core.settings import Settings
from tformance.core.store.database import close_database, open_database
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.store.sync_lock import SyncLock

from .cli import EXIT_FAILED, EXIT_OK
from .terminal_progress import TerminalProgress

__all__ = ["describe_outgoing_fields", "estimate_llm_cost", "run_enrich"]

DEMO_BATCH_POLLS = 5


def run_enrich(args: argparse.Namespace) -> int:
    """Enrich the pending PRs of the database chosen by ``args`` (``db``, ``demo``, ``llm_mode``, ``dry_run``)."""
    settings = Settings.load()
    settings = settings.with_(
        demo=bool(getattr(args, "demo", False)), database=getattr(args, "db", None) or settings.database
    )
    mode = getattr(args, "llm_mode", None) or "live"
    console = Console()
    if getattr(args, "dry_run", False):
        lock: SyncLock | contextlib.nullcontext[None] = contextlib.nullcontext()
    else:
        lock = SyncLock(settings.database_location())  # the LLM work of a running sync is not done twice
    with lock:
        return _run_enrich(args, settings, mode, console)


def _run_enrich(args: argparse.Namespace, settings: Settings, mode: str, console: Console) -> int:
    open_database(settings.database_location())
    try:
        if getattr(args, "dry_run", False):
            console.print(Text(dry_run_text(settings, mode)))
            return EXIT_OK
        if mode == "live" and enrichment.count_pending() == 0:
            # Nothing to do is success, with or without a Groq key.
            console.print("No PRs are waiting for AI summaries.")
            return EXIT_OK
        llm = _llm_client(settings, args)
        if llm is None:
            print(f"tformance: {LLMNoKey()}", file=sys.stderr)
            return EXIT_FAILED
        if mode == "batch":
            return asyncio.run(run_batch(llm, settings, console))
        return asyncio.run(_live(llm, settings, console))
    finally:
        close_database()


def dry_run_text(settings: Settings, mode: str = "live") -> str:
    """What --dry-run prints: the fields that would leave the machine and what the pending PRs would cost."""
    pending = enrichment.count_pending()
    tokens, dollars = estimate_llm_cost(pending, settings.llm_model, batch=mode == "batch")
    return (
        f"{describe_outgoing_fields()}\n\n"
        f"{pending:,} PRs pending: about {format_cost(tokens, dollars)} with {settings.llm_model}"
        + (" (Batch API price)" if mode == "batch" else "")
        + ". Nothing was sent."
    )


def _llm_client(settings: Settings, args: argparse.Namespace) -> LLMClient | None:
    services = build_services(settings, demo_speed=float(getattr(args, "demo_speed", 1.0) or 1.0))
    return services.llm()


async def _live(llm: LLMClient, settings: Settings, console: Console) -> int:
    db = DatabaseThread()
    try:
        total = await db.run(enrichment.count_pending)
        if total == 0:
            console.print("No PRs are waiting for AI summaries.")
            return EXIT_OK
        console.print(Text(f"{total:,} PRs to enrich with {llm.model}."))
        with TerminalProgress(console) as sink:
            summary = await Enricher(llm, db, batch_size=settings.llm_batch_size, sink=sink).run()
        return _report(summary, console)
    finally:
        await llm.close()
        await db.run(close_database)
        db.close()


def _report(summary: EnrichmentSummary, console: Console) -> int:
    console.print(Text(summary.describe()))
    if summary.stopped and summary.enriched == 0:
        print(f"tformance: {summary.stopped_reason}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def run_batch(llm: LLMClient, settings: Settings, console: Console) -> int:
    """Submit the pending PRs as a Groq batch, or collect the one submitted before."""
    db = DatabaseThread()
    try:
        batch = BatchEnrichment(llm, db, batch_size=settings.llm_batch_size)
        outcome = await batch.run()
        # The demo's fake Groq lives only as long as this process: collect its batch now.
        for _ in range(DEMO_BATCH_POLLS if settings.demo else 0):
            if outcome.status not in ("submitted", "waiting"):
                break
            console.print(Text(outcome.message))
            outcome = await batch.run()
    except LLMUnavailable as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        await llm.close()
        await db.run(close_database)
        db.close()
    console.print(Text(outcome.message or outcome.status))
    if outcome.status == "collected":
        cost = format_cost(llm.usage.total_tokens, usage_cost(llm.model, llm.usage, batch=True))
        console.print(Text(f"The batch's answers used {cost}."))
    return EXIT_FAILED if outcome.status in ("failed", "expired", "cancelled") else EXIT_OK
