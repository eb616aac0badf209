"""The small read queries the front ends need beyond the report: what the database holds, a PR's
detail, where a resumed sync starts. Synchronous Peewee: a workspace runs them on its database thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from peewee import fn

from tformance.core.detection import verdict
from tformance.core.store.models import EnrichmentStatus, PullRequest, Repository


@dataclass(frozen=True)
class StoreOverview:
    """What the database holds, enough to choose the first screen."""

    repos: tuple[str, ...]  # tracked, by name
    pull_requests: int
    last_synced_at: datetime | None  # the most recent completed sync of any repo

    @property
    def has_data(self) -> bool:
        return self.pull_requests > 0 or self.last_synced_at is not None


@dataclass(frozen=True)
class PullRequestDetail:
    repo: str
    number: int
    title: str
    body: str
    url: str
    author: str | None
    state: str
    is_draft: bool
    created_at: datetime
    merged_at: datetime | None
    additions: int
    deletions: int
    review_count: int
    llm_summary: str | None
    is_ai_assisted: bool | None  # the LLM's verdict; None until enrichment
    ai_tools: tuple[str, ...]
    signature_tools: tuple[str, ...]
    evidence: tuple[dict[str, Any], ...]  # {tool, marker, where, excerpt}
    enrichment_status: str

    # The PR's verdict, by the one rule every figure uses (core/detection/verdict.py).
    @property
    def is_ai(self) -> bool:
        return verdict.ai_verdict(self.is_ai_assisted, self.signature_tools)

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(verdict.ai_tools(self.ai_tools, self.signature_tools))

    @property
    def decided_by_llm(self) -> bool:
        return verdict.ai_verdict_source(self.is_ai_assisted, self.signature_tools) == verdict.LLM


def overview() -> StoreOverview:
    names = tuple(tracked_names())
    latest = (
        Repository.select(Repository.last_synced_at)
        .where(Repository.last_synced_at.is_null(False))
        .order_by(Repository.last_synced_at.desc())
        .first()
    )
    last: datetime | None = latest.last_synced_at if latest else None
    return StoreOverview(repos=names, pull_requests=PullRequest.select().count(), last_synced_at=last)


def tracked_names() -> list[str]:
    """The tracked repositories' names, sorted as the database sorts them."""
    query = Repository.select(Repository.full_name).order_by(Repository.full_name)
    return [str(row.full_name) for row in query]


def known_pr_counts() -> dict[str, int]:
    """PRs of the last 6 months per tracked repo, as the last pre-flight counted them."""
    query = Repository.select(Repository.full_name, Repository.prs_last_6_months).where(
        Repository.prs_last_6_months.is_null(False)
    )
    return {str(repo.full_name): repo.prs_last_6_months or 0 for repo in query}


def pending_enrichment() -> int:
    count: int = PullRequest.select().where(PullRequest.enrichment_status == EnrichmentStatus.PENDING).count()
    return count


def pull_request_detail(repo: str, number: int) -> PullRequestDetail | None:
    row = (
        PullRequest.select(PullRequest, Repository.full_name)
        .join(Repository)
        .where(fn.LOWER(Repository.full_name) == repo.lower(), PullRequest.number == number)
        .first()
    )
    if row is None:
        return None
    return PullRequestDetail(
        repo=row.repo.full_name,
        number=row.number,
        title=row.title,
        body=row.body,
        url=row.url,
        author=row.author_login,
        state=row.state,
        is_draft=row.is_draft,
        created_at=row.created_at,
        merged_at=row.merged_at,
        additions=row.additions,
        deletions=row.deletions,
        review_count=row.review_count,
        llm_summary=row.llm_summary,
        is_ai_assisted=row.is_ai_assisted,
        ai_tools=tuple(row.ai_tools_detected or ()),
        signature_tools=tuple(row.signature_tools or ()),
        evidence=tuple(row.signature_evidence or ()),
        enrichment_status=row.enrichment_status,
    )


def synced_from() -> datetime | None:
    """Where the stored history begins while a sync is unfinished: before it, data is missing, not low.

    A backfill walks each repo newest first, so an unfinished repo holds its PRs from its oldest one
    stored up to now. The latest of those starts is the first moment every repo is stored from.
    None when every repo's history is complete (or no unfinished repo has stored anything yet).
    """
    starts: list[datetime] = []
    for repo in Repository.select().where(Repository.backfill_complete == False):  # noqa: E712 - SQL
        oldest = (
            PullRequest.select(PullRequest.created_at)
            .where(PullRequest.repo == repo)
            .order_by(PullRequest.created_at)
            .first()
        )
        if oldest is not None:
            starts.append(oldest.created_at)
    return max(starts, default=None)


def stored_in_range(repos: list[str], start: date) -> dict[str, int]:
    """PRs stored per repo (by the name given) created on or after ``start``: where a resumed sync begins."""
    since = datetime(start.year, start.month, start.day, tzinfo=UTC)
    counts: dict[str, int] = {}
    for name in repos:
        repo = Repository.get_or_none(fn.LOWER(Repository.full_name) == name.lower())
        query = PullRequest.select().where(PullRequest.repo == repo, PullRequest.created_at >= since)
        counts[name] = query.count() if repo is not None else 0
    return counts
