"""Step 2: choose repositories. The list shows at once; PR counts and the estimate fill in after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, LoadingIndicator, Static

from tformance.core.errors import GitHubAuthError
from tformance.core.workspace import PullRequestCounts, TokenInfo, Workspace

from ..error_text import explain
from ..formatting import plural
from ..messages import (
    GoBack,
    PullRequestCountsLoaded,
    RepositoriesLoaded,
    Secret,
    ShowTokenScreen,
    StartSync,
    TokenAccepted,
)
from ..navigation import can_go_back
from ..safe_text import safe_content
from ..widgets.app_header import AppHeader
from ..widgets.estimate_panel import EstimatePanel
from ..widgets.filter_input import FilterInput
from ..widgets.repo_table import RepoTable
from ..widgets.token_summary import TokenSummary
from .privacy import PrivacyScreen

ACTIVE_DAYS = 90


class RepoPickerScreen(Screen[None]):
    """Posts ``StartSync`` with the chosen repos, most active first."""

    AUTO_FOCUS = "#repo-filter"
    BINDINGS = [
        Binding("space", "toggle_repo", "Toggle", priority=True, tooltip="Select or unselect the highlighted repo"),
        Binding("ctrl+a", "select_all", "All", priority=True, tooltip="Select every repo shown", id="repos.all"),
        Binding("ctrl+n", "select_none", "None", priority=True, tooltip="Clear the selection", id="repos.none"),
        Binding("ctrl+r", "select_active", "Active 90 d", priority=True, tooltip="Select repos pushed in 90 days"),
        Binding("enter", "continue", "Sync", priority=True, tooltip="Sync the selected repositories"),
        Binding(
            "escape", "back", "Back", tooltip="Clear the filter, or go back to where you came from", id="repos.back"
        ),
        Binding("slash", "focus_filter", show=False, id="repos.filter"),
        Binding("f5", "reload", "Reload", show=False, tooltip="List the repositories again"),
        Binding(
            "ctrl+d", "privacy", "What is sent", show=False, priority=True, tooltip="Exactly what leaves this machine"
        ),
        Binding("up", "cursor(-1)", show=False, priority=True),
        Binding("down", "cursor(1)", show=False, priority=True),
        Binding("pageup", "cursor(-10)", show=False, priority=True),
        Binding("pagedown", "cursor(10)", show=False, priority=True),
    ]

    def __init__(
        self,
        workspace: Workspace,
        token: Secret,
        *,
        token_source: str,
        token_info: TokenInfo | None,
        now: datetime,
        preselect: Iterable[str] = (),
        preselect_all: bool = False,
    ) -> None:
        """``token_info``: the token's owner when already known (else the screen asks GitHub);
        ``now``: what "last push" and "active in 90 days" are measured from."""
        super().__init__()
        self.workspace = workspace
        self.token_info = token_info
        self.now = now
        self._token = token
        self._token_source = token_source
        self.preselect = tuple(preselect)
        self.preselect_all = preselect_all
        self.in_range: dict[str, int] = {}
        self.points_left: int | None = None
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="picker"):
            yield TokenSummary("Checking your token…", id="picker-token")
            yield FilterInput(placeholder="Type to filter repositories", id="repo-filter")
            yield LoadingIndicator(id="picker-loading")
            yield RepoTable(now=self.now, id="repo-table")
            yield Static(id="picker-status")
            with Horizontal(id="picker-bottom"):
                yield EstimatePanel(id="picker-estimate")
                yield Button("Sync ▶", id="picker-continue", variant="success", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RepoTable).display = False
        self.load()

    @property
    def table(self) -> RepoTable:
        return self.query_one(RepoTable)

    @work(exclusive=True, group="repos", exit_on_error=False, description="Listing repositories")
    async def load(self) -> None:
        """Check the token (if not done yet), list every repo it sees, then count their PRs."""
        token = self._token.value
        try:
            listed = await self.workspace.list_repositories(token, info=self.token_info)
            self.post_message(TokenAccepted(listed.info, self._token_source))
            repos = list(listed.repos)
            self.post_message(RepositoriesLoaded(repos))
            if listed.sso_note:
                self.notify(listed.sso_note, severity="warning", timeout=30)
            names = [repo.full_name for repo in repos if not repo.is_archived]
            names += [repo.full_name for repo in repos if repo.is_archived]
            if names:
                await self.workspace.count_pull_requests(token, names, self._counted, now=self.now)
        except GitHubAuthError as error:
            self.post_message(ShowTokenScreen(explain(error)))
        except Exception as error:
            self._status(f"Could not list repositories: {explain(error)} Press F5 to try again.", error=True)
            self.query_one("#picker-loading").display = False

    def _counted(self, counts: PullRequestCounts) -> None:
        """One batch of PR counts landed (several are in flight): show it at once."""
        self.points_left = counts.points_left
        self.post_message(PullRequestCountsLoaded(counts.recent, counts.in_range, complete=counts.complete))

    @on(TokenAccepted)
    def _token_known(self, message: TokenAccepted) -> None:
        self.token_info = message.info
        self.points_left = message.info.rate_limit_remaining
        self.query_one(TokenSummary).show(message.info, message.source, compact=True)

    @on(RepositoriesLoaded)
    async def _repos_loaded(self, message: RepositoriesLoaded) -> None:
        self.query_one("#picker-loading").display = False
        table = self.table
        table.recent_counts.update(await self.workspace.known_pr_counts())
        table.counting = bool(message.repos)
        selected = [repo.full_name for repo in message.repos] if self.preselect_all else self.preselect
        table.set_repos(message.repos, selected)
        table.display = bool(message.repos)
        self._loaded = True
        if not message.repos:
            self._status(self._empty_account_text(self.token_info), error=True)
            self.query_one("#picker-bottom").display = False
            self.query_one("#repo-filter").display = False
        self._refresh_estimate()

    @on(PullRequestCountsLoaded)
    def _counts_loaded(self, message: PullRequestCountsLoaded) -> None:
        self.in_range.update(message.in_range)
        table = self.table
        table.update_counts(message.recent)
        if message.complete:
            table.counting = False
            table.order_by_activity()
        self._refresh_estimate()

    @on(RepoTable.SelectionChanged)
    def _selection_changed(self) -> None:
        self._refresh_estimate()

    @on(Input.Changed, "#repo-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._refresh_status()
        self.refresh_bindings()

    @on(RepoTable.RowSelected)
    def _clicked(self, event: RepoTable.RowSelected) -> None:
        self.table.toggle_cursor()

    @on(Button.Pressed, "#picker-continue")
    def _pressed_continue(self) -> None:
        self.action_continue()

    def action_toggle_repo(self) -> None:
        self.table.toggle_cursor()

    def action_select_all(self) -> None:
        self.table.select_visible()

    def action_select_none(self) -> None:
        self.table.select_none()

    def action_select_active(self) -> None:
        self.table.select_active(ACTIVE_DAYS)

    def action_cursor(self, delta: int) -> None:
        table = self.table
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def action_reload(self) -> None:
        self.query_one("#picker-loading").display = True
        self._status("")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return bool(self.query_one("#repo-filter", Input).value) or can_go_back(self.app)
        return True

    def action_back(self) -> None:
        """Esc: clear the filter first; with nothing to clear, go back to the previous screen."""
        filter_input = self.query_one("#repo-filter", Input)
        if filter_input.value:
            filter_input.value = ""
        else:
            self.post_message(GoBack())

    def action_focus_filter(self) -> None:
        self.query_one("#repo-filter", Input).focus()

    def action_continue(self) -> None:
        selected = self.table.ordered_selection()
        if not selected:
            if self._loaded:
                self.notify("Select at least one repository to continue.", severity="warning")
            return
        self.post_message(StartSync(selected))

    def _refresh_estimate(self) -> None:
        table = self.table
        selected = table.ordered_selection()
        # The workspace's pace: in the demo the offline GitHub's, so the estimate is of what is about to be watched.
        result = self.workspace.estimate(self.in_range.get(name) for name in selected)
        self.query_one(EstimatePanel).show(result, self.points_left, table.counting)
        self.query_one("#picker-continue", Button).disabled = not selected
        self._refresh_status()

    def _refresh_status(self) -> None:
        table = self.table
        if not self._loaded or not table.repo_count:
            return
        shown = len(table.shown)
        text = f"{len(table.selected):,} of {plural(table.repo_count, 'repository', 'repositories')} selected"
        if shown != table.repo_count:
            text += f" · {shown:,} shown"
        if table.counting:
            text += " · counting PRs…"
        self._status(text)

    def _status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#picker-status", Static).update(safe_content(text, "$text-error" if error else "$text-muted"))

    @staticmethod
    def _empty_account_text(info: TokenInfo | None) -> str:
        text = "This token sees no repositories."
        if info is not None and info.warnings():
            text += " " + " ".join(f"Note: {warning}." for warning in info.warnings())
        else:
            text += " Create one on GitHub, or use a token of an account that belongs to your organisation."
        return text

    def action_privacy(self) -> None:
        self.app.push_screen(PrivacyScreen())
