"""Stage 2 beside the fetch: pending PRs in, LLM summaries and verdicts out, as soon as they are stored.

``Enricher.run`` claims pending PRs in units of ``batch_size`` (``SYNC_LLM_BATCH_SIZE``), lets the
``LLMClient`` answer each unit with concurrent requests, and commits every unit in one transaction.
It starts as soon as PRs are stored (``notify`` is called whenever the sync stores some), so it
overlaps the fetch, and it returns once the fetch is done and nothing is pending. When Groq cannot be
used (no key, key rejected, quota used up, Groq down) it stops, leaves the PRs pending with their
stage-1 verdicts, and says in one line how to finish: it never raises for the LLM's sake.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from tformance.core.enrichment.pending import claim_unit, count_pending, load_inputs, statuses_for, store_and_count
from tformance.core.errors import DatabaseError, LLMNoKey, LLMUnavailable
from tformance.core.events import EnrichmentProgress, EnrichmentStopped, EventSink, Notice, SyncEvent, ignore_events
from tformance.core.llm.client import LLMClient, build_llm_client
from tformance.core.llm.cost import TokenUsage, format_cost, usage_cost
from tformance.core.llm.prompt import PROMPT_VERSION, PRInput
from tformance.core.settings import DEFAULT_LLM_MODEL, Settings
from tformance.core.store.pr_store import DatabaseThread

if TYPE_CHECKING:
    from groq import AsyncGroq

log = logging.getLogger(__name__)

UNITS_IN_FLIGHT = 3  # enough queued work to keep the client's concurrency busy between commits
IDLE_POLL_SECONDS = 2.0  # a safety net when nobody calls notify()


@dataclass(frozen=True)
class EnrichmentSummary:
    """What one run did. ``stopped_reason`` is set when it stopped early; ``pending`` is left in the database."""

    enriched: int
    failed: int
    pending: int
    usage: TokenUsage
    cost_usd: float
    model: str
    stopped_reason: str | None = None

    @property
    def tokens_used(self) -> int:
        return self.usage.total_tokens

    @property
    def stopped(self) -> bool:
        return self.stopped_reason is not None

    def describe(self) -> str:
        """One line for the end of a sync or ``tformance enrich``."""
        cost = format_cost(self.tokens_used, self.cost_usd)
        line = f"AI summaries: {self.enriched:,} PRs enriched with {self.model} ({cost})"
        if self.failed:
            line += f", {self.failed:,} without a usable answer"
        if self.pending:
            line += f", {self.pending:,} still pending"
        return line


class Enricher:
    """Runs stage 2 beside the sync, or alone for ``tformance enrich``.

    ``llm`` is an ``LLMClient``, a factory of ``AsyncGroq`` clients (wrapped with ``model``), or None
    when there is no key (the run then only reports how to finish).
    """

    def __init__(
        self,
        llm: LLMClient | Callable[[], AsyncGroq] | None,
        db: DatabaseThread,
        *,
        batch_size: int = 100,
        sink: EventSink = ignore_events,
        model: str = DEFAULT_LLM_MODEL,
        retry_failed: bool = False,
        units_in_flight: int = UNITS_IN_FLIGHT,
        idle_poll: float = IDLE_POLL_SECONDS,
    ) -> None:
        if llm is not None and not isinstance(llm, LLMClient):
            llm = LLMClient(llm, model)
        self.llm: LLMClient | None = llm
        self.db = db
        self.batch_size = max(1, batch_size)
        self.sink = sink
        self.model = llm.model if llm is not None else model
        self.statuses = statuses_for(retry_failed)
        self.units_in_flight = max(1, units_in_flight)
        self.idle_poll = idle_poll
        self.enriched = 0
        self.failed = 0
        self._cursor = 0
        self._requeued: set[int] = set()  # PRs whose text changed while the LLM read it
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        db: DatabaseThread,
        *,
        sink: EventSink = ignore_events,
        http_client: httpx.AsyncClient | None = None,
        **options: Any,
    ) -> Enricher:
        """The production enricher: Groq from ``GROQ_API_KEY``/``GROQ_BASE_URL``, ``SYNC_LLM_BATCH_SIZE`` units."""
        llm = build_llm_client(settings, http_client=http_client)
        return cls(llm, db, batch_size=settings.llm_batch_size, sink=sink, model=settings.llm_model, **options)

    def notify(self, repo_full_name: str | None = None) -> None:
        """PRs were stored: look for pending ones now. Safe to call from any thread."""
        loop = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)
        else:
            self._wake.set()

    async def run(self, fetch_done: asyncio.Event | None = None) -> EnrichmentSummary:
        """Enrich until ``fetch_done`` is set and nothing is pending, or until Groq cannot be used.

        Without ``fetch_done`` everything is taken as stored already (``tformance enrich``).
        """
        self._loop = asyncio.get_running_loop()
        self.enriched = self.failed = self._cursor = 0
        if fetch_done is None:
            fetch_done = asyncio.Event()
            fetch_done.set()
        llm = self.llm
        if llm is None:
            return await self._stop(LLMNoKey(), fetch_done)
        pending = await self.db.run(count_pending, self.statuses)
        self._progress(pending)
        tasks: set[asyncio.Task[None]] = set()
        try:
            await self._loop_units(llm, fetch_done, tasks)
        except (asyncio.CancelledError, DatabaseError):
            raise  # a full or damaged database is the sync's failure too: say it once, where it is handled
        except Exception as error:  # the LLM stage must never take the sync down with it
            log.exception("LLM enrichment failed")
            llm.governor.stop(LLMUnavailable(f"unexpected error in the LLM stage ({type(error).__name__})"))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if llm.stopped is not None:
            return await self._stop(llm.stopped, fetch_done)
        pending = await self.db.run(count_pending, self.statuses)
        return self._summary(pending)

    async def _loop_units(self, llm: LLMClient, fetch_done: asyncio.Event, tasks: set[asyncio.Task[None]]) -> None:
        while True:
            # Read before claiming: a page stored just before fetch_done is set is then still seen.
            fetch_finished = fetch_done.is_set()
            self._wake.clear()
            while len(tasks) < self.units_in_flight and llm.stopped is None:
                if self._requeued:
                    ids, self._requeued = self._requeued, set()
                    unit = await self.db.run(load_inputs, ids)
                else:
                    unit = await self.db.run(claim_unit, self._cursor, self.batch_size, self.statuses)
                    if unit:
                        self._cursor = unit[-1].id
                if not unit:
                    break
                tasks.add(asyncio.create_task(self._process(llm, unit), name=f"enrich {len(unit)} PRs"))
            if not tasks and (fetch_finished or llm.stopped is not None):
                return
            waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._wake.wait())}
            if not fetch_finished:
                waiters.add(asyncio.ensure_future(fetch_done.wait()))
            try:
                done, _ = await asyncio.wait(
                    tasks | waiters, timeout=self.idle_poll, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for waiter in waiters:
                    waiter.cancel()
            for task in done & tasks:
                tasks.discard(task)
                task.result()  # re-raise a database error

    async def _process(self, llm: LLMClient, unit: list[PRInput]) -> None:
        analysis = await llm.analyse(unit)
        pending, changed = await self.db.run(
            store_and_count, unit, analysis.answers, analysis.failed, PROMPT_VERSION, self.statuses
        )
        if changed:  # refreshed by the sync while the LLM read them: ask again about the new text
            self._requeued |= changed
            self._wake.set()
        # No await between counting and emitting: each event shows exactly one more committed unit.
        self.enriched += len(analysis.answers) - len(changed)
        self.failed += len(analysis.failed)
        repos = {pr.repo for pr in unit}
        self._progress(pending, repo=repos.pop() if len(repos) == 1 else None)

    async def _stop(self, error: LLMUnavailable, fetch_done: asyncio.Event) -> EnrichmentSummary:
        pending = await self.db.run(count_pending, self.statuses)
        self._emit(EnrichmentStopped(str(error), pending))
        # The fetch goes on storing PRs: wait for it, so the notice counts every PR left to do.
        await fetch_done.wait()
        pending = await self.db.run(count_pending, self.statuses)
        verb = "skipped" if isinstance(error, LLMNoKey) else "stopped"
        self._emit(
            Notice(
                f"AI summaries {verb}: {error} ({pending:,} PRs pending; their stage-1 verdicts are shown)",
                "warning",
            )
        )
        return self._summary(pending, str(error))

    def _summary(self, pending: int, stopped: str | None = None) -> EnrichmentSummary:
        usage = self.llm.usage if self.llm is not None else TokenUsage()
        return EnrichmentSummary(
            self.enriched, self.failed, pending, usage, usage_cost(self.model, usage), self.model, stopped
        )

    def _progress(self, pending: int, repo: str | None = None) -> None:
        usage = self.llm.usage if self.llm is not None else TokenUsage()
        self._emit(
            EnrichmentProgress(
                enriched=self.enriched,
                pending=pending,
                failed=self.failed,
                tokens_used=usage.total_tokens,
                cost_usd=usage_cost(self.model, usage),
                repo=repo,
            )
        )

    def _emit(self, event: SyncEvent) -> None:
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)
