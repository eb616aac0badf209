"""Groq's Batch API: upload a JSONL file of requests, start a job on it, read its results later.

A job answers within its completion window at half the price; ``--llm-mode batch`` uses it for a
large backfill. Every call goes through ``LLMClient.call``, so it follows the live client's failure
rules (rejected key, quota, Groq down) and adds its tokens to the same ``usage``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tformance.core.errors import LLMUnavailable
from tformance.core.llm.client import LLMClient
from tformance.core.llm.cost import TokenUsage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchStatus:
    """A Groq batch job as last seen."""

    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
    output_file_id: str | None
    error_file_id: str | None
    completed: int
    failed: int
    total: int

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "expired", "cancelled")


class GroqBatches:
    """The Batch and Files API calls of one ``LLMClient`` (its SDK client, limits and usage)."""

    def __init__(self, llm: LLMClient) -> None:
        self.llm = llm

    async def submit(self, lines: Sequence[dict[str, Any]], completion_window: str = "24h") -> str:
        """Upload ``lines`` as JSONL and start a batch on them; returns the batch id."""
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
        uploaded = await self.llm.call(
            lambda groq: groq.files.create(file=("tformance-batch.jsonl", data, "application/jsonl"), purpose="batch")
        )
        file_id = uploaded.id
        if file_id is None:
            raise LLMUnavailable("Groq accepted the batch file but gave it no id: run `tformance enrich` again")
        batch = await self.llm.call(
            lambda groq: groq.batches.create(
                input_file_id=file_id, endpoint="/v1/chat/completions", completion_window=completion_window
            )
        )
        return str(batch.id)

    async def status(self, batch_id: str) -> BatchStatus:
        batch = await self.llm.call(lambda groq: groq.batches.retrieve(batch_id))
        counts = batch.request_counts
        return BatchStatus(
            id=batch.id,
            status=batch.status,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0,
            total=counts.total if counts else 0,
        )

    async def output(self, file_id: str) -> list[dict[str, Any]]:
        """The result lines of a finished batch, one JSON object each."""
        response = await self.llm.call(lambda groq: groq.files.content(file_id))
        text = (await response.read()).decode("utf-8", errors="replace")
        lines = []
        for line in text.splitlines():
            if line.strip():
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    log.warning("skipping a batch result line that is not JSON")
        return lines

    def count_usage(self, usage: dict[str, Any] | None) -> None:
        """Add one result line's ``usage`` to the client's."""
        if isinstance(usage, dict):
            prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
            self.llm.usage += TokenUsage(prompt, completion, 1)
