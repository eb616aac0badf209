"""The one entry point both front ends call: a database, a GitHub token's view, the sync with its
LLM stage, and the report, behind one typed object.

Everything that touches the database runs on the workspace's one database thread (SQLite likes a
single writer, and the event loop stays free), so every such method is a coroutine. Open it with
:meth:`Workspace.open` (or ``async with``), close it with :meth:`Workspace.close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from dateutil.relativedelta import relativedelta

from tformance.core import paths
from tformance.core.config_file import save_config_value
from tformance.core.dates import calculate_sync_date_range, utc_now
from tformance.core.detection.detector import RULES_VERSION, PullRequestText, detect_ai, detection_to_json
from tformance.core.detection.rescan import RescanResult, rescan_signatures
from tformance.core.enrichment.batch import BatchEnrichment, BatchOutcome
from tformance.core.enrichment.live import Enricher, EnrichmentSummary
from tformance.core.events import EventSink, SyncFinished
from tformance.core.github import token_store
from tformance.core.github.client import TokenInfo, sso_hidden_note
from tformance.core.github.token_sources import FoundToken
from tformance.core.llm.client import LLMClient
from tformance.core.llm.cost import estimate_llm_cost, format_cost, usage_cost
from tformance.core.llm.prompt import describe_outgoing_fields
from tformance.core.metrics.report import compute_report, list_prs
from tformance.core.metrics.types import PRRow, ReportFilter, TeamReport
from tformance.core.settings import Settings
from tformance.core.store import overview as store_overview
from tformance.core.store.database import close_database, open_database
from tformance.core.store.overview import PullRequestDetail, StoreOverview
from tformance.core.store.pr_store import DatabaseThread, TrackedRepo, remove_repository, tracked_repositories
from tformance.core.store.sync_lock import SyncLock
from tformance.core.sync.estimate import Estimate, Pace, estimate
from tformance.core.workspace import sync_run
from tformance.core.workspace.report_output import export_report, write_report
from tformance.core.workspace.results import BatchResult, PullRequestCounts, RepositoryList, SyncPreview
from tformance.core.workspace.services import Services
from tformance.core.workspace.sync_run import SyncEnrichment, SyncOutcome

RECENT_MONTHS = 6  # the picker's "recent activity" column
REPOS_PER_COUNT_REQUEST = 15  # two searches each: 30 aliased searches fit one GraphQL request
COUNT_REQUESTS_IN_FLIGHT = 3
DEMO_BATCH_POLLS = 5  # the demo's offline Groq lives only as long as the process: collect its batch now

LLMFactory = Callable[[], LLMClient | None]


class Workspace:
    """The engine as the app and every command see it. Build it from ``Services`` (the settings
    plus the injected transports: production, the demo's, or a test's)."""

    def __init__(self, services: Services, *, database_open: bool = False) -> None:
        """``database_open``: the caller (a test) opened the database already; :meth:`open` keeps it."""
        self.services = services
        self._db = DatabaseThread()
        self._open = database_open

    # -- life cycle ----------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def demo(self) -> bool:
        return self.services.demo

    @property
    def database_location(self) -> str:
        return self.services.database_location()

    async def open(self) -> None:
        """Open (create, upgrade) the database, off the event loop."""
        if not self._open:
            await self._db.run(open_database, self.database_location)
            self._open = True

    async def close(self) -> None:
        """Close the database on its thread and stop the thread."""
        await self._db.run(close_database)
        self._db.close()

    async def __aenter__(self) -> Workspace:
        await self.open()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    def sync_lock(self) -> SyncLock:
        """The database's sync lock (``with workspace.sync_lock():``), re-entrant in one process."""
        return SyncLock(self.database_location)

    def data_folder(self) -> Path:
        """Where the database lives: the user data dir, or the folder of a ``--db`` file."""
        location = self.database_location
        if "://" in location:
            return paths.data_dir()
        return Path(location).expanduser().resolve().parent

    @property
    def demo_speed(self) -> float:
        return self.services.demo_speed

    def set_demo_speed(self, speed: float) -> None:
        """Change the demo's pace (its offline GitHub's, and the next LLM client's), even mid-sync;
        a no-op outside the demo."""
        self.services.set_demo_speed(speed)

    def remember_theme(self, name: str) -> None:
        """Save the app's theme in config.toml, keeping the file's other keys (``SettingsError``, ``OSError``)."""
        save_config_value("theme", name)

    def today(self, now: datetime | None = None) -> date:
        """The day the sync window ends: the services' (tests, demo), else ``now``'s, else today (UTC)."""
        return self.services.today or (now or utc_now()).date()

    def history_start(self, months: int | None = None, *, now: datetime | None = None) -> date:
        """The first day of a sync of ``months`` (default: the settings') of history."""
        start, _ = calculate_sync_date_range(months or self.settings.history_months, self.today(now))
        return start

    # -- the token -----------------------------------------------------------------------------

    def find_token(self) -> FoundToken | None:
        """The demo's token, else ``GITHUB_TOKEN``, ``GH_TOKEN``, ``gh auth token``, the remembered one.
        May run ``gh``: call it off the event loop."""
        return self.services.find_token()

    async def check_token(self, token: str) -> TokenInfo:
        """Whose token this is, its scopes and rate limit (raises ``GitHubAuthError`` if rejected)."""
        async with self.services.github(token) as github:
            return await github.viewer()

    def remember_token(self, token: str) -> Path:
        """Save ``token`` for this user only; returns the file."""
        return token_store.save_token(token)

    def forget_token(self) -> bool:
        """Delete the remembered token; False when none was saved."""
        return token_store.forget_token()

    def saved_token_path(self) -> Path:
        return paths.saved_token_path()

    # -- GitHub: what the token sees -------------------------------------------------------------

    async def list_repositories(self, token: str, *, info: TokenInfo | None = None) -> RepositoryList:
        """Every repository ``token`` can see; its owner is asked for unless ``info`` is known."""
        async with self.services.github(token) as github:
            info = info or await github.viewer()
            repos = await github.list_repositories()
            hidden = github.sso_hidden_organizations
        return RepositoryList(info, tuple(repos), sso_hidden_note(hidden) if hidden else None)

    async def count_pull_requests(
        self,
        token: str,
        names: Sequence[str],
        on_counts: Callable[[PullRequestCounts], None],
        *,
        now: datetime | None = None,
    ) -> None:
        """PR counts of ``names`` in batches, several requests in flight; each batch goes to
        ``on_counts`` as soon as it lands."""
        today = self.today(now)
        start = self.history_start(now=now)
        recent_start = today - relativedelta(months=RECENT_MONTHS)
        slots = asyncio.Semaphore(COUNT_REQUESTS_IN_FLIGHT)
        batches = [list(names[i : i + REPOS_PER_COUNT_REQUEST]) for i in range(0, len(names), REPOS_PER_COUNT_REQUEST)]
        remaining = len(batches)
        async with self.services.github(token) as github:

            async def count_batch(batch: list[str]) -> None:
                nonlocal remaining
                searches = []
                for name in batch:
                    searches.append(f"repo:{name} is:pr created:>={recent_start:%Y-%m-%d}")
                    searches.append(f"repo:{name} is:pr created:>={start:%Y-%m-%d}")
                async with slots:
                    counts = await github.count_pull_requests(searches)
                remaining -= 1
                recent = dict(zip(batch, counts[0::2], strict=True))
                in_range = dict(zip(batch, counts[1::2], strict=True))
                on_counts(PullRequestCounts(recent, in_range, remaining == 0, github.rate_limit.remaining))

            await asyncio.gather(*(count_batch(batch) for batch in batches))

    # -- the tracked repositories --------------------------------------------------------------

    async def overview(self) -> StoreOverview:
        return await self._db.run(store_overview.overview)

    async def tracked_repositories(self) -> list[TrackedRepo]:
        """Every tracked repository with its sync status, stored PR count and last sync, by name."""
        return await self._db.run(tracked_repositories)

    async def tracked_names(self) -> list[str]:
        return await self._db.run(store_overview.tracked_names)

    async def default_repos(self) -> list[str]:
        """What a sync without named repos syncs: the configured ones, the tracked ones, or in
        the demo the whole demo organisation."""
        if self.settings.default_repos:
            return list(self.settings.default_repos)
        tracked = await self.tracked_names()
        backend = self.services.demo_backend
        if tracked or backend is None:
            return tracked
        return backend.repositories()

    async def known_pr_counts(self) -> dict[str, int]:
        """PRs of the last 6 months per tracked repo, as the last pre-flight counted them."""
        return await self._db.run(store_overview.known_pr_counts)

    async def pending_enrichment(self) -> int:
        return await self._db.run(store_overview.pending_enrichment)

    async def synced_from(self) -> datetime | None:
        """Where the stored history begins while a sync is unfinished (``store.overview.synced_from``)."""
        return await self._db.run(store_overview.synced_from)

    async def stored_in_range(self, repos: Sequence[str], months: int | None = None) -> dict[str, int]:
        """PRs stored per repo inside the sync window: where a resumed sync's bars start."""
        return await self._db.run(store_overview.stored_in_range, list(repos), self.history_start(months))

    async def remove_repository(self, name: str) -> int | None:
        """Untrack ``name`` and delete its PRs; never under a running sync (``SyncLocked``).
        Returns the PRs deleted, None when it was not tracked."""
        return await self._db.run(self._remove_locked, name)

    def _remove_locked(self, name: str) -> int | None:
        with self.sync_lock():
            return remove_repository(name)

    # -- the estimate --------------------------------------------------------------------------

    def pace(self) -> Pace:
        """The pace a sync here goes at (GitHub's or the demo's) with the settings' page size and concurrency."""
        return self.services.pace()

    def estimate(self, pr_counts: Iterable[int | None]) -> Estimate:
        """The one pre-flight estimate: GitHub points and time at :meth:`pace`, and the LLM's cost."""
        return estimate(pr_counts, self.pace(), self.settings.llm_model)

    async def preview_sync(self, token: str, repos: Sequence[str], months: int | None = None) -> SyncPreview:
        """Count what a sync would fetch and what the LLM would cost; fetch and send nothing."""
        start = self.history_start(months)
        async with self.services.github(token) as github:
            counts = await github.count_pull_requests(
                [f"repo:{name} is:pr created:>={start:%Y-%m-%d}" for name in repos]
            )
            remaining = github.rate_limit.remaining
        pending = await self.pending_enrichment()
        model = self.settings.llm_model
        tokens, dollars = estimate_llm_cost(sum(counts) + pending, model)
        return SyncPreview(
            start=start,
            counts=tuple(zip(repos, counts, strict=True)),
            rate_limit_remaining=remaining,
            github=estimate(counts, self.pace()),
            llm_model=model,
            llm_cost=format_cost(tokens, dollars),
        )

    # -- the sync ------------------------------------------------------------------------------

    def llm(self) -> LLMClient | None:
        """The LLM client of the settings (None without a key), or the demo's at its current pace."""
        return self.services.llm()

    def enrichment_beside_sync(self, sink: EventSink, *, llm: LLMFactory | None = None) -> SyncEnrichment:
        """An LLM stage for fetches to feed (not started: ``await it.run()``). ``llm`` builds the
        client (default :meth:`llm`); it is closed when the stage ends."""
        return SyncEnrichment((llm or self.llm)(), self._db, self.services, sink)

    async def fetch(
        self,
        token: str,
        repos: Sequence[str],
        months: int | None = None,
        *,
        sink: EventSink,
        enrichment: SyncEnrichment | None = None,
        on_locked: Callable[[], object] | None = None,
    ) -> SyncFinished:
        """One fetch run under the sync lock, after the signature rescan; its stored pages feed
        ``enrichment``. ``on_locked`` (sync or async) runs once the lock is held."""

        async def locked() -> None:
            if on_locked is not None:
                result = on_locked()
                if asyncio.iscoroutine(result):
                    await result

        return await sync_run.fetch(
            self.services,
            self._db,
            token,
            repos,
            months or self.settings.history_months,
            sink=sink,
            enrichment=enrichment,
            on_locked=locked,
        )

    async def sync(
        self,
        token: str,
        repos: Sequence[str],
        months: int | None = None,
        *,
        sink: EventSink,
        enrich: bool = True,
        on_signed_in: Callable[[TokenInfo], None] | None = None,
    ) -> SyncOutcome:
        """Sync with enrichment: the LLM stage overlaps the fetch (``enrich``), then finishes what
        is pending. ``on_signed_in`` hears whose token it is before the pre-flight."""
        enrichment = self.enrichment_beside_sync(sink) if enrich else None
        return await sync_run.sync(
            self.services,
            self._db,
            token,
            repos,
            months or self.settings.history_months,
            sink=sink,
            enrichment=enrichment,
            on_signed_in=on_signed_in,
        )

    # -- enrichment alone (`tformance enrich`) ----------------------------------------------------

    async def enrich(self, llm: LLMClient, sink: EventSink) -> EnrichmentSummary:
        """Enrich every pending PR with ``llm`` (closed afterwards)."""
        try:
            return await Enricher(llm, self._db, batch_size=self.settings.llm_batch_size, sink=sink).run()
        finally:
            await llm.close()

    async def enrich_batch(
        self, llm: LLMClient, on_waiting: Callable[[BatchOutcome], None] | None = None
    ) -> BatchResult:
        """Submit the pending PRs to the Batch API, or collect the batch submitted before (``llm``
        is closed afterwards). In the demo it polls until collected; ``on_waiting`` hears each wait.
        Raises ``LLMUnavailable`` when Groq cannot be used."""
        try:
            batch = BatchEnrichment(llm, self._db, batch_size=self.settings.llm_batch_size)
            outcome = await batch.run()
            for _ in range(DEMO_BATCH_POLLS if self.demo else 0):
                if outcome.status not in ("submitted", "waiting"):
                    break
                if on_waiting is not None:
                    on_waiting(outcome)
                outcome = await batch.run()
        finally:
            await llm.close()
        cost = None
        if outcome.status == "collected":
            cost = format_cost(llm.usage.total_tokens, usage_cost(llm.model, llm.usage, batch=True))
        return BatchResult(outcome, cost)

    def llm_cost(self, prs: int, *, batch: bool = False) -> str:
        """Roughly what enriching ``prs`` PRs costs with the settings' model, in tokens and dollars."""
        tokens, dollars = estimate_llm_cost(prs, self.settings.llm_model, batch=batch)
        return format_cost(tokens, dollars)

    @staticmethod
    def outgoing_fields() -> str:
        """Which fields of a PR leave the machine for the LLM, and which never do."""
        return describe_outgoing_fields()

    # -- detection ------------------------------------------------------------------------------

    rules_version = RULES_VERSION  # the signature rules this version judges by

    @staticmethod
    def detect(pr: PullRequestText) -> dict[str, Any]:
        """Stage 1 on one PR's text: the AI signatures found, as ``tformance detect`` prints them."""
        return detection_to_json(detect_ai(pr))

    async def rescan(self, *, every_pr: bool = False) -> RescanResult:
        """Judge the stored PRs again with this version's rules (those judged by older ones, or
        ``every_pr``), from their stored text: no GitHub call."""
        return await self._db.run(lambda: rescan_signatures(every_pr=every_pr))

    # -- the report ------------------------------------------------------------------------------

    async def report(self, filters: ReportFilter | None = None, *, now: datetime | None = None) -> TeamReport:
        return await self._db.run(lambda: compute_report(filters, now=now))

    async def pull_requests(self, filters: ReportFilter | None = None) -> list[PRRow]:
        return await self._db.run(lambda: list(list_prs(filters or ReportFilter())))

    async def pull_request(self, repo: str, number: int) -> PullRequestDetail | None:
        """One PR's detail, None when it is not stored."""
        return await self._db.run(store_overview.pull_request_detail, repo, number)

    async def export_report(self, now: datetime) -> Path:
        """Write the whole report as a self-contained HTML page into the data folder's ``reports``
        (named by ``now``, ``demo-`` first in the demo); returns the file."""
        folder = self.data_folder() / "reports"
        return await self._db.run(export_report, folder, now, self.demo)

    async def write_report(
        self, fmt: str, out: TextIO, filters: ReportFilter | None = None, *, anonymize: bool = False, width: int = 100
    ) -> None:
        """Write the report to ``out`` as ``text`` (``width`` columns), ``json``, ``csv`` (one row per
        PR) or ``html``; ``anonymize`` replaces logins and repository names consistently."""
        await self._db.run(write_report, fmt, out, filters or ReportFilter(), anonymize, width)
