"""Stage 2 over the database: pending PRs in, LLM summaries and verdicts out, overlapping the fetch.

``Enricher.run`` claims pending PRs in units of ``batch_size`` (``SYNC_LLM_BATCH_SIZE``), lets the
``LLMClient`` answer each unit with concurrent requests, and commits every unit in one transaction.
It starts as soon as PRs are stored (``notify`` is wired to ``SyncService.on_stored``), so it overlaps
the fetch, and it returns once the fetch is done and nothing is pending. When Groq cannot be used (no
key, key rejected, quota used up, Groq down) it stops, leaves the PRs pending with their stage-1
verdicts, and says in one line how to finish: it never raises for the LLM's sake.

``BatchEnrichment`` is the ``--llm-mode batch`` path: one Groq Batch API job for a large backfill,
submitted now and collected by a later run, keyed by stable custom ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from tformance.core.errors import DatabaseError, LLMBadAnswer, LLMUnavailable
from tformance.core.events import EnrichmentProgress, EnrichmentStopped, EventSink, Notice, ignore_events
from tformance.core.llm.answers import PRAnswer, final_verdict, parse_answers
from tformance.core.llm.client import LLMClient, LLMNoKey, LLMNotFound, build_llm_client
from tformance.core.llm.cost import TokenUsage, format_cost, usage_cost
from tformance.core.llm.prompt import (
    PROMPT_VERSION,
    PRInput,
    plan_requests,
    prepare,
    request_body,
    signals_from_evidence,
)
from tformance.core.settings import DEFAULT_LLM_MODEL, Settings
from tformance.core.store.database import write_transaction
from tformance.core.store.models import Commit, EnrichmentStatus, PullRequest, Repository, SchemaInfo
from tformance.core.store.pr_store import DatabaseThread

if TYPE_CHECKING:
    from groq import AsyncGroq

log = logging.getLogger(__name__)

UNITS_IN_FLIGHT = 3  # enough queued work to keep the client's concurrency busy between commits
IDLE_POLL_SECONDS = 2.0  # a safety net when nobody calls notify()
BATCH_STATE_KEY = "llm_batch"
MAX_BATCH_PRS = 50_000


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


# -- database work (runs on the DatabaseThread) ------------------------------------------------


def _statuses(retry_failed: bool) -> tuple[str, ...]:
    return (EnrichmentStatus.PENDING, EnrichmentStatus.FAILED) if retry_failed else (EnrichmentStatus.PENDING,)


def _input_query() -> Any:
    """Only the columns the LLM input needs, with the repo name."""
    return PullRequest.select(
        PullRequest.id,
        PullRequest.title,
        PullRequest.body,
        PullRequest.author_login,
        PullRequest.labels,
        PullRequest.signature_tools,
        PullRequest.signature_evidence,
        Repository.full_name,
    ).join(Repository)


def claim_unit(after_id: int, limit: int, statuses: Sequence[str] = (EnrichmentStatus.PENDING,)) -> list[PRInput]:
    """Up to ``limit`` PRs in ``statuses`` with ids above ``after_id``, oldest stored first, as LLM input."""
    rows = list(
        _input_query()
        .where(PullRequest.enrichment_status.in_(list(statuses)), PullRequest.id > after_id)
        .order_by(PullRequest.id)
        .limit(limit)
    )
    return _inputs(rows)


def load_inputs(ids: Collection[int]) -> list[PRInput]:
    """The LLM input of the PRs with these ids (those that still exist)."""
    rows: list[PullRequest] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        rows += list(_input_query().where(PullRequest.id.in_(chunk)))
    return _inputs(rows)


def _inputs(rows: list[PullRequest]) -> list[PRInput]:
    ids = [row.id for row in rows]
    messages: dict[int, list[str]] = {pr_id: [] for pr_id in ids}
    if ids:
        query: Any = (
            Commit.select(Commit.pull_request, Commit.message)
            .where(Commit.pull_request.in_(ids))
            .order_by(Commit.authored_at, Commit.id)
            .tuples()
        )
        for pr_id, message in query:
            messages[pr_id].append(message or "")
    return [
        PRInput(
            id=row.id,
            title=row.title or "",
            body=row.body or "",
            author=row.author_login,
            commits=tuple(messages[row.id]),
            labels=tuple(row.labels or ()),
            signals=signals_from_evidence(row.signature_evidence),
            signature_tools=tuple(row.signature_tools or ()),
            repo=row.repo.full_name,
        )
        for row in rows
    ]


def store_answers(
    unit: Sequence[PRInput], answers: dict[int, PRAnswer], failed: Collection[int], version: str = PROMPT_VERSION
) -> set[int]:
    """Write one unit's results in one transaction; PRs neither answered nor failed stay pending.

    An answer is kept only if the PR's title and body are still the ones the LLM read: a PR the
    sync refreshed meanwhile stays pending, and its id is returned so it is asked about again.
    """
    changed: set[int] = set()
    with write_transaction():
        for pr in unit:
            answer = answers.get(pr.id)
            if answer is None:
                continue
            is_ai, tools = final_verdict(pr.signature_tools, answer)
            stored = (
                PullRequest.update(
                    is_ai_assisted=is_ai,
                    ai_tools_detected=tools,
                    llm_summary=answer.summary,
                    llm_summary_version=version,
                    enrichment_status=EnrichmentStatus.DONE,
                )
                .where(PullRequest.id == pr.id, PullRequest.title == pr.title, PullRequest.body == pr.body)
                .execute()
            )
            if not stored and PullRequest.select().where(PullRequest.id == pr.id).exists():
                changed.add(pr.id)
        gave_up = [pr.id for pr in unit if pr.id in failed and pr.id not in answers]
        if gave_up:
            PullRequest.update(enrichment_status=EnrichmentStatus.FAILED).where(PullRequest.id.in_(gave_up)).execute()
    return changed


def _store_and_count(
    unit: Sequence[PRInput],
    answers: dict[int, PRAnswer],
    failed: Collection[int],
    version: str,
    statuses: Sequence[str],
) -> tuple[int, set[int]]:
    changed = store_answers(unit, answers, failed, version) if answers or failed else set()
    return count_pending(statuses), changed


def count_pending(statuses: Sequence[str] = (EnrichmentStatus.PENDING,)) -> int:
    return PullRequest.select().where(PullRequest.enrichment_status.in_(list(statuses))).count()


def load_batch_state() -> dict[str, Any] | None:
    row = SchemaInfo.get_or_none(SchemaInfo.key == BATCH_STATE_KEY)
    return json.loads(row.value) if row is not None else None


def save_batch_state(state: dict[str, Any] | None) -> None:
    """Remember the outstanding batch job (or forget it with None)."""
    with write_transaction():
        SchemaInfo.delete().where(SchemaInfo.key == BATCH_STATE_KEY).execute()
        if state is not None:
            SchemaInfo.create(key=BATCH_STATE_KEY, value=json.dumps(state, separators=(",", ":")))


# -- live enrichment -------------------------------------------------------------------------


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
        self.statuses = _statuses(retry_failed)
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
            _store_and_count, unit, analysis.answers, analysis.failed, PROMPT_VERSION, self.statuses
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

    def _emit(self, event: Any) -> None:
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)


# -- Batch API mode --------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    """What a ``--llm-mode batch`` run did: submitted, waiting, collected, nothing, or the job's end state."""

    status: str
    batch_id: str | None = None
    prs: int = 0  # submitted, or answered when collected
    pending: int = 0
    message: str = ""


def batch_custom_id(pr_ids: Sequence[int], version: str = PROMPT_VERSION) -> str:
    """A stable id for one request line: the same PRs and prompt always give the same id (under 64 chars)."""
    digest = hashlib.sha256(",".join(map(str, sorted(pr_ids))).encode()).hexdigest()[:20]
    return f"tf-{version}-{digest}"


class BatchEnrichment:
    """Large backfills through Groq's Batch API: submit once, then collect on a later run.

    The outstanding job (its id, model, prompt version and which PRs each custom id covers) is kept
    in the database, so ``tformance enrich --llm-mode batch`` resumes it from any process.
    """

    def __init__(
        self,
        llm: LLMClient,
        db: DatabaseThread,
        *,
        batch_size: int = 100,
        sink: EventSink = ignore_events,
        max_prs: int = MAX_BATCH_PRS,
        retry_failed: bool = False,
    ) -> None:
        self.llm = llm
        self.db = db
        self.batch_size = max(1, batch_size)
        self.sink = sink
        self.max_prs = max_prs
        self.statuses = _statuses(retry_failed)

    async def run(self) -> BatchOutcome:
        """Collect the outstanding job if there is one, else submit the pending PRs."""
        state = await self.db.run(load_batch_state)
        if state is None:
            return await self.submit()
        return await self.collect(state)

    async def submit(self) -> BatchOutcome:
        prs = await self.db.run(claim_unit, 0, self.max_prs, self.statuses)
        if not prs:
            return BatchOutcome("nothing", message="no PRs are pending")
        model = self.llm.model
        groups = plan_requests([prepare(pr) for pr in prs], self.llm.request_tokens, self.llm.max_prs_per_request)
        lines, requests = [], {}
        for group in groups:
            ids = [item.id for item in group]
            custom_id = batch_custom_id(ids)
            requests[custom_id] = ids
            body = request_body(model, group, strict=self.llm.strict)
            lines.append({"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body})
        batch_id = await self.llm.submit_batch(lines)
        state = {"batch_id": batch_id, "model": model, "prompt_version": PROMPT_VERSION, "requests": requests}
        await self.db.run(save_batch_state, state)
        message = (
            f"submitted {len(prs):,} PRs in {len(lines):,} requests as Groq batch {batch_id}; "
            "run `tformance enrich --llm-mode batch` later to collect the answers"
        )
        self._emit(Notice(message))
        return BatchOutcome("submitted", batch_id, len(prs), len(prs), message)

    async def collect(self, state: dict[str, Any]) -> BatchOutcome:
        batch_id = str(state["batch_id"])
        try:
            status = await self.llm.batch_status(batch_id)
        except LLMNotFound:
            await self.db.run(save_batch_state, None)
            pending = await self.db.run(count_pending, self.statuses)
            message = f"Groq does not know batch {batch_id} any more: its PRs stay pending; run again to resubmit"
            self._emit(Notice(message, "warning"))
            return BatchOutcome("expired", batch_id, 0, pending, message)
        if not status.finished:
            message = f"Groq batch {batch_id} is {status.status} ({status.completed:,}/{status.total:,} requests done)"
            return BatchOutcome("waiting", batch_id, message=message)
        if status.status != "completed" or not status.output_file_id:
            await self.db.run(save_batch_state, None)
            pending = await self.db.run(count_pending, self.statuses)
            message = f"Groq batch {batch_id} ended {status.status}: its PRs stay pending"
            self._emit(Notice(message, "warning"))
            return BatchOutcome(status.status, batch_id, 0, pending, message)

        requests: dict[str, list[int]] = state.get("requests", {})
        answers: dict[int, PRAnswer] = {}
        for line in await self.llm.batch_output(status.output_file_id):
            ids = requests.get(str(line.get("custom_id")))
            answers.update(self._line_answers(line, ids or []))
        asked = sorted({pr_id for ids in requests.values() for pr_id in ids})
        version = str(state.get("prompt_version", PROMPT_VERSION))
        enriched = 0
        for start in range(0, len(asked), self.batch_size):
            unit = await self.db.run(load_inputs, asked[start : start + self.batch_size])
            await self.db.run(store_answers, unit, answers, (), version)
            enriched += sum(pr.id in answers for pr in unit)
            pending = await self.db.run(count_pending, self.statuses)
            usage = self.llm.usage
            self._emit(
                EnrichmentProgress(
                    enriched, pending, 0, usage.total_tokens, usage_cost(self.llm.model, usage, batch=True)
                )
            )
        await self.db.run(save_batch_state, None)
        pending = await self.db.run(count_pending, self.statuses)
        message = f"collected Groq batch {batch_id}: {enriched:,} of {len(asked):,} PRs answered"
        if enriched < len(asked):
            message += "; the rest stay pending"
        return BatchOutcome("collected", batch_id, enriched, pending, message)

    def _line_answers(self, line: dict[str, Any], ids: list[int]) -> dict[int, PRAnswer]:
        response = line.get("response") or {}
        body = response.get("body") if isinstance(response, dict) else None
        if not ids or not isinstance(body, dict) or response.get("status_code") != 200:
            return {}
        self.llm.count_batch_usage(body.get("usage"))
        with contextlib.suppress(LLMBadAnswer, LookupError, TypeError):
            choice = body["choices"][0]
            if choice.get("finish_reason") != "length":
                return parse_answers(choice["message"]["content"], ids).answers
        return {}

    def _emit(self, event: Any) -> None:
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)
