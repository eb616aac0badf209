"""One line on the LLM stage: summaries written, pending, tokens and cost, or why it stopped."""

from __future__ import annotations

from textual.content import Content

from tformance.core.events import EnrichmentProgress, EnrichmentStopped
from tformance.core.workspace import format_cost

from ..formatting import count
from ..messages import EnrichmentUpdated
from ..safe_text import clean


def describe_enrichment(message: EnrichmentUpdated) -> Content:
    event = message.event
    if isinstance(event, EnrichmentStopped):
        return Content.assemble(
            ("✦ AI summaries paused: ", "$text-warning bold"),
            (clean(event.reason, limit=160), "$text-warning"),
            (f" · {count(event.pending)} PRs pending", "$text-muted"),
        )
    if isinstance(event, EnrichmentProgress):
        if message.running:
            state = "writing" if event.pending else "starting" if not event.enriched else "up to date"
        else:
            state = "paused" if event.pending else "done"
        parts: list[str | tuple[str, str]] = [(f"✦ AI summaries {state}: ", "$text-accent bold")]
        parts.append(f"{count(event.enriched)} written · {count(event.pending)} pending")
        if event.failed:
            parts.append((f" · {count(event.failed)} failed", "$text-warning"))
        if event.tokens_used:
            parts.append((f" · {format_cost(event.tokens_used, event.cost_usd)}", "$text-muted"))
        return Content.assemble(*parts)
    return Content("")
