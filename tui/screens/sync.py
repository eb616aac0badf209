"""Step 3: the sync, one progress row per repo and an overall bar; cancel, resume and retry.

Each run is one ``Workspace.fetch`` in an async worker owned by this screen, feeding the LLM
stage the app runs beside it (one stage for the first run and its retries). Events go to an
``EventBuffer`` that coalesces floods and wakes the screen with one ``SyncEventsReady``; the
screen drains the buffer and updates the widgets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static

from tformance.core.errors import GitHubAuthError
from tformance.core.events import (
    SLOW_DOWN,
    Notice,
    OverallProgress,
    RepoFinished,
    RepoProgress,
    Stage,
    SyncEvent,
    SyncFinished,
    SyncStarted,
)
from tformance.core.workspace import SyncEnrichment, Workspace, rough_duration

from ..error_text import explain
from ..event_buffer import EventBuffer
from ..formatting import count, plural, short_repo_names
from ..messages import (
    EnrichmentUpdated,
    RepoSynced,
    Secret,
    ShowDashboard,
    ShowRepoPicker,
    ShowTokenScreen,
    SyncCompleted,
    SyncEventsReady,
)
from ..safe_text import clean
from ..widgets.app_header import AppHeader
from ..widgets.enrichment_status import describe_enrichment
from ..widgets.overall_progress import OverallProgress as OverallProgressWidget
from ..widgets.repo_progress import RepoProgress as RepoProgressWidget

MAIN = "main"
NOTICE_LINES = 8  # kept, and shown on a tall terminal; a short one shows the last 3
SHORT_NOTICES, TALL = 3, 30  # TALL: the app's "-tall" breakpoint
CHROME_ROWS = 14  # header, title, plan, overall bar, enrichment, notices, footer
NOTICE_ICONS = {"info": "ℹ", "warning": "⚠", "error": "✗"}
NOTIFIED: dict[str, SeverityLevel] = {"warning": "warning", "error": "error"}  # also a toast


class SyncScreen(Screen[None]):
    """Posts ``ShowDashboard`` when every repo synced; otherwise offers retry, resume or the dashboard."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Stop now: progress is saved and the next sync resumes"),
        Binding("r", "retry", "Retry failed", tooltip="Retry the highlighted failed repo (or all failed ones)"),
        Binding("s", "resume", "Resume", tooltip="Start the sync again where it stopped"),
        Binding("d", "dashboard", "Dashboard", tooltip="Open the dashboard on what is synced"),
        Binding("b", "back", "Repositories", tooltip="Choose other repositories"),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace,
        repos: Iterable[str],
        *,
        token: Secret,
        months: int,
        clock: Callable[[], datetime],
        start_enrichment: Callable[[], SyncEnrichment],
        autostart: bool = True,
    ) -> None:
        """``start_enrichment`` starts the app's LLM stage (it outlives this screen) and returns it."""
        super().__init__()
        self.workspace = workspace
        self.repos = list(repos)
        self.months = months
        self.autostart = autostart
        self._token = token
        self._clock = clock
        self._start_enrichment = start_enrichment
        self.buffer = EventBuffer(lambda: self.post_message(SyncEventsReady()))
        self.rows: dict[str, RepoProgressWidget] = {}
        self.running: set[str] = set()
        self.cancelled = False
        self.finished: SyncFinished | None = None
        self._overall: dict[str, OverallProgress] = {}
        self._notices: list[Notice] = []
        self._retries = 0
        self._llm_stage: SyncEnrichment | None = None
        self._labels = short_repo_names(self.repos)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="sync"):
            yield Static(self._title(), id="sync-title")
            yield Static(Content.styled("Counting pull requests…", "$text-muted"), id="sync-plan")
            yield OverallProgressWidget(id="sync-overall")
            yield Static(id="sync-enrichment")
            with VerticalScroll(id="sync-repos"):
                for repo in self.repos:
                    yield self._row(repo)
            yield Static(id="sync-notices")
        yield Footer()

    def on_resize(self) -> None:
        # A tall terminal spreads the repos out (a blank line between rows) when they all still fit.
        roomy = self.size.height - CHROME_ROWS >= 2 * max(1, len(self.rows))
        self.query_one("#sync-repos").set_class(roomy, "-roomy")

    def on_mount(self) -> None:
        self.query_one("#sync-enrichment").display = False
        if self.autostart:
            self.start_run(MAIN, self.repos)

    # -- runs ----------------------------------------------------------------------------

    def start_run(self, run: str, repos: list[str]) -> None:
        if self._llm_stage is None or not self._llm_stage.fetching:
            # One LLM stage for all runs of this screen: it finishes once no run is fetching.
            self._llm_stage = self._start_enrichment()
        self.running.add(run)
        self.cancelled = False
        self.run_sync(run, repos)
        self._refresh_state()

    @work(group="sync", exit_on_error=False, description="Syncing pull requests")
    async def run_sync(self, run: str, repos: list[str]) -> SyncFinished | None:
        """One ``Workspace.fetch``; its outcome arrives as ``SyncCompleted``, never as an exception.

        One sync per database, across processes: a second one says who holds the lock."""
        finished: SyncFinished | None = None

        async def bars_from_store() -> None:
            # A resumed repo's bar starts at what is stored already.
            for repo, stored in (await self.workspace.stored_in_range(repos, self.months)).items():
                self._row_for(repo).start_from(stored)
            self._refresh_overall()

        try:
            finished = await self.workspace.fetch(
                self._token.value,
                repos,
                self.months,
                sink=self.buffer.sink(run),
                enrichment=self._llm_stage,
                on_locked=bars_from_store,
            )
        except asyncio.CancelledError:
            self.post_message(SyncCompleted(SyncFinished((), cancelled=True), run))
            raise
        except GitHubAuthError as error:
            self.post_message(ShowTokenScreen(explain(error)))
        except Exception as error:
            self.buffer.put(run, Notice(f"The sync stopped: {explain(error)}", "error"))
            for repo in repos:
                self.buffer.put(run, RepoFinished(repo, False, 0, explain(error)))
        self.post_message(SyncCompleted(finished or SyncFinished(()), run))
        return finished

    @on(SyncCompleted)
    def _run_completed(self, message: SyncCompleted) -> None:
        self.running.discard(message.run)
        if message.finished.cancelled:
            self.cancelled = True
        if self.cancelled and not self.running:
            # Every repo the sync had not finished reads as stopped, whatever its last event said.
            for row in self.rows.values():
                if row.stage not in (Stage.DONE, Stage.FAILED, Stage.CANCELLED):
                    row.mark(Stage.CANCELLED, "interrupted: resumes on the next sync")
        if not self.running and self._llm_stage is not None:
            self._llm_stage.fetch_done()
        if message.run == MAIN:
            self.finished = message.finished
        self._refresh_state()
        if (
            not self.running
            and not self.cancelled
            and self.rows
            and all(row.stage is Stage.DONE for row in self.rows.values())
        ):
            synced = sum(row.fetched for row in self.rows.values())
            self.notify(f"Synced {plural(len(self.rows), 'repository', 'repositories')}, {count(synced)} PRs fetched.")
            self.post_message(ShowDashboard())

    # -- events from the sync --------------------------------------------------------------

    @on(SyncEventsReady)
    def _drain(self) -> None:
        with self.app.batch_update():
            for run, event in self.buffer.drain():
                self.apply(run, event)
            self._refresh_overall()

    def show_events(self, events: Iterable[SyncEvent], run: str = MAIN) -> None:
        """Show a scripted sequence of events as if a run had sent them (deterministic snapshots)."""
        self.running.add(run)
        for event in events:
            self.apply(run, event)
        self._refresh_state()

    def apply(self, run: str, event: SyncEvent) -> None:
        """Show one event."""
        if isinstance(event, RepoProgress):
            self._row_for(event.repo).apply(event)
        elif isinstance(event, OverallProgress):
            self._overall[run] = event
        elif isinstance(event, SyncStarted):
            self._started(run, event)
        elif isinstance(event, RepoFinished):
            if not event.success:
                self._row_for(event.repo).mark_failed(event.error or "failed")
            self.post_message(RepoSynced(event))
        elif isinstance(event, Notice):
            self._notice(event)

    def _started(self, run: str, event: SyncStarted) -> None:
        for plan in event.plans:
            self._row_for(plan.repo).plan(plan.prs_in_range, plan.prs_to_fetch)
        if run != MAIN:
            return
        order = {plan.repo.lower(): index for index, plan in enumerate(event.plans)}
        if all(repo.lower() in order for repo in self.rows):  # a resume (repos done left out) keeps the rows' order
            self.query_one("#sync-repos").sort_children(key=lambda row: order.get(getattr(row, "repo", "").lower(), 0))
        # The picker's estimate, for the PRs the pre-flight found (``core/sync/estimate.py``).
        planned = self.workspace.estimate(plan.prs_to_fetch for plan in event.plans)
        points = f"~{count(planned.api_points)} GitHub points"
        if event.rate_limit_remaining is not None:
            points += f" of {count(event.rate_limit_remaining)} left"
        line = f"{count(event.total_prs)} PRs to fetch · {rough_duration(planned.seconds)} · {points}"
        self.query_one("#sync-plan", Static).update(Content(line))

    def _row_for(self, repo: str) -> RepoProgressWidget:
        row = self.rows.get(repo) or next((r for name, r in self.rows.items() if name.lower() == repo.lower()), None)
        if row is None:
            row = self._row(repo)
            self.query_one("#sync-repos").mount(row)
        return row

    def _row(self, repo: str) -> RepoProgressWidget:
        width = max(len(label) for label in self._labels.values()) if self._labels else None
        row = RepoProgressWidget(repo, label=self._labels.get(repo, repo), name_width=width, now=self._clock)
        self.rows[repo] = row
        return row

    def _notice(self, notice: Notice) -> None:
        self._notices = [*self._notices, notice][-NOTICE_LINES:]
        lines = [
            Content.styled(f"{NOTICE_ICONS.get(n.level, '·')} {clean(n.text, limit=200)}", _notice_style(n.level))
            for n in self._notices[-(NOTICE_LINES if self.size.height >= TALL else SHORT_NOTICES) :]
        ]
        self.query_one("#sync-notices", Static).update(Content("\n").join(lines))
        if severity := NOTIFIED.get(notice.level):
            self.notify(clean(notice.text), severity=severity, markup=False)

    @on(EnrichmentUpdated)
    def _enrichment(self, message: EnrichmentUpdated) -> None:
        if isinstance(message.event, Notice):
            self._notice(message.event)
        else:
            line = self.query_one("#sync-enrichment", Static)
            line.display = True
            line.update(describe_enrichment(message))

    def _refresh_overall(self) -> None:
        rows = list(self.rows.values())
        weights = [row.expected for row in rows]
        done = sum(
            weight if row.stage in (Stage.DONE, Stage.FAILED) else row.shown
            for row, weight in zip(rows, weights, strict=True)
        )
        total = sum(weights)
        fraction = 0.0 if not rows else 1.0 if total == 0 and not self.running else min(1.0, done / (total or 1))
        active = [self._overall[run] for run in self.running if run in self._overall]
        etas = [event.eta_seconds for event in active if event.eta_seconds is not None]
        points = [e.rate_limit_remaining for e in self._overall.values() if e.rate_limit_remaining is not None]
        self.query_one(OverallProgressWidget).update_state(
            fetched=sum(row.shown for row in rows),
            total=total,
            fraction=fraction,
            eta_seconds=max(etas) if etas else None,
            points_left=min(points) if points else None,
            repos_done=sum(row.stage is Stage.DONE for row in rows),
            repos_failed=sum(row.stage is Stage.FAILED for row in rows),
            repos_total=len(rows),
            running=bool(self.running),
            note=self._pause_note(rows),
        )

    @staticmethod
    def _pause_note(rows: list[RepoProgressWidget]) -> str:
        slowed = [row.message for row in rows if row.stage is Stage.PAUSED and row.message.startswith(SLOW_DOWN)]
        if slowed:
            return slowed[0]
        paused = [row.paused_until for row in rows if row.stage is Stage.PAUSED and row.paused_until]
        return f"rate limit: paused until {min(paused):%H:%M} UTC" if paused else ""

    def _refresh_state(self) -> None:
        title = self.query_one("#sync-title", Static)
        if self.running:
            title.update(self._title())
        elif self.cancelled:
            title.update(Content.styled("Sync stopped. Progress is saved: press s to resume.", "$text-warning"))
        else:
            failed = sum(row.failed for row in self.rows.values())
            done = sum(row.stage is Stage.DONE for row in self.rows.values())
            text = f"Sync finished: {done} of {plural(len(self.rows), 'repository', 'repositories')} synced"
            if failed:
                title.update(Content.styled(f"{text}, {failed} failed. Press r to retry, d for the dashboard.", "bold"))
            else:
                title.update(Content.styled(f"{text}.", "bold"))
        self._refresh_overall()
        self.refresh_bindings()

    def _title(self) -> Content:
        start = self.workspace.history_start(self.months, now=self._clock())
        repos = plural(len(self.repos), "repository", "repositories")
        return Content.assemble(
            ("Syncing ", "bold"),
            (repos, "bold"),
            (f" · {self.months} months of history, since {start:%d %b %Y}", "$text-muted"),
        )

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return bool(self.running)
        if action == "retry":
            return any(row.failed for row in self.rows.values())
        if action == "resume":
            return self.cancelled and not self.running
        if action in ("dashboard", "back"):
            return not self.running
        return True

    def action_cancel(self) -> None:
        """Stop every run and the AI summaries; each repo saves where it stopped, so the next sync resumes."""
        for worker in self.app.workers:
            if worker.group in ("sync", "enrich"):
                worker.cancel()
        self.query_one("#sync-title", Static).update(Content.styled("Stopping: saving progress…", "$text-warning"))

    def action_retry(self) -> None:
        """Retry the highlighted failed repo alone, or every failed repo if none is highlighted."""
        focused = self.focused
        if isinstance(focused, RepoProgressWidget) and focused.failed:
            repos = [focused.repo]
        else:
            repos = [row.repo for row in self.rows.values() if row.failed]
        if not repos:
            return
        self._retries += 1
        for repo in repos:
            self.rows[repo].apply(RepoProgress(repo, Stage.WAITING, 0, 0, 0, message=""))
        self.start_run(f"retry-{self._retries}", repos)

    def action_resume(self) -> None:
        """Continue with the repos not done yet; those done stay done (their bars full, not fetching again)."""
        repos = [repo for repo in self.repos if self._row_for(repo).stage is not Stage.DONE]
        self.start_run(MAIN, repos or self.repos)

    def action_dashboard(self) -> None:
        self.post_message(ShowDashboard())

    def action_back(self) -> None:
        self.post_message(ShowRepoPicker())


def _notice_style(level: str) -> str:
    return {"warning": "$text-warning", "error": "$text-error"}.get(level, "$text-muted")
