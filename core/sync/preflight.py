"""The pre-flight: exact PR counts per repo before anything is fetched, in batched searches.

They make the plan (what each repo has to fetch, most active first) and, for a first backfill,
the per-month counts its created-date slices are cut from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from tformance.core.dates import start_of_day_utc, utc_now
from tformance.core.errors import GitHubAuthError, GitHubError
from tformance.core.events import Notice, RepoPlan
from tformance.core.github.client import GitHubClient, sso_hidden_note
from tformance.core.store import pr_store
from tformance.core.store.models import Repository
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync import slices as sync_slices
from tformance.core.sync.progress import SyncProgress

RECENT_MONTHS = 6


@dataclass(frozen=True)
class Preflight:
    plans: list[RepoPlan]  # in the order of the repos asked
    months: dict[str, list[sync_slices.Month]]  # per-month counts of the repos that may be sliced


def needs_backfill(repo: Repository, since: datetime) -> bool:
    """The stored history does not reach back to ``since`` yet (or was never completed)."""
    if not repo.backfill_complete:
        return True
    return repo.history_start is not None and since < repo.history_start and not repo.history_exhausted


def may_slice(repo: Repository, since: datetime) -> bool:
    """A backfill not yet under way as one walk (its cursor would be lost) may be sliced."""
    return needs_backfill(repo, since) and not repo.backfill_cursor


async def preflight(
    github: GitHubClient,
    db: DatabaseThread,
    repos: list[Repository],
    since: datetime,
    today: date | None,
    progress: SyncProgress,
) -> Preflight:
    """Exact PR counts per repo (in range, last 6 months, updated since the watermark)."""
    recent = start_of_day_utc((today or utc_now().date()) - relativedelta(months=RECENT_MONTHS))
    searches: list[str] = []
    months = sync_slices.month_bounds(since, start_of_day_utc(today) if today else utc_now())
    sliceable = [may_slice(repo, since) for repo in repos]
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
        counts = await github.count_pull_requests(searches, on_wait=progress.on_wait)
    except GitHubAuthError:
        raise
    except GitHubError as error:
        progress.emit(Notice(f"Could not count PRs before the sync ({error}); totals are estimates.", "warning"))
        counts = [0] * len(searches)

    if github.sso_hidden_organizations:
        progress.emit(Notice(sso_hidden_note(github.sso_hidden_organizations), "warning"))
    month_counts: dict[str, list[sync_slices.Month]] = {}
    offset = 3 * len(repos)
    for repo, may in zip(repos, sliceable, strict=True):
        if may:
            found = counts[offset : offset + len(months)]
            offset += len(months)
            month_counts[repo.full_name] = [
                sync_slices.Month(start, end, count) for (start, end), count in zip(months, found, strict=True)
            ]
    plans = []
    for index, repo in enumerate(repos):
        in_range, last_6, updated = counts[3 * index : 3 * index + 3]
        stored = await db.run(pr_store.count_stored, repo.id, since)
        if needs_backfill(repo, since):
            to_fetch = max(0, in_range - stored) + (updated if repo.updated_watermark else 0)
        else:
            to_fetch = updated
        plans.append(RepoPlan(repo.full_name, in_range, last_6, to_fetch))
        await db.run(
            pr_store.save_repository,
            repo,
            {"prs_last_6_months": last_6, "sync_prs_total": in_range, "sync_prs_completed": stored},
        )
    return Preflight(plans, month_counts)
