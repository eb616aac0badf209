"""Writing synced PRs: bulk upserts in one transaction per page, so a kill never half-stores a page.

Every method here is synchronous Peewee work. The sync runs them on ``DatabaseThread`` so the
event loop never blocks on SQLite.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from peewee import EXCLUDED, Case, OperationalError, Select, fn

from tformance.core.detection.detector import RULES_VERSION, CommitText, Detection, PullRequestText, detect_ai
from tformance.core.detection.verdict import ai_condition
from tformance.core.github.client import RepoInfo
from tformance.core.github.records import PullRequestRecord
from tformance.core.store.database import database_errors, write_transaction
from tformance.core.store.models import (
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

T = TypeVar("T")
log = logging.getLogger(__name__)
BUSY_ATTEMPTS = 3  # each waits SQLite's busy timeout (10 s) for the other writer
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
    "signature_rules_version",
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
        """``func(*args)`` on the database thread; a database failure comes back as one ``DatabaseError``."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, _translated, func, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def _tuples(query: Select) -> Iterable[tuple[Any, ...]]:
    """``query``'s rows as plain tuples (peewee's stubs type ``.tuples()`` as model instances)."""
    return cast("Iterable[tuple[Any, ...]]", query.tuples())


def _translated(func: Callable[..., T], *args: Any) -> T:
    """Run ``func``, again if another writer kept the database busy past SQLite's busy timeout.

    Every function run here is one transaction or one statement, so running it again is safe.
    """
    with database_errors():
        for attempt in range(1, BUSY_ATTEMPTS + 1):
            try:
                return func(*args)
            except OperationalError as error:
                if attempt == BUSY_ATTEMPTS or "locked" not in str(error) and "busy" not in str(error):
                    raise
                log.info("database busy, trying again (%d of %d)", attempt, BUSY_ATTEMPTS)
    raise AssertionError("unreachable")


def ensure_repository(full_name: str, info: RepoInfo | None = None) -> Repository:
    """The tracked row for ``OWNER/NAME``, created on first use (case-insensitive match)."""
    repo = Repository.get_or_none(fn.LOWER(Repository.full_name) == full_name.lower())
    owner, _, name = full_name.partition("/")
    if repo is None:
        # Someone syncing into the same PostgreSQL database may add it at the same moment.
        Repository.insert(full_name=full_name, owner=owner, name=name).on_conflict_ignore().execute()
        repo = Repository.get(fn.LOWER(Repository.full_name) == full_name.lower())
    if info is not None:
        repo.full_name, repo.owner, repo.name = info.full_name, info.owner, info.name
        repo.github_id, repo.is_private, repo.is_archived = info.github_id, info.is_private, info.is_archived
        repo.pushed_at = info.pushed_at
        repo.save()
    return repo


@dataclass(frozen=True)
class TrackedRepo:
    """One tracked repository as ``tformance repos`` lists it."""

    full_name: str
    status: str
    prs: int
    last_synced_at: datetime | None
    error: str | None


def tracked_repositories() -> list[TrackedRepo]:
    """Every tracked repository with its sync status and stored PR count, by name."""
    counts: dict[int, int] = dict(
        _tuples(PullRequest.select(PullRequest.repo, fn.COUNT(PullRequest.id)).group_by(PullRequest.repo))
    )
    return [
        TrackedRepo(repo.full_name, repo.sync_status, counts.get(repo.id, 0), repo.last_synced_at, repo.sync_error)
        for repo in Repository.select().order_by(fn.LOWER(Repository.full_name))
    ]


def remove_repository(full_name: str) -> int | None:
    """Untrack ``OWNER/NAME`` (case-insensitive) and delete its PRs with their reviews, commits and
    everything else that refers to it, in one transaction. Returns the PRs deleted, None if not tracked."""
    with write_transaction():
        repo = Repository.get_or_none(fn.LOWER(Repository.full_name) == full_name.lower())
        if repo is None:
            return None
        prs = PullRequest.select().where(PullRequest.repo == repo.id).count()
        repo.delete_instance(recursive=True)  # every model with a foreign key to it, whoever added it
    return prs


def untrack_if_never_synced(repo_id: int) -> bool:
    """Forget a repository that was never synced and has no PRs (a typo'd name GitHub does not know)."""
    with write_transaction():
        repo = Repository.get_or_none(Repository.id == repo_id)
        if repo is None or repo.last_synced_at is not None or repo.backfill_cursor:
            return False
        if PullRequest.select().where(PullRequest.repo == repo_id).exists():
            return False
        repo.delete_instance(recursive=True)
    return True


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
    with write_transaction():
        _adopt_renamed(repo_id, [record.github_id for record in records])
        rows = []
        for record in records:
            detection = detect_ai(_detector_input(record))
            ai_found += detection.is_ai_assisted
            rows.append(_pr_row(repo_id, record, detection))
        # Rows in key order: two people syncing the same repository into one PostgreSQL database
        # then lock its rows in the same order, so their upserts wait for each other, never deadlock.
        rows.sort(key=lambda row: row["number"])
        for start in range(0, len(rows), UPSERT_CHUNK):
            PullRequest.insert_many(rows[start : start + UPSERT_CHUNK]).on_conflict(
                conflict_target=[PullRequest.repo, PullRequest.number],
                update={
                    **{getattr(PullRequest, name): getattr(EXCLUDED, name) for name in _GITHUB_PR_FIELDS},
                    PullRequest.enrichment_status: _STALE_SUMMARY,
                },
            ).execute()
        ids: dict[int, int] = dict(
            _tuples(
                PullRequest.select(PullRequest.number, PullRequest.id).where(
                    PullRequest.repo == repo_id, PullRequest.number.in_([r.number for r in records])
                )
            )
        )
        _save_reviews(records, ids)
        _save_commits(records, ids)
        if repo_fields:
            Repository.update(**repo_fields).where(Repository.id == repo_id).execute()
        if slice_id is not None and slice_fields:
            SyncSlice.update(**slice_fields).where(SyncSlice.id == slice_id).execute()
    return ai_found


def _adopt_renamed(repo_id: int, pr_ids: list[str]) -> None:
    """Fold into ``repo_id`` any other tracked row holding these PRs (matched by GitHub's node ids).

    A PR's node id belongs to one repository for good, so another row holding it is the same
    repository under its old name (renamed or transferred): its PRs move here and the old row goes,
    so the repository is stored and listed once.
    """
    if not pr_ids:
        return
    others = (
        PullRequest.select(PullRequest.repo)
        .where(PullRequest.github_id.in_(pr_ids), PullRequest.repo != repo_id)
        .distinct()
    )
    for (old_id,) in list(_tuples(others)):
        here = PullRequest.select(PullRequest.number).where(PullRequest.repo == repo_id)
        stale = PullRequest.select(PullRequest.id).where(PullRequest.repo == old_id, PullRequest.number.in_(here))
        for model in (Review, Commit):
            model.delete().where(model.pull_request.in_(stale)).execute()
        PullRequest.delete().where(PullRequest.id.in_(stale)).execute()
        PullRequest.update(repo=repo_id).where(PullRequest.repo == old_id).execute()
        old = Repository.get_by_id(old_id)
        log.info("%s was renamed or moved: its PRs now belong to repository row %d", old.full_name, repo_id)
        old.delete_instance(recursive=True)


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
    """PRs judged AI-assisted (``verdict.ai_condition``): signatures found, or the LLM said yes."""
    query = PullRequest.select().where(PullRequest.repo == repo_id, PullRequest.created_at >= since)
    return query.where(ai_condition()).count()


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


def _pr_row(repo_id: int, record: PullRequestRecord, detection: Detection) -> dict[str, Any]:
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
        "signature_evidence": evidence_rows(detection),
        "signature_rules_version": RULES_VERSION,
        "enrichment_status": EnrichmentStatus.PENDING,
        **derived,
    }


def evidence_rows(detection: Detection) -> list[dict[str, str]]:
    """What ``signature_evidence`` stores of a detection: one small dict per marker found."""
    return [{"tool": e.tool, "marker": e.marker, "where": e.where, "excerpt": e.excerpt} for e in detection.evidence]


def _save_reviews(records: list[PullRequestRecord], ids: dict[int, int]) -> None:
    rows: list[dict[str, Any]] = [
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
    rows.sort(key=lambda row: row["github_id"])  # key order: see save_pull_requests
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
    rows.sort(key=lambda row: (row["pull_request"], row["oid"]))  # key order: see save_pull_requests
    for start in range(0, len(rows), UPSERT_CHUNK):
        Commit.insert_many(rows[start : start + UPSERT_CHUNK]).on_conflict(
            conflict_target=[Commit.pull_request, Commit.oid],
            update={Commit.message: EXCLUDED.message},
        ).execute()
