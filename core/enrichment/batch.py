"""``--llm-mode batch``: one Groq Batch API job for a large backfill, submitted now, collected later.

The outstanding job (its id, model, prompt version and which PRs each stable custom id covers) is
kept in the database, so a later ``tformance enrich --llm-mode batch`` collects it from any process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tformance.core.enrichment.pending import claim_unit, count_pending, load_inputs, statuses_for, store_answers
from tformance.core.errors import LLMBadAnswer, LLMNotFound
from tformance.core.events import EnrichmentProgress, EventSink, Notice, SyncEvent, ignore_events
from tformance.core.llm.answers import PRAnswer, parse_answers
from tformance.core.llm.batch import GroqBatches
from tformance.core.llm.client import LLMClient
from tformance.core.llm.cost import usage_cost
from tformance.core.llm.prompt import PROMPT_VERSION, plan_requests, prepare, request_body
from tformance.core.store.database import write_transaction
from tformance.core.store.models import SchemaInfo
from tformance.core.store.pr_store import DatabaseThread

log = logging.getLogger(__name__)

BATCH_STATE_KEY = "llm_batch"
MAX_BATCH_PRS = 50_000


def load_batch_state() -> dict[str, Any] | None:
    row = SchemaInfo.get_or_none(SchemaInfo.key == BATCH_STATE_KEY)
    return json.loads(row.value) if row is not None else None


def save_batch_state(state: dict[str, Any] | None) -> None:
    """Remember the outstanding batch job (or forget it with None)."""
    with write_transaction():
        SchemaInfo.delete().where(SchemaInfo.key == BATCH_STATE_KEY).execute()
        if state is not None:
            SchemaInfo.create(key=BATCH_STATE_KEY, value=json.dumps(state, separators=(",", ":")))


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
    """Large backfills through Groq's Batch API: submit once, then collect on a later run (any process)."""

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
        self.batches = GroqBatches(llm)
        self.db = db
        self.batch_size = max(1, batch_size)
        self.sink = sink
        self.max_prs = max_prs
        self.statuses = statuses_for(retry_failed)

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
        batch_id = await self.batches.submit(lines)
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
            status = await self.batches.status(batch_id)
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
        for line in await self.batches.output(status.output_file_id):
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
        self.batches.count_usage(body.get("usage"))
        with contextlib.suppress(LLMBadAnswer, LookupError, TypeError):
            choice = body["choices"][0]
            if choice.get("finish_reason") != "length":
                return parse_answers(choice["message"]["content"], ids).answers
        return {}

    def _emit(self, event: SyncEvent) -> None:
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)
