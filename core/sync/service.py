"""The sync: pre-flight counts, then every repo's PR history into the database, concurrently.

Per repo the state machine is pending -> syncing -> completed | failed. A first sync backfills
the window: a small repo newest-first in one walk, a bigger one as created-date slices fetched at
once (``sync_slices``). Every stored page records its cursor (the repo's, or its slice's), so a
killed run resumes each walk right there. Later syncs refresh only PRs updated since the watermark.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from tformance.core import signals
from tformance.core.dates import calculate_sync_date_range, start_of_day_utc, utc_now
from tformance.core.errors import DatabaseError, GitHubAuthError, GitHubError, GitHubNotFound
from tformance.core.events import (
    EventSink,
    Notice,
    OverallProgress,
    RepoFinished,
    RepoPlan,
    RepoProgress,
    Stage,
    SyncFinished,
    SyncStarted,
    ignore_events,
)
from tformance.core.github.client import GitHubClient, PullRequestPage, WaitNotice, sso_hidden_note
from tformance.core.github.records import PullRequestRecord, commit_from_node, record_from_node, review_from_node
from tformance.core.store import pr_store
from tformance.core.store.models import Repository, SyncSlice, SyncStatus
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync import slices as sync_slices
from tformance.core.sync.estimate import Pace, estimate

log = logging.getLogger(__name__)

RECENT_MONTHS = 6
# GitHub timestamps have second resolution and clocks drift: a refresh re-reads a little
# overlap rather than miss a PR updated in the second the previous sync started.
WATERMARK_MARGIN = timedelta(minutes=5)


@dataclass
class _RepoState:
    repo: Repository
    plan: RepoPlan
    stage: Stage = Stage.WAITING
    fetched: int = 0
    stored: int = 0
    ai_found: int = 0
    message: str = ""
    paused_until: datetime | None = None
    months: list[sync_slices.Month] = field(default_factory=list)  # per-month counts, for slicing


@dataclass
class SyncService:
    """Runs a sync. ``sink`` receives events; ``on_stored(repo_full_name)`` hears of each stored page."""

    github: GitHubClient
    db: DatabaseThread
    sink: EventSink = ignore_events
    page_size: int = 50
    max_concurrent_repos: int = 10
    # A backfill needing more pages than this is cut into created-date slices fetched at once.
    slice_above_pages: int = 1  # measured: slicing two-page repos too is faster (benchmarks/sync_speed.py)
    today: date | None = None
    on_stored: Callable[[str], None] | None = None
    pace: Pace | None = None  # for the estimate on ``SyncStarted`` (default: GitHub's, at these settings)
    _states: dict[str, _RepoState] = field(default_factory=dict, init=False)
    _month_counts: dict[str, list[sync_slices.Month]] = field(default_factory=dict, init=False)
    _started: float = field(default=0.0, init=False)

    async def run(self, repo_names: list[str], months: int = 12) -> SyncFinished:
        """Sync ``repo_names`` over the last ``months`` months. Raises ``GitHubAuthError`` if the
        token is rejected; any other failure fails only its repo."""
        start, _ = calculate_sync_date_range(months, self.today)
        since = start_of_day_utc(start)
        run_started = utc_now()
        self.github.on_wait = self._on_wait
        self._started = time.monotonic()

        repos = [await self.db.run(pr_store.ensure_repository, name) for name in _unique(repo_names)]
        plans = await self._preflight(repos, since)
        order = sorted(range(len(repos)), key=lambda i: (-plans[i].prs_last_6_months, repos[i].full_name.lower()))
        self._states = {
            repos[i].full_name: _RepoState(repos[i], plans[i], months=self._month_counts.get(repos[i].full_name, []))
            for i in order
        }
        total = sum(plan.prs_to_fetch for plan in plans)
        pace = self.pace or Pace(concurrency=self.max_concurrent_repos, page_size=self.page_size)
        planned = estimate([plan.prs_to_fetch for plan in plans], pace)
        self._emit(
            SyncStarted(
                plans=tuple(self._states[name].plan for name in self._states),
                total_prs=total,
                estimated_points=planned.api_points,
                estimated_seconds=planned.seconds,
                rate_limit_remaining=self.github.rate_limit.remaining,
            )
        )
        for state in self._states.values():
            self._progress(state)

        # Every repository starts at once: the governor caps the requests in flight and the time
        # budget, and each repo's first page goes first, so every repo shows progress early.
        slots = asyncio.Semaphore(max(1, len(repos)))
        tasks = [
            asyncio.create_task(self._guarded(state, slots, since, run_started), name=f"sync {name}")
            for name, state in self._states.items()
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
        signals.historical_sync_complete.send(self, repos=[result.repo for result in results], success=finished.ok)
        self._emit(finished)
        return finished

    # -- pre-flight ------------------------------------------------------------------------

    async def _preflight(self, repos: list[Repository], since: datetime) -> list[RepoPlan]:
        """Exact PR counts per repo (in range, last 6 months, updated since the watermark)."""
        recent = start_of_day_utc((self.today or utc_now().date()) - relativedelta(months=RECENT_MONTHS))
        searches: list[str] = []
        months = sync_slices.month_bounds(since, start_of_day_utc(self.today) if self.today else utc_now())
        sliceable = [self._may_slice(repo, since) for repo in repos]
        for repo in repos:
            base = f"repo:{repo.full_name} is:pr"
            searches.append(f"{base} created:>={since:%Y-%m-%d}")
            searches.append(f"{base} created:>={recent:%Y-%m-%d}")
            watermark = repo.updated_watermark or since
            searches.append(f"{base} created:>={since:%Y-%m-%d} updated:>={watermark:%Y-%m-%dT%H:%M:%SZ}")
        for repo, may in zip(repos, sliceable, strict=True):
            if may:  # cheap per-month counts in the same batched requests, to size the slices
                searches.extend(sync_slices.created_query(repo.full_name, start, end) for start, end in months)
        try:
            counts = await self.github.count_pull_requests(searches)
        except GitHubAuthError:
            raise
        except GitHubError as error:
            self._emit(Notice(f"Could not count PRs before the sync ({error}); totals are estimates.", "warning"))
            counts = [0] * len(searches)

        if self.github.sso_hidden_organizations:
            self._emit(Notice(sso_hidden_note(self.github.sso_hidden_organizations), "warning"))
        plans = []
        self._month_counts = {}
        offset = 3 * len(repos)
        for repo, may in zip(repos, sliceable, strict=True):
            if may:
                found = counts[offset : offset + len(months)]
                offset += len(months)
                self._month_counts[repo.full_name] = [
                    sync_slices.Month(start, end, count) for (start, end), count in zip(months, found, strict=True)
                ]
        for index, repo in enumerate(repos):
            in_range, last_6, updated = counts[3 * index : 3 * index + 3]
            stored = await self.db.run(pr_store.count_stored, repo.id, since)
            if self._needs_backfill(repo, since):
                to_fetch = max(0, in_range - stored) + (updated if repo.updated_watermark else 0)
            else:
                to_fetch = updated
            plans.append(RepoPlan(repo.full_name, in_range, last_6, to_fetch))
            await self.db.run(
                pr_store.save_repository,
                repo,
                {"prs_last_6_months": last_6, "sync_prs_total": in_range, "sync_prs_completed": stored},
            )
        return plans

    # -- one repo --------------------------------------------------------------------------

    async def _guarded(
        self, state: _RepoState, slots: asyncio.Semaphore, since: datetime, run_started: datetime
    ) -> RepoFinished:
        """Sync one repo; its failure is recorded and reported, never raised to the others."""
        repo = state.repo
        async with slots:
            try:
                await self._sync_repo(state, since, run_started)
            except (GitHubAuthError, DatabaseError):
                raise  # a rejected token or a full or damaged database stops every repo, not just this one
            except asyncio.CancelledError:
                await self.db.run(
                    pr_store.save_repository,
                    repo,
                    {"sync_status": SyncStatus.PENDING, "sync_error": "interrupted: run the sync again to resume"},
                )
                self._set(state, Stage.CANCELLED, "interrupted: resumes on the next sync")
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
                self._set(state, Stage.FAILED, reason)
                return self._finish(state, success=False, error=reason)
        return self._finish(state, success=True)

    async def _sync_repo(self, state: _RepoState, since: datetime, run_started: datetime) -> None:
        repo = state.repo
        fields: dict = {"sync_status": SyncStatus.SYNCING, "sync_started_at": run_started, "sync_error": None}
        if self._needs_backfill(repo, since):
            if repo.history_start is not None and since < repo.history_start:
                # A longer window than stored: walk again from the newest (upserts keep it idempotent).
                fields.update(backfill_cursor=None, backfill_complete=False)
            if repo.backfill_cursor is None and not fields.get("backfill_cursor"):
                fields["backfill_started_at"] = run_started
            elif repo.backfill_cursor:
                self._emit(Notice(f"{repo.full_name}: resuming where the last sync stopped"))
        await self.db.run(pr_store.save_repository, repo, fields)
        self._set(state, Stage.FETCHING)

        if not repo.backfill_complete:
            await self._backfill(state, since)
        watermark = repo.updated_watermark
        if repo.backfill_started_at is not None:
            watermark = min(filter(None, (watermark, repo.backfill_started_at)))
        if watermark is not None and watermark < run_started:
            await self._refresh(state, since, watermark)

        stored = await self.db.run(pr_store.count_stored, repo.id, since)
        await self.db.run(
            pr_store.save_repository,
            repo,
            {
                "sync_status": SyncStatus.COMPLETED,
                "sync_progress": 100,
                "sync_prs_completed": stored,
                "sync_prs_total": max(stored, repo.sync_prs_total),
                "last_synced_at": utc_now(),
                "updated_watermark": run_started - WATERMARK_MARGIN,
                "backfill_started_at": None,
                "sync_error": None,
            },
        )
        state.stored = stored
        self._set(state, Stage.DONE)

    def _may_slice(self, repo: Repository, since: datetime) -> bool:
        """A backfill not yet under way as one walk (its cursor would be lost) may be sliced."""
        return self._needs_backfill(repo, since) and not repo.backfill_cursor

    async def _backfill(self, state: _RepoState, since: datetime) -> None:
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

    async def _backfill_slices(self, state: _RepoState, since: datetime, slices: list[SyncSlice]) -> None:
        """Every slice at once; each resumes from its own cursor. Complete when all are."""
        if any(s.cursor or s.done for s in slices):
            self._emit(Notice(f"{state.repo.full_name}: resuming its {len(slices)} slices where they stopped"))
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

    async def _slice(self, state: _RepoState, piece: SyncSlice) -> None:
        if piece.method == sync_slices.SEARCH and not await self._search_slice(state, piece):
            # Search disagreed with its own count (lag, early stop, cap): walk this slice instead.
            self._emit(Notice(f"{state.repo.full_name}: a search slice came back short; walking it instead"))
            await self.db.run(pr_store.save_slice, piece, {"method": sync_slices.WALK, "cursor": None})
        if piece.method == sync_slices.WALK:
            await self._walk_slice(state, piece)
        await self.db.run(pr_store.save_slice, piece, {"done": True})

    async def _search_slice(self, state: _RepoState, piece: SyncSlice) -> bool:
        """Page the slice's search; True when what is stored matches the search's exact count."""
        repo = state.repo
        query = sync_slices.created_query(repo.full_name, piece.start, piece.end, sort=True)
        size = piece.page_size or self.page_size
        cursor = piece.cursor
        while True:
            page = await self.github.search_pull_request_page(
                query, cursor=cursor, page_size=size, label=repo.full_name
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

    async def _walk_slice(self, state: _RepoState, piece: SyncSlice) -> None:
        """``pullRequests`` newest first from the slice's cursor, storing only the slice's PRs."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.created_at >= piece.start]

        def fields(page: PullRequestPage, kept: int, total: int, done: bool) -> dict:
            return {"cursor": page.end_cursor, "page_size": page.page_size}

        def inside(record: PullRequestRecord) -> bool:
            return piece.end is None or record.created_at < piece.end

        await self._walk(state, "CREATED_AT", piece.cursor, keep, fields, inside, piece)

    async def _backfill_walk(self, state: _RepoState, since: datetime) -> None:
        """Newest-first by creation; stop at the first PR older than ``since``."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.created_at >= since]

        def resume_fields(page: PullRequestPage, kept: int, total: int, done: bool) -> dict:
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

    async def _refresh(self, state: _RepoState, since: datetime, watermark: datetime) -> None:
        """Newest-first by update; stop at the first PR not updated since the watermark."""

        def keep(records: list[PullRequestRecord]) -> list[PullRequestRecord]:
            return [record for record in records if record.updated_at >= watermark]

        def page_fields(page: PullRequestPage, kept: int, total: int, done: bool) -> dict:
            return {"page_size": page.page_size}

        # Refreshed PRs created before the window stay out: the window is what the metrics cover.
        await self._walk(state, "UPDATED_AT", None, keep, page_fields, lambda r: r.created_at >= since)

    async def _walk(
        self,
        state: _RepoState,
        order: str,
        cursor: str | None,
        keep: Callable[[list[PullRequestRecord]], list[PullRequestRecord]],
        fields_for: Callable[[PullRequestPage, int, int, bool], dict],
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
                more = await self.github.remaining_reviews(record.github_id, record.more_reviews_after, label)
                reviews = reviews + tuple(review_from_node(node) for node in more)
            if record.more_commits_after:
                more = await self.github.remaining_commits(record.github_id, record.more_commits_after, label)
                commits = commits + tuple(commit_from_node(node) for node in more)
            return dataclasses.replace(
                record, reviews=reviews, commits=commits, more_reviews_after=None, more_commits_after=None
            )

        return list(await asyncio.gather(*(complete(record) for record in records)))

    async def _store(
        self,
        state: _RepoState,
        records: list[PullRequestRecord],
        fields: dict,
        piece: SyncSlice | None = None,
        slice_fields: dict | None = None,
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
        state.fetched += len(records)
        state.stored += len(records)  # an upper bound until the final count; refreshes may overwrite
        state.stage, state.message, state.paused_until = Stage.FETCHING, "", None
        self._progress(state)
        signals.historical_sync_progress.send(
            self, repo=repo.full_name, prs_completed=state.fetched, prs_total=state.plan.prs_to_fetch
        )
        if records and self.on_stored is not None:
            self.on_stored(repo.full_name)

    # -- events ----------------------------------------------------------------------------

    @staticmethod
    def _needs_backfill(repo: Repository, since: datetime) -> bool:
        if not repo.backfill_complete:
            return True
        return repo.history_start is not None and since < repo.history_start and not repo.history_exhausted

    def _finish(self, state: _RepoState, *, success: bool, error: str | None = None) -> RepoFinished:
        result = RepoFinished(state.repo.full_name, success, state.stored, error)
        signals.historical_sync_repo_complete.send(self, repo=result.repo, success=success, error=error)
        self._emit(result)
        self._overall()
        return result

    def _on_wait(self, notice: WaitNotice) -> None:
        token_wide = notice.kind in ("rate_limit", "secondary")
        if token_wide:
            # Both limits are per token: every repo still fetching is paused.
            targets = [s for s in self._states.values() if s.stage in (Stage.FETCHING, Stage.RETRYING)]
        else:
            targets = [self._states[notice.label]] if notice.label in self._states else []
        if notice.kind == "secondary":
            self._emit(Notice(notice.reason, "warning"))  # "GitHub asked us to slow down: resuming at ..."
        stage = Stage.PAUSED if token_wide else Stage.RETRYING
        for state in targets:
            state.paused_until = notice.until
            self._set(state, stage, notice.reason)

    def _set(self, state: _RepoState, stage: Stage, message: str = "") -> None:
        state.stage, state.message = stage, message
        if stage not in (Stage.PAUSED, Stage.RETRYING):
            state.paused_until = None
        self._progress(state)

    def _progress(self, state: _RepoState) -> None:
        self._emit(
            RepoProgress(
                repo=state.repo.full_name,
                stage=state.stage,
                fetched=state.fetched,
                stored=state.stored,
                total=max(state.plan.prs_to_fetch, state.fetched),
                ai_found=state.ai_found,
                message=state.message,
                paused_until=state.paused_until,
            )
        )
        self._overall()

    def _overall(self) -> None:
        states = list(self._states.values())
        fetched = sum(s.fetched for s in states)
        total = sum(max(s.plan.prs_to_fetch, s.fetched) for s in states)
        finished = {Stage.DONE, Stage.FAILED}
        # A failed repo counts as complete for the overall bar: nothing more will come from it.
        done_weight = sum(max(s.plan.prs_to_fetch, s.fetched) if s.stage in finished else s.fetched for s in states)
        fraction = 1.0 if total == 0 else min(1.0, done_weight / total)
        elapsed = time.monotonic() - self._started
        eta = None
        if 0 < fraction < 1 and elapsed > 0:
            eta = elapsed * (1 - fraction) / fraction
        self._emit(
            OverallProgress(
                fetched=fetched,
                total=total,
                fraction=fraction,
                eta_seconds=eta,
                rate_limit_remaining=self.github.rate_limit.remaining,
                repos_done=sum(s.stage == Stage.DONE for s in states),
                repos_failed=sum(s.stage == Stage.FAILED for s in states),
                repos_total=len(states),
            )
        )

    def _emit(self, event) -> None:  # type: ignore[no-untyped-def]
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())
