"""Stage 2's database side: which PRs wait for the LLM, their input, and storing its answers.

Every function here runs on the ``DatabaseThread``. A PR is pending until an answer is stored (its
summary and final verdict, in one transaction per unit) or the LLM gave up on it (failed).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import cast

import peewee as pw

from tformance.core.llm.answers import PRAnswer, final_verdict
from tformance.core.llm.prompt import PROMPT_VERSION, PRInput, signals_from_evidence
from tformance.core.store.database import write_transaction
from tformance.core.store.models import Commit, EnrichmentStatus, PullRequest, Repository


def statuses_for(retry_failed: bool) -> tuple[str, ...]:
    return (EnrichmentStatus.PENDING, EnrichmentStatus.FAILED) if retry_failed else (EnrichmentStatus.PENDING,)


def _input_query() -> pw.ModelSelect[PullRequest]:
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
        query = (
            Commit.select(Commit.pull_request, Commit.message)
            .where(Commit.pull_request.in_(ids))
            .order_by(Commit.authored_at, Commit.id)
            .tuples()
        )
        # Peewee's stubs type ``.tuples()`` rows as model instances.
        for pr_id, message in cast("Iterable[tuple[int, str | None]]", query):
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


def store_and_count(
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
