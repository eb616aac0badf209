"""The tformance app: opens the database, picks the first screen and navigates between screens.

Screens never switch screens themselves: they post requests (``ShowDashboard``, ``StartSync``...)
that bubble up to the app, which owns the flow token -> repositories -> sync -> dashboard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import peewee as pw
from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerCancelled, WorkerFailed

from tformance.core.config_file import save_config_value
from tformance.core.dates import utc_now
from tformance.core.errors import DatabaseError, SettingsError
from tformance.core.events import EnrichmentProgress, EnrichmentStopped, Notice
from tformance.core.github.client import TokenInfo
from tformance.core.store.database import close_database, open_database
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.workspace import Services

from . import store_queries
from .commands import TformanceCommands
from .enrichment import LLMFactory, default_llm_factory
from .error_text import explain
from .messages import EnrichmentUpdated, ShowDashboard, ShowRepoPicker, ShowTokenScreen, StartSync, TokenAccepted
from .screens.repo_picker import RepoPickerScreen
from .screens.start import StartScreen
from .screens.token import TokenScreen

if TYPE_CHECKING:
    from tformance.core.enrichment.live import Enricher
    from tformance.core.llm.client import LLMClient

# The dashboard (plotext, metrics), the sync and the LLM stage are imported when first needed:
# importing them up front would cost a third of a second before the first screen is painted.

log = logging.getLogger(__name__)

DEMO_SPEEDS = (1.0, 2.0, 4.0, 8.0)  # the palette's steps; past the last it starts again at 1x


class TformanceApp(App[None]):
    """The whole product. Build it with ``make_app`` so tests and ``--demo`` inject their services."""

    CSS_PATH = "app.tcss"
    TITLE = "tformance"
    COMMANDS = App.COMMANDS | {TformanceCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # the Overview's AI glance needs 30 rows
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; a running sync is saved and resumes next time"),
        Binding("question_mark", "toggle_keys", "Keys", id="keys", tooltip="Show or hide the keys of this screen"),
        # Priority, so Esc closes the key help before the screen under it hears the key.
        Binding("escape", "hide_keys", show=False, priority=True, id="keys.hide"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        database: pw.Database | None = None,
        clock: Callable[[], datetime] | None = None,
        llm_factory: LLMFactory | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.db = DatabaseThread()
        self.clock = clock or utc_now
        self.llm_factory = llm_factory or default_llm_factory(services, lambda: self.demo_speed)
        self.enrichment: EnrichmentUpdated | None = None  # the latest news from the LLM stage
        self.demo_speed = 1.0
        self.token: str | None = None
        self.token_source = ""
        self.token_info: TokenInfo | None = None
        self.tracked_repos: tuple[str, ...] = ()
        self._database = database
        self._after_token: StartSync | None = None
        if services.demo:
            self.sub_title = "demo"

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title, ``tformance · demo``: the separator the rest of the app uses."""
        if not sub_title:
            return Content(title)
        return Content.assemble(title, (f" · {sub_title}", "dim"))

    async def action_quit(self) -> None:
        """Quit; a running sync is cancelled first, so every repo saves where it stopped."""
        syncing = [worker for worker in self.workers if worker.group == "sync" and not worker.is_finished]
        for worker in syncing:
            worker.cancel()
        for worker in syncing:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()  # its repos are saving where they stopped
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":
            return bool(self.screen.query("HelpPanel"))
        return True

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_hide_keys(self) -> None:
        self.action_hide_help_panel()

    def get_default_screen(self) -> Screen:
        return StartScreen()

    def on_mount(self) -> None:
        theme = self.services.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        # Subscribed after applying the saved theme, so only a user's pick is written back.
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self.start()

    def _save_theme(self, theme: Theme) -> None:
        """Remember the theme picked in the palette in config.toml, keeping the file's other keys."""
        try:
            save_config_value("theme", theme.name)
        except (SettingsError, OSError) as error:
            self.notify(f"The theme was not saved: {error}", severity="warning")

    async def on_unmount(self) -> None:
        # The connection lives on the database thread: close it there, then stop the thread.
        await self.db.run(close_database)
        self.db.close()

    @work(exclusive=True, group="startup", exit_on_error=False, description="Opening the database")
    async def start(self) -> None:
        """Open the database off the event loop, then show the first screen the data calls for."""
        start_screen = self.screen
        try:
            if self._database is None:
                await self.db.run(open_database, self.services.database_location())
            self.token, self.token_source = await asyncio.to_thread(self._initial_token)
            overview = await self.db.run(store_queries.overview)
        except Exception as error:
            if isinstance(start_screen, StartScreen):
                start_screen.show_error(explain(error))
            return
        self.tracked_repos = overview.repos
        if overview.has_data:
            self.show_dashboard()
        elif self.token:
            self.navigate(RepoPickerScreen(preselect_all=self.services.demo))
        else:
            self.navigate(TokenScreen())

    def _initial_token(self) -> tuple[str | None, str]:
        found = self.services.find_token()  # GITHUB_TOKEN, GH_TOKEN, `gh auth token`, the saved one
        return (found.value, found.source) if found else (None, "")

    def navigate(self, screen: Screen) -> None:
        """Show ``screen`` as the next step of the flow: every screen above the start screen goes."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def visit(self, screen: Screen) -> None:
        """Show ``screen`` over the current one, so that Esc (``go_back``) returns to it as it was."""
        if isinstance(self.screen, StartScreen | type(screen)):
            self.navigate(screen)
        else:
            self.push_screen(screen)

    def can_go_back(self) -> bool:
        """Whether a visited screen lies over another step of the flow."""
        return len(self.screen_stack) > 2

    def go_back(self) -> None:
        if self.can_go_back():
            self.pop_screen()

    @on(ShowTokenScreen)
    def show_token_screen(self, message: ShowTokenScreen) -> None:
        # A token that failed leaves nothing to go back to; asking for another one is a visit.
        show = self.navigate if message.reason else self.visit
        show(TokenScreen(reason=message.reason))

    @on(TokenAccepted)
    def token_accepted(self, message: TokenAccepted) -> None:
        self.token_info = message.info
        if message.token is None:
            return  # a known token was checked: nothing to navigate
        self.token, self.token_source = message.token.value, message.source
        follow_up, self._after_token = self._after_token, None
        if follow_up is not None:
            self.post_message(follow_up)
        else:
            self.navigate(RepoPickerScreen(preselect=self.tracked_repos))

    @on(ShowRepoPicker)
    def show_repo_picker(self) -> None:
        if not self.token:
            self.visit(TokenScreen())
            return
        self.visit(RepoPickerScreen(preselect=self.tracked_repos, preselect_all=self.services.demo))

    @on(StartSync)
    def start_sync(self, message: StartSync) -> None:
        if not message.repos:
            self.post_message(ShowRepoPicker())
            return
        if not self.token:
            self._after_token = message
            self.visit(TokenScreen(reason="A sync needs a GitHub token."))
            return
        from .screens.sync import SyncScreen

        self.tracked_repos = tuple(sorted(set(self.tracked_repos) | set(message.repos), key=str.lower))
        self.navigate(SyncScreen(message.repos, months=self.services.settings.history_months))

    @on(ShowDashboard)
    def show_dashboard(self) -> None:
        from .screens.dashboard import DashboardScreen

        self.navigate(DashboardScreen())

    def start_enrichment(self, fetch_done: asyncio.Event) -> Callable[[str | None], None]:
        """Start the LLM stage beside a sync (replacing one still running); return its "PRs stored" hook.

        It runs until ``fetch_done`` is set and nothing is pending, or until Groq cannot be used.
        """
        from tformance.core.enrichment.live import Enricher

        settings = self.services.settings
        llm = self.llm_factory()
        enricher = Enricher(llm, self.db, batch_size=settings.llm_batch_size, sink=self._enrichment_event)
        self.run_worker(
            self._enrich(enricher, llm, fetch_done),
            group="enrich",
            exclusive=True,
            exit_on_error=False,
            description="Writing AI summaries",
        )
        return enricher.notify

    async def _enrich(self, enricher: Enricher, llm: LLMClient | None, fetch_done: asyncio.Event) -> None:
        try:
            await enricher.run(fetch_done)
        except DatabaseError as error:  # a full or damaged database: the one failure the LLM stage raises
            self.notify(explain(error), title="AI summaries stopped", severity="error", markup=False)
        finally:
            if llm is not None:
                await llm.close()
            if self.enrichment is not None:
                self._tell_screen(EnrichmentUpdated(self.enrichment.event, running=False))

    def _enrichment_event(self, event: object) -> None:
        if isinstance(event, EnrichmentProgress | EnrichmentStopped | Notice):
            self._tell_screen(EnrichmentUpdated(event))

    def _tell_screen(self, message: EnrichmentUpdated) -> None:
        if not isinstance(message.event, Notice):
            self.enrichment = message
        # Every screen in the stack: the one that cares may sit under the command palette.
        for screen in self.screen_stack:
            screen.post_message(EnrichmentUpdated(message.event, message.running))

    def set_demo_speed(self, speed: float) -> None:
        """Change the pace of the demo's fake GitHub, even during a sync."""
        if self.services.demo_backend is None:
            return
        self.demo_speed = speed
        self.services.set_demo_speed(speed)

    def toggle_demo_speed(self) -> float:
        """The next step up of ``DEMO_SPEEDS`` (from any speed, e.g. ``--demo-speed 3``: 4x); 1x after the last."""
        faster = [speed for speed in DEMO_SPEEDS if speed > self.demo_speed]
        self.set_demo_speed(faster[0] if faster else DEMO_SPEEDS[0])
        return self.demo_speed


def make_app(
    services: Services,
    *,
    database: pw.Database | None = None,
    clock: Callable[[], datetime] | None = None,
    llm_factory: LLMFactory | None = None,
) -> TformanceApp:
    """The app, with its services injected: production, ``--demo`` and tests all come through here.

    ``database``: an already open database (tests); otherwise the app opens
    ``services.database_location()`` in a thread on mount. ``clock``: the time the screens show
    ("synced 3 h ago", countdowns); fixed in snapshot tests. ``llm_factory``: builds the LLM client for
    the AI summaries (default: Groq from the settings, the fake Groq in the demo; None means no key).
    """
    return TformanceApp(services, database=database, clock=clock, llm_factory=llm_factory)
