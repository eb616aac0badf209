"""The one sync: its lock, the signature rescan at start, the fetch, and the LLM stage overlapping it.

Both front ends run a sync through here: ``tformance sync`` as one call (:func:`sync`), the app as
fetch runs (a first one, then retries beside it) sharing one :class:`SyncEnrichment`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tformance.core.detection.rescan import rescan_at_sync_start
from tformance.core.enrichment.live import Enricher, EnrichmentSummary
from tformance.core.events import EventSink, PageStored, SyncEvent, SyncFinished
from tformance.core.github.client import TokenInfo
from tformance.core.llm.client import LLMClient
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.store.sync_lock import SyncLock
from tformance.core.workspace.services import Services


@dataclass(frozen=True)
class SyncOutcome:
    finished: SyncFinished
    enrichment: EnrichmentSummary | None  # None when the LLM stage did not run beside the fetch


class SyncEnrichment:
    """The LLM stage beside one or more fetches: it enriches what each stored page brings, and ends
    once :meth:`fetch_done` was called and nothing is pending, or when the LLM cannot be used
    (no key, key rejected, quota, down): PRs then keep their signature verdicts and stay pending."""

    def __init__(self, llm: LLMClient | None, db: DatabaseThread, services: Services, sink: EventSink) -> None:
        settings = services.settings
        self.llm = llm
        self._enricher = Enricher(llm, db, batch_size=settings.llm_batch_size, sink=sink, model=settings.llm_model)
        self._fetch_done = asyncio.Event()

    def stored(self, repo: str | None = None) -> None:
        """PRs were stored (the sync's ``PageStored``): look for pending ones now. Any thread."""
        self._enricher.notify(repo)

    def fetch_done(self) -> None:
        """No fetch is running any more: finish what is pending, then stop."""
        self._fetch_done.set()

    @property
    def fetching(self) -> bool:
        return not self._fetch_done.is_set()

    async def run(self) -> EnrichmentSummary:
        try:
            return await self._enricher.run(self._fetch_done)
        finally:
            await self.close()

    async def close(self) -> None:
        llm, self.llm = self.llm, None
        if llm is not None:
            await llm.close()


async def fetch(
    services: Services,
    db: DatabaseThread,
    token: str,
    repos: Sequence[str],
    months: int,
    *,
    sink: EventSink,
    enrichment: SyncEnrichment | None = None,
    on_locked: Callable[[], Awaitable[None]] | None = None,
    on_signed_in: Callable[[TokenInfo], None] | None = None,
) -> SyncFinished:
    """One fetch run, under the database's sync lock (re-entrant in one process; another process
    holding it raises ``SyncLocked``). ``on_locked`` runs once the lock is held, ``on_signed_in``
    with the token's owner before the pre-flight (only then is GitHub's ``viewer`` asked)."""
    lock = SyncLock(services.database_location())
    # Off the event loop: on PostgreSQL taking the lock is a round trip to the server.
    await asyncio.to_thread(lock.acquire)
    try:
        if on_locked is not None:
            await on_locked()
        if notice := await db.run(rescan_at_sync_start):
            sink(notice)
        async with services.github(token) as github:
            if on_signed_in is not None:
                on_signed_in(await github.viewer())
            service = services.sync_service(github, db, sink=_stored_pages_to(enrichment, sink))
            return await service.run(list(repos), months)
    finally:
        lock.release()


def _stored_pages_to(enrichment: SyncEnrichment | None, sink: EventSink) -> EventSink:
    """The sync's events: each ``PageStored`` wakes the LLM stage, every other one goes to ``sink``."""

    def route(event: SyncEvent) -> None:
        if isinstance(event, PageStored):
            if enrichment is not None:
                enrichment.stored(event.repo)
        else:
            sink(event)

    return route


async def sync(
    services: Services,
    db: DatabaseThread,
    token: str,
    repos: Sequence[str],
    months: int,
    *,
    sink: EventSink,
    enrichment: SyncEnrichment | None,
    on_signed_in: Callable[[TokenInfo], None] | None = None,
) -> SyncOutcome:
    """A fetch with ``enrichment`` overlapping it from the first stored page; the LLM stage then
    finishes what is pending. A failed or cancelled fetch cancels the LLM stage too."""
    task: asyncio.Task[EnrichmentSummary] | None = None

    def signed_in(info: TokenInfo) -> None:
        nonlocal task
        if on_signed_in is not None:
            on_signed_in(info)
        if enrichment is not None:
            task = asyncio.create_task(enrichment.run())

    try:
        finished = await fetch(
            services, db, token, repos, months, sink=sink, enrichment=enrichment, on_signed_in=signed_in
        )
    except BaseException:
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elif enrichment is not None:
            await enrichment.close()
        raise
    if enrichment is None or task is None:
        return SyncOutcome(finished, None)
    enrichment.fetch_done()
    return SyncOutcome(finished, await task)
