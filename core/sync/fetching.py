"""Fetching one repo's PR history page by page, each page stored with its resume point.

A first sync backfills the window: a small repo newest-first in one walk, a bigger one as
created-date slices fetched at once (``sync.slices``). Every stored page records its cursor (the
repo's, or its slice's), so a killed run resumes each walk right there. Later syncs refresh only
PRs updated since the watermark.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tformance.core.dates import utc_now
from tformance.core.events import Notice
from tformance.core.github.client import GitHubClient
from tformance.core.github.pull_requests import PullRequestPage
from tformance.core.github.records import PullRequestRecord, commit_from_node, record_from_node, review_from_node
from tformance.core.store import pr_store
from tformance.core.store.models import SyncSlice
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync import slices as sync_slices
from tformance.core.sync.progress import RepoState, SyncProgress

Fields = dict[str, Any]  # columns to save with a page: the resume point and what the walk learnt
FieldsFor = Callable[[PullRequestPage, int, int, bool], Fields]  # (page, kept, on the page, done)


@dataclass
class HistoryFetcher:
    """Fetches and stores the PRs of the repos of one run (``progress`` holds their state)."""

    github: GitHubClient
    db: DatabaseThread
    progress: SyncProgress
    page_size: int
    slice_above_pages: int

    async def backfill(self, state: RepoState, since: datetime) -> None:
        """Store the window's PRs not stored yet: as slices when the month counts say it is big."""
        repo = state.repo
        slices = await self.db.run(pr_store.load_slices, repo.id)
        if slices and min(s.start for s in slices) != since:
            slices = []  # planned for another window: plan again (stored PRs stay; upserts are idempotent)
        if not slices and not repo.backfill_cursor:
            in_window = sum(month.count for month in state.months)
            if state.months and in_window > self.page_size * self.slice_above_pages:
                # A little under a page each: a slice that grew since the count still fits one.
                target = max(1, self.page_size * 9 // 10)
                bounds = sync_slices.plan_slices(state.months, target, utc_now())
                slices = await self.db.run(pr_store.replace_slices, repo.id, bounds)
        if slices:
            await self._backfill_slices(state, since, slices)
        else:
            await self._backfill_walk(state, since)

    async def _backfill_slices(self, state: RepoState, since: datetime, slices: list[SyncSlice]) -> None:
        """Every slice at once; each resumes from its own cursor. Complete when all are."""
        if any(s.cursor or s.done for s in slices):
            self.progress.emit(Notice(f"{state.repo.full_name}: resuming its {len(slices)} slices where they stopped"))
        tasks = [asyncio.create_task(self._slice(state, s)) for s in slices if not s.done]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # One slice failed (or the sync was cancelled): stop its siblings before reporting.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        fields = {"backfill_cursor": None, "backfill_complete": True, "history_start": since}
        fields["history_exhausted"] = False  # unknown: a longer window later walks again
        await self.db.run(pr_store.finish_slices, state.repo, fields)

    async def _slice(self, state: RepoState, piece: SyncSlice) -> None:
        if piece.method == sync_slices.SEARCH and not await self._search_slice(state, piece):
            # Search disagreed with its own count (lag, early stop, cap): walk this slice instead.
            self.progress.emit(Notice(f"{state.repo.full_name}: a search slice came back short; walking it instead"))
            await self.db.run(pr_store.save_slice, piece, {"method": sync_slices.WALK, "cursor": None})
        if piece.method == sync_slices.WALK:
            await self._walk_slice(state, piece)
        await self.db.run(pr_store.save_slice, piece, {"done": True})

    async def _search_slice(self, state: RepoState, piece: SyncSlice) -> bool:
        """Page the slice's search; True when what is stored matches the search's exact count."""
        repo = state.repo
        query = sync_slices.created_query(repo.full_name, piece.start, piece.end, sort=True)
        size = piece.page_size or self.page_size
        cursor = piece.cursor
        while True:
            page = await self.github.search_pull_request_page(
                query, cursor=cursor, page_size=size, label=repo.full_name, on_wait=self.progress.on_wait
            )
            records = [record_from_node(node) for node in page.nodes]
            kept = [
                r for r in records if piece.start <= r.created_at and (piece.end is None or r.created_at < piece.end)
            ]
            complete = await self._complete(kept, repo.full_name)
            cursor = page.end_cursor or cursor
            await self._store(state, complete, {}, piece, {"cursor": cursor, "page_size": page.page_size})
            size = min(self.page_size, page.page_size * 2)  # grow back after a 502 halved it
            if not page.has_next_page:
                break
        if page.total_count > sync_slices.SEARCH_CAP:
            return False
        stored = await self.db.run(pr_store.count_stored_between, repo.id, piece.start, piece.end)
        return stored >= page.total_count

    async def _walk_slice(self, state: RepoState, piece: SyncSlice) -> None:
        """``pullRequests`` newest first from the slice's cursor, storing only the slice's PRs."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.created_at >= piece.start]

        def fields(page: PullRequestPage, kept: int, total: int, done: bool) -> Fields:
            return {"cursor": page.end_cursor, "page_size": page.page_size}

        def inside(record: PullRequestRecord) -> bool:
            return piece.end is None or record.created_at < piece.end

        await self._walk(state, "CREATED_AT", piece.cursor, keep, fields, inside, piece)

    async def _backfill_walk(self, state: RepoState, since: datetime) -> None:
        """Newest-first by creation; stop at the first PR older than ``since``."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.created_at >= since]

        def resume_fields(page: PullRequestPage, kept: int, total: int, done: bool) -> Fields:
            if not done:
                return {"backfill_cursor": page.end_cursor, "page_size": page.page_size}
            return {
                "backfill_cursor": None,
                "page_size": page.page_size,
                "backfill_complete": True,
                "history_start": since,
                "history_exhausted": not page.has_next_page and kept == total,
            }

        await self._walk(state, "CREATED_AT", state.repo.backfill_cursor, keep, resume_fields)

    async def refresh(self, state: RepoState, since: datetime, watermark: datetime) -> None:
        """Newest-first by update; stop at the first PR not updated since the watermark."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.updated_at >= watermark]

        def page_fields(page: PullRequestPage, kept: int, total: int, done: bool) -> Fields:
            return {"page_size": page.page_size}

        # Refreshed PRs created before the window stay out: the window is what the metrics cover.
        await self._walk(state, "UPDATED_AT", None, keep, page_fields, lambda r: r.created_at >= since)

    async def _walk(
        self,
        state: RepoState,
        order: str,
        cursor: str | None,
        keep: Callable[[list[PullRequestRecord]], list[PullRequestRecord]],
        fields_for: FieldsFor,
        store_if: Callable[[PullRequestRecord], bool] = lambda record: True,
        piece: SyncSlice | None = None,
    ) -> None:
        """Page through a repo's PRs newest first until ``keep`` drops one or the pages end.

        The next page is requested while this one's follow-ups and database write run: on
        GitHub's latency that overlap is most of a repo's speed. Pages are still stored in
        order, each with the cursor after it, so a resume point is never ahead of the data.
        """
        repo = state.repo

        def fetch(after: str | None, size: int) -> asyncio.Task[PullRequestPage]:
            urgent = state.fetched == 0  # the repo's first page: every repo shows progress early
            return asyncio.create_task(
                self.github.pull_request_page(
                    repo.owner,
                    repo.name,
                    cursor=after,
                    order=order,
                    page_size=size,
                    label=repo.full_name,
                    urgent=urgent,
                    on_wait=self.progress.on_wait,
                )
            )

        start_size = (piece.page_size if piece else repo.page_size) or self.page_size
        pending = fetch(cursor, min(start_size, self.page_size))
        try:
            while True:
                page = await pending
                records = [record_from_node(node) for node in page.nodes]
                kept = keep(records)
                done = len(kept) < len(records) or not page.has_next_page
                if not done:
                    # Grow back towards the chosen size after a 502 or timeout halved the page.
                    pending = fetch(page.end_cursor, min(self.page_size, page.page_size * 2))
                wanted = [record for record in kept if store_if(record)]
                complete = await self._complete(wanted, repo.full_name)
                fields = fields_for(page, len(kept), len(records), done)
                if piece is None:
                    await self._store(state, complete, fields)
                else:
                    await self._store(state, complete, {}, piece, fields)
                if done:
                    return
        finally:
            if not pending.done():
                pending.cancel()
            elif not pending.cancelled():
                pending.exception()  # a prefetch that failed after an earlier error: already handled

    async def _complete(self, records: list[PullRequestRecord], label: str) -> list[PullRequestRecord]:
        """Fetch the reviews and commits that did not fit in the list query's nested pages."""

        async def complete(record: PullRequestRecord) -> PullRequestRecord:
            reviews, commits = record.reviews, record.commits
            if record.more_reviews_after:
                more = await self.github.remaining_reviews(
                    record.github_id, record.more_reviews_after, label, on_wait=self.progress.on_wait
                )
                reviews = reviews + tuple(review_from_node(node) for node in more)
            if record.more_commits_after:
                more = await self.github.remaining_commits(
                    record.github_id, record.more_commits_after, label, on_wait=self.progress.on_wait
                )
                commits = commits + tuple(commit_from_node(node) for node in more)
            return dataclasses.replace(
                record, reviews=reviews, commits=commits, more_reviews_after=None, more_commits_after=None
            )

        return list(await asyncio.gather(*(complete(record) for record in records)))

    async def _store(
        self,
        state: RepoState,
        records: list[PullRequestRecord],
        fields: Fields,
        piece: SyncSlice | None = None,
        slice_fields: Fields | None = None,
    ) -> None:
        repo = state.repo
        if records or fields or slice_fields:
            slice_id = piece.id if piece is not None else None
            state.ai_found += await self.db.run(
                pr_store.save_pull_requests, repo.id, records, fields, slice_id, slice_fields
            )
            for key, value in fields.items():
                setattr(repo, key, value)
            for key, value in (slice_fields or {}).items():
                setattr(piece, key, value)
        self.progress.page_stored(state, len(records))
