"""The tformance app: opens the workspace, picks the first screen and navigates between screens.

The app builds one ``Workspace`` (the engine's facade) and hands it, with the token and the clock,
to each screen it builds. Screens never switch screens themselves: they post requests
(``ShowDashboard``, ``StartSync``...) that bubble up to the app, which owns the flow token ->
repositories -> sync -> dashboard, and the LLM stage that outlives the sync screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerCancelled, WorkerFailed

from tformance.core.errors import DatabaseError, SettingsError
from tformance.core.events import EnrichmentProgress, EnrichmentStopped, Notice, SyncEvent
from tformance.core.workspace import LLMFactory, Services, SyncEnrichment, TokenInfo, Workspace, utc_now

from .commands import TformanceCommands
from .error_text import explain
from .messages import (
    EnrichmentUpdated,
    GoBack,
    Secret,
    ShowDashboard,
    ShowRepoPicker,
    ShowTokenScreen,
    StartSync,
    TokenAccepted,
)
from .navigation import FLOW_DEPTH, can_go_back
from .screens.repo_picker import RepoPickerScreen
from .screens.start import StartScreen
from .screens.token import TokenScreen

if TYPE_CHECKING:
    from .screens.sync import SyncScreen

# The dashboard (plotext) and the sync screen are imported when first needed: importing them up
# front would cost time before the first screen is painted.

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
        workspace: Workspace,
        *,
        clock: Callable[[], datetime] | None = None,
        llm_factory: LLMFactory | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.clock = clock or utc_now
        self.llm_factory = llm_factory  # None: the workspace's (Groq from the settings, the demo's offline LLM)
        self.enrichment: EnrichmentUpdated | None = None  # the latest news from the LLM stage
        self.token: str | None = None
        self.token_source = ""
        self.token_info: TokenInfo | None = None
        self.tracked_repos: tuple[str, ...] = ()
        self._after_token: StartSync | None = None
        if workspace.demo:
            self.sub_title = "demo"

    @property
    def demo_speed(self) -> float:
        return self.workspace.demo_speed

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

    def get_default_screen(self) -> Screen[None]:
        return StartScreen()

    def on_mount(self) -> None:
        theme = self.workspace.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        # Subscribed after applying the saved theme, so only a user's pick is written back.
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self.start()

    def _save_theme(self, theme: Theme) -> None:
        """Remember the theme picked in the palette in config.toml, keeping the file's other keys."""
        try:
            self.workspace.remember_theme(theme.name)
        except (SettingsError, OSError) as error:
            self.notify(f"The theme was not saved: {error}", severity="warning")

    async def on_unmount(self) -> None:
        await self.workspace.close()  # on its database thread, where the connection lives

    @work(exclusive=True, group="startup", exit_on_error=False, description="Opening the database")
    async def start(self) -> None:
        """Open the database off the event loop, then show the first screen the data calls for."""
        start_screen = self.screen
        try:
            await self.workspace.open()
            self.token, self.token_source = await asyncio.to_thread(self._initial_token)
            overview = await self.workspace.overview()
        except Exception as error:
            if isinstance(start_screen, StartScreen):
                start_screen.show_error(explain(error))
            return
        self.tracked_repos = overview.repos
        if overview.has_data:
            self.show_dashboard()
        elif self.token:
            self.navigate(self._repo_picker(self.token, preselect_all=self.workspace.demo))
        else:
            self.navigate(TokenScreen(self.workspace))

    def _initial_token(self) -> tuple[str | None, str]:
        found = self.workspace.find_token()  # GITHUB_TOKEN, GH_TOKEN, `gh auth token`, the saved one
        return (found.value, found.source) if found else (None, "")

    def _repo_picker(self, token: str, *, preselect_all: bool = False) -> RepoPickerScreen:
        return RepoPickerScreen(
            self.workspace,
            Secret(token),
            token_source=self.token_source,
            token_info=self.token_info,
            now=self.clock(),
            preselect=self.tracked_repos,
            preselect_all=preselect_all,
        )

    def navigate(self, screen: Screen[None]) -> None:
        """Show ``screen`` as the next step of the flow: every screen above the start screen goes."""
        while len(self.screen_stack) > FLOW_DEPTH:
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def visit(self, screen: Screen[None]) -> None:
        """Show ``screen`` over the current one, so that Esc (``go_back``) returns to it as it was."""
        if isinstance(self.screen, StartScreen | type(screen)):
            self.navigate(screen)
        else:
            self.push_screen(screen)

    @on(GoBack)
    def go_back(self) -> None:
        if can_go_back(self):
            self.pop_screen()

    @on(ShowTokenScreen)
    def show_token_screen(self, message: ShowTokenScreen) -> None:
        # A token that failed leaves nothing to go back to; asking for another one is a visit.
        show = self.navigate if message.reason else self.visit
        show(TokenScreen(self.workspace, reason=message.reason))

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
            self.navigate(self._repo_picker(self.token))

    @on(ShowRepoPicker)
    def show_repo_picker(self) -> None:
        if not self.token:
            self.visit(TokenScreen(self.workspace))
            return
        self.visit(self._repo_picker(self.token, preselect_all=self.workspace.demo))

    @on(StartSync)
    def start_sync(self, message: StartSync) -> None:
        if not message.repos:
            self.post_message(ShowRepoPicker())
            return
        if not self.token:
            self._after_token = message
            self.visit(TokenScreen(self.workspace, reason="A sync needs a GitHub token."))
            return
        self.tracked_repos = tuple(sorted(set(self.tracked_repos) | set(message.repos), key=str.lower))
        self.navigate(self.sync_screen(message.repos, self.token))

    def sync_screen(self, repos: list[str], token: str, *, autostart: bool = True) -> SyncScreen:
        """The sync of ``repos`` over the settings' months of history, its LLM stage run by the app."""
        from .screens.sync import SyncScreen

        months = self.workspace.settings.history_months
        return SyncScreen(
            self.workspace,
            repos,
            token=Secret(token),
            months=months,
            clock=self.clock,
            start_enrichment=self.start_enrichment,
            autostart=autostart,
        )

    @on(ShowDashboard)
    def show_dashboard(self) -> None:
        from .screens.dashboard import DashboardScreen

        self.navigate(DashboardScreen(self.workspace, clock=self.clock, tracked_repos=self.tracked_repos))

    def start_enrichment(self) -> SyncEnrichment:
        """Start the LLM stage beside a sync (replacing one still running) and return it for the fetches
        to feed. It runs until told the fetches are done and nothing is pending, or until the LLM
        cannot be used; as an app worker it outlives the sync screen, so the dashboard keeps hearing it.
        """
        stage = self.workspace.enrichment_beside_sync(self._enrichment_event, llm=self.llm_factory)
        self.run_worker(
            self._enrich(stage),
            group="enrich",
            exclusive=True,
            exit_on_error=False,
            description="Writing AI summaries",
        )
        return stage

    async def _enrich(self, stage: SyncEnrichment) -> None:
        try:
            await stage.run()  # closes its LLM client however it ends
        except DatabaseError as error:  # a full or damaged database: the one failure the LLM stage raises
            self.notify(explain(error), title="AI summaries stopped", severity="error", markup=False)
        finally:
            if self.enrichment is not None:
                self._tell_screen(EnrichmentUpdated(self.enrichment.event, running=False))

    def _enrichment_event(self, event: SyncEvent) -> None:
        if isinstance(event, EnrichmentProgress | EnrichmentStopped | Notice):
            self._tell_screen(EnrichmentUpdated(event))

    def _tell_screen(self, message: EnrichmentUpdated) -> None:
        if not isinstance(message.event, Notice):
            self.enrichment = message
        # Every screen in the stack: the one that cares may sit under the command palette.
        for screen in self.screen_stack:
            screen.post_message(EnrichmentUpdated(message.event, message.running))

    def set_demo_speed(self, speed: float) -> None:
        """Change the pace of the demo's offline GitHub and LLM, even during a sync (no-op outside the demo)."""
        self.workspace.set_demo_speed(speed)

    def toggle_demo_speed(self) -> float:
        """The next step up of ``DEMO_SPEEDS`` (from any speed, e.g. ``--demo-speed 3``: 4x); 1x after the last."""
        faster = [speed for speed in DEMO_SPEEDS if speed > self.demo_speed]
        self.set_demo_speed(faster[0] if faster else DEMO_SPEEDS[0])
        return self.demo_speed


def make_app(
    services: Services,
    *,
    clock: Callable[[], datetime] | None = None,
    llm_factory: LLMFactory | None = None,
) -> TformanceApp:
    """The app on one workspace built from ``services``: production, ``--demo`` and tests all come here.

    The app opens the workspace's database in a thread on mount. ``clock``: the time the screens show
    ("synced 3 h ago", countdowns); fixed in snapshot tests. ``llm_factory``: builds the LLM client for
    the AI summaries (default: the workspace's, Groq from the settings or the demo's offline LLM;
    a factory returning None means no key).
    """
    return TformanceApp(Workspace(services), clock=clock, llm_factory=llm_factory)
