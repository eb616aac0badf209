"""Writing synced PRs: bulk upserts in one transaction per page, so a kill never half-stores a page.

Every method here is synchronous Peewee work. The sync runs them on ``DatabaseThread`` so the
event loop never blocks on SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from peewee import EXCLUDED, Case, fn

from .ai_detector import CommitText, PullRequestText, detect_ai
from .github_client import RepoInfo
from .models import (
    DERIVED_COLUMNS,
    Commit,
    EnrichmentStatus,
    PullRequest,
    Repository,
    Review,
    SyncSlice,
    db_proxy,
    derived_columns,
)
from .pr_records import PullRequestRecord

T = TypeVar("T")
UPSERT_CHUNK = 100

# Columns GitHub owns: refreshed on every upsert. The AI and LLM columns are ours and kept.
_GITHUB_PR_FIELDS = (
    "github_id",
    "url",
    "title",
    "body",
    "author_login",
    "author_is_bot",
    "state",
    "is_draft",
    "created_at",
    "updated_at",
    "merged_at",
    "closed_at",
    "additions",
    "deletions",
    "changed_files",
    "labels",
    "head_ref",
    "base_ref",
    "commit_count",
    "review_count",
    "first_review_at",
    "signature_tools",
    "signature_evidence",
    *DERIVED_COLUMNS,  # computed from the GitHub columns above, so refreshed with them
)


# A PR whose title or body changed on GitHub goes back to the LLM: its summary would be stale.
# SET expressions read the row as it was before the update, on SQLite and PostgreSQL alike.
_STALE_SUMMARY = Case(
    None,
    [((PullRequest.title != EXCLUDED.title) | (PullRequest.body != EXCLUDED.body), EnrichmentStatus.PENDING)],
    PullRequest.enrichment_status,
)


class DatabaseThread:
    """One thread for all database work: SQLite likes a single writer, and the loop stays free."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tformance-db")

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, func, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def ensure_repository(full_name: str, info: RepoInfo | None = None) -> Repository:
    """The tracked row for ``OWNER/NAME``, created on first use (case-insensitive match)."""
    repo = Repository.get_or_none(fn.LOWER(Repository.full_name) == full_name.lower())
    owner, _, name = full_name.partition("/")
    if repo is None:
        repo = Repository.create(full_name=full_name, owner=owner, name=name)
    if info is not None:
        repo.full_name, repo.owner, repo.name = info.full_name, info.owner, info.name
        repo.github_id, repo.is_private, repo.is_archived = info.github_id, info.is_private, info.is_archived
        repo.pushed_at = info.pushed_at
        repo.save()
    return repo


def save_repository(repo: Repository, fields: dict[str, Any]) -> None:
    """Update some fields of a repo row (and the in-memory object)."""
    for key, value in fields.items():
        setattr(repo, key, value)
    Repository.update(**fields).where(Repository.id == repo.id).execute()


def save_pull_requests(
    repo_id: int,
    records: Iterable[PullRequestRecord],
    repo_fields: dict[str, Any],
    slice_id: int | None = None,
    slice_fields: dict[str, Any] | None = None,
) -> int:
    """Upsert a page of PRs with their reviews and commits, and the repo's (or the slice's) resume
    state, atomically.

    Returns how many of these PRs stage-1 signatures mark as AI-assisted.
    """
    records = list(records)
    ai_found = 0
    with db_proxy.atomic():
        rows = []
        for record in records:
            detection = detect_ai(_detector_input(record))
            ai_found += detection.is_ai_assisted
            rows.append(_pr_row(repo_id, record, detection))
        for start in range(0, len(rows), UPSERT_CHUNK):
            PullRequest.insert_many(rows[start : start + UPSERT_CHUNK]).on_conflict(
                conflict_target=[PullRequest.repo, PullRequest.number],
                update={
                    **{getattr(PullRequest, name): getattr(EXCLUDED, name) for name in _GITHUB_PR_FIELDS},
                    PullRequest.enrichment_status: _STALE_SUMMARY,
                },
            ).execute()
        ids = dict(
            PullRequest.select(PullRequest.number, PullRequest.id)
            .where(PullRequest.repo == repo_id, PullRequest.number.in_([r.number for r in records]))
            .tuples()
        )
        _save_reviews(records, ids)
        _save_commits(records, ids)
        if repo_fields:
            Repository.update(**repo_fields).where(Repository.id == repo_id).execute()
        if slice_id is not None and slice_fields:
            SyncSlice.update(**slice_fields).where(SyncSlice.id == slice_id).execute()
    return ai_found


def load_slices(repo_id: int) -> list[SyncSlice]:
    """The repo's stored backfill slices, newest first."""
    return list(SyncSlice.select().where(SyncSlice.repository == repo_id).order_by(SyncSlice.start.desc()))


def replace_slices(repo_id: int, bounds: Iterable[tuple[datetime, datetime | None, str]]) -> list[SyncSlice]:
    """Forget the repo's slices and plan these ``(start, end, method)`` ones, newest first."""
    with db_proxy.atomic():
        SyncSlice.delete().where(SyncSlice.repository == repo_id).execute()
        for start, end, method in bounds:
            SyncSlice.create(repository=repo_id, start=start, end=end, method=method)
    return load_slices(repo_id)


def save_slice(sync_slice: SyncSlice, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        setattr(sync_slice, key, value)
    SyncSlice.update(**fields).where(SyncSlice.id == sync_slice.id).execute()


def finish_slices(repo: Repository, fields: dict[str, Any]) -> None:
    """Every slice is stored: the repo's backfill is complete and its slices go, in one step."""
    with db_proxy.atomic():
        SyncSlice.delete().where(SyncSlice.repository == repo.id).execute()
        save_repository(repo, fields)


def count_stored_between(repo_id: int, start: datetime, end: datetime | None) -> int:
    query = PullRequest.select().where(PullRequest.repo == repo_id, PullRequest.created_at >= start)
    if end is not None:
        query = query.where(PullRequest.created_at < end)
    return query.count()


def count_stored(repo_id: int, since: datetime) -> int:
    return PullRequest.select().where(PullRequest.repo == repo_id, PullRequest.created_at >= since).count()


def count_ai(repo_id: int, since: datetime) -> int:
    """PRs judged AI-assisted: by the LLM when it has decided, else by stage-1 signatures."""
    query = PullRequest.select().where(PullRequest.repo == repo_id, PullRequest.created_at >= since)
    decided = query.where(PullRequest.is_ai_assisted == True).count()  # noqa: E712 (Peewee expression)
    undecided = query.where(PullRequest.is_ai_assisted.is_null(), PullRequest.signature_tools != "[]").count()
    return decided + undecided


def _detector_input(record: PullRequestRecord) -> PullRequestText:
    return PullRequestText(
        title=record.title,
        body=record.body,
        author_login=record.author_login,
        branch=record.head_ref,
        labels=record.labels,
        commits=tuple(
            CommitText(
                message=commit.message,
                author_name=commit.author_name,
                author_email=commit.author_email,
                author_login=commit.author_login,
            )
            for commit in record.commits
        ),
    )


def _pr_row(repo_id: int, record: PullRequestRecord, detection: Any) -> dict[str, Any]:
    derived = derived_columns(
        record.created_at,
        record.merged_at,
        record.first_review_at,
        record.additions,
        record.deletions,
        detection.tools,
    )
    return {
        "repo": repo_id,
        "number": record.number,
        "github_id": record.github_id,
        "url": record.url,
        "title": record.title,
        "body": record.body,
        "author_login": record.author_login,
        "author_is_bot": record.author_is_bot,
        "state": record.state,
        "is_draft": record.is_draft,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "merged_at": record.merged_at,
        "closed_at": record.closed_at,
        "additions": record.additions,
        "deletions": record.deletions,
        "changed_files": record.changed_files,
        "labels": list(record.labels),
        "head_ref": record.head_ref,
        "base_ref": record.base_ref,
        "commit_count": record.commit_count,
        "review_count": record.review_count,
        "first_review_at": record.first_review_at,
        "signature_tools": list(detection.tools),
        "signature_evidence": [
            {"tool": e.tool, "marker": e.marker, "where": e.where, "excerpt": e.excerpt} for e in detection.evidence
        ],
        "enrichment_status": EnrichmentStatus.PENDING,
        **derived,
    }


def _save_reviews(records: list[PullRequestRecord], ids: dict[int, int]) -> None:
    rows = [
        {
            "pull_request": ids[record.number],
            "github_id": review.github_id,
            "author_login": review.author_login,
            "author_is_bot": review.author_is_bot,
            "state": review.state,
            "submitted_at": review.submitted_at,
        }
        for record in records
        for review in record.reviews
    ]
    for start in range(0, len(rows), UPSERT_CHUNK):
        Review.insert_many(rows[start : start + UPSERT_CHUNK]).on_conflict(
            conflict_target=[Review.github_id],
            update={Review.state: EXCLUDED.state, Review.submitted_at: EXCLUDED.submitted_at},
        ).execute()


def _save_commits(records: list[PullRequestRecord], ids: dict[int, int]) -> None:
    rows = [
        {
            "pull_request": ids[record.number],
            "oid": commit.oid,
            "message": commit.message,
            "authored_at": commit.authored_at,
            "author_name": commit.author_name,
            "author_email": commit.author_email,
            "author_login": commit.author_login,
            "co_authors": list(commit.co_authors),
        }
        for record in records
        for commit in record.commits
    ]
    for start in range(0, len(rows), UPSERT_CHUNK):
        Commit.insert_many(rows[start : start + UPSERT_CHUNK]).on_conflict(
            conflict_target=[Commit.pull_request, Commit.oid],
            update={Commit.message: EXCLUDED.message},
        ).execute()
