"""The sync: pre-flight counts, then every repo's PR history into the database, concurrently.

Per repo the state machine is pending -> syncing -> completed | failed, recorded on its row: here.
The pre-flight is ``sync.preflight``, fetching and storing pages ``sync.fetching``, each repo's
progress and its events ``sync.progress``. Everything the run has to tell goes to the ``sink``,
as the frozen events of ``core.events``; GitHub's waits arrive as ``WaitNotice``s on each call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tformance.core.dates import calculate_sync_date_range, start_of_day_utc, utc_now
from tformance.core.errors import DatabaseError, GitHubAuthError, GitHubError, GitHubNotFound
from tformance.core.events import EventSink, Notice, RepoFinished, Stage, SyncFinished, SyncStarted, ignore_events
from tformance.core.github.client import GitHubClient
from tformance.core.store import pr_store
from tformance.core.store.models import SyncStatus
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.estimate import Pace, estimate
from tformance.core.sync.fetching import HistoryFetcher
from tformance.core.sync.preflight import needs_backfill, preflight
from tformance.core.sync.progress import RepoState, SyncProgress

log = logging.getLogger(__name__)

# GitHub timestamps have second resolution and clocks drift: a refresh re-reads a little
# overlap rather than miss a PR updated in the second the previous sync started.
WATERMARK_MARGIN = timedelta(minutes=5)


@dataclass
class SyncService:
    """Runs a sync. ``sink`` receives every event, a ``PageStored`` after each stored page among them."""

    github: GitHubClient
    db: DatabaseThread
    sink: EventSink = ignore_events
    page_size: int = 50
    max_concurrent_repos: int = 10
    # A backfill needing more pages than this is cut into created-date slices fetched at once.
    slice_above_pages: int = 1  # measured: slicing two-page repos too is faster (benchmarks/sync_speed.py)
    today: date | None = None
    pace: Pace | None = None  # for the estimate on ``SyncStarted`` (default: GitHub's, at these settings)

    async def run(self, repo_names: list[str], months: int = 12) -> SyncFinished:
        """Sync ``repo_names`` over the last ``months`` months. Raises ``GitHubAuthError`` if the
        token is rejected; any other failure fails only its repo."""
        start, _ = calculate_sync_date_range(months, self.today)
        since = start_of_day_utc(start)
        run_started = utc_now()
        progress = SyncProgress(self.sink, self.github.rate_limit)
        fetcher = HistoryFetcher(self.github, self.db, progress, self.page_size, self.slice_above_pages)

        repos = [await self.db.run(pr_store.ensure_repository, name) for name in _unique(repo_names)]
        found = await preflight(self.github, self.db, repos, since, self.today, progress)
        plans = found.plans
        order = sorted(range(len(repos)), key=lambda i: (-plans[i].prs_last_6_months, repos[i].full_name.lower()))
        progress.states = {
            repos[i].full_name: RepoState(repos[i], plans[i], months=found.months.get(repos[i].full_name, []))
            for i in order
        }
        total = sum(plan.prs_to_fetch for plan in plans)
        pace = self.pace or Pace(concurrency=self.max_concurrent_repos, page_size=self.page_size)
        planned = estimate([plan.prs_to_fetch for plan in plans], pace)
        progress.emit(
            SyncStarted(
                plans=tuple(state.plan for state in progress.states.values()),
                total_prs=total,
                estimated_points=planned.api_points,
                estimated_seconds=planned.seconds,
                rate_limit_remaining=self.github.rate_limit.remaining,
            )
        )
        for state in progress.states.values():
            progress.progress(state)

        # Every repository starts at once: the governor caps the requests in flight and the time
        # budget, and each repo's first page goes first, so every repo shows progress early.
        slots = asyncio.Semaphore(max(1, len(repos)))
        tasks = [
            asyncio.create_task(self._guarded(state, fetcher, slots, since, run_started), name=f"sync {name}")
            for name, state in progress.states.items()
        ]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            outcome = await asyncio.gather(*tasks, return_exceptions=True)
            auth = next((r for r in outcome if isinstance(r, GitHubAuthError | DatabaseError)), None)
            if auth is not None:
                raise auth from None
            raise
        finished = SyncFinished(results=tuple(results))
        progress.emit(finished)
        return finished

    async def _guarded(
        self,
        state: RepoState,
        fetcher: HistoryFetcher,
        slots: asyncio.Semaphore,
        since: datetime,
        run_started: datetime,
    ) -> RepoFinished:
        """Sync one repo; its failure is recorded and reported, never raised to the others."""
        repo = state.repo
        async with slots:
            try:
                await self._sync_repo(state, fetcher, since, run_started)
            except (GitHubAuthError, DatabaseError):
                raise  # a rejected token or a full or damaged database stops every repo, not just this one
            except asyncio.CancelledError:
                await self.db.run(
                    pr_store.save_repository,
                    repo,
                    {"sync_status": SyncStatus.PENDING, "sync_error": "interrupted: run the sync again to resume"},
                )
                fetcher.progress.set(state, Stage.CANCELLED, "interrupted: resumes on the next sync")
                raise
            except Exception as error:
                reason = str(error) if isinstance(error, GitHubError) else f"unexpected error: {error!r}"
                if not isinstance(error, GitHubError):
                    log.exception("sync of %s failed", repo.full_name)
                if isinstance(error, GitHubNotFound) and await self.db.run(pr_store.untrack_if_never_synced, repo.id):
                    reason += "; not tracked (check the name)"  # a typo must not fail every later sync
                else:
                    await self.db.run(
                        pr_store.save_repository, repo, {"sync_status": SyncStatus.FAILED, "sync_error": reason}
                    )
                fetcher.progress.set(state, Stage.FAILED, reason)
                return fetcher.progress.finish(state, success=False, error=reason)
        return fetcher.progress.finish(state, success=True)

    async def _sync_repo(
        self, state: RepoState, fetcher: HistoryFetcher, since: datetime, run_started: datetime
    ) -> None:
        repo = state.repo
        fields: dict[str, Any] = {"sync_status": SyncStatus.SYNCING, "sync_started_at": run_started, "sync_error": None}
        if needs_backfill(repo, since):
            if repo.history_start is not None and since < repo.history_start:
                # A longer window than stored: walk again from the newest (upserts keep it idempotent).
                fields.update(backfill_cursor=None, backfill_complete=False)
            if repo.backfill_cursor is None and not fields.get("backfill_cursor"):
                fields["backfill_started_at"] = run_started
            elif repo.backfill_cursor:
                fetcher.progress.emit(Notice(f"{repo.full_name}: resuming where the last sync stopped"))
        await self.db.run(pr_store.save_repository, repo, fields)
        fetcher.progress.set(state, Stage.FETCHING)

        if not repo.backfill_complete:
            await fetcher.backfill(state, since)
        watermark = repo.updated_watermark
        if repo.backfill_started_at is not None:
            watermark = min(filter(None, (watermark, repo.backfill_started_at)))
        if watermark is not None and watermark < run_started:
            await fetcher.refresh(state, since, watermark)

        stored = await self.db.run(pr_store.count_stored, repo.id, since)
        await self.db.run(
            pr_store.save_repository,
            repo,
            {
                "sync_status": SyncStatus.COMPLETED,
                "sync_prs_completed": stored,
                "sync_prs_total": max(stored, repo.sync_prs_total),
                "last_synced_at": utc_now(),
                "updated_watermark": run_started - WATERMARK_MARGIN,
                "backfill_started_at": None,
                "sync_error": None,
            },
        )
        state.stored = stored
        fetcher.progress.set(state, Stage.DONE)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())
