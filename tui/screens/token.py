"""Step 1: a GitHub token, pasted into a masked input and checked against GitHub in a worker."""

from __future__ import annotations

import asyncio
import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, LoadingIndicator, Static

from tformance.core.workspace import TokenInfo, Workspace

from ..error_text import explain
from ..messages import GoBack, Secret, TokenAccepted, TokenRejected
from ..navigation import can_go_back
from ..safe_text import safe_content
from ..widgets.app_header import AppHeader
from ..widgets.tick_box import TickBox
from ..widgets.token_summary import TokenSummary

TOKEN_SHAPE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: every GitHub token format
NEW_TOKEN_URL = "https://github.com/settings/tokens/new?scopes=repo,read:org&description=tformance"
INTRO = Content.assemble(
    "tformance reads your team's pull requests to measure how work flows, so it needs a GitHub token. A ",
    ("classic", "bold"),
    " token with the ",
    ("repo", "$text-accent"),
    " and ",
    ("read:org", "$text-accent"),
    " scopes sees every repository you can; a fine-grained token sees one owner's only. Create a classic one at\n",
    (NEW_TOKEN_URL, "$text-muted"),
)
DEMO_HINT = Content.assemble(
    "No token at hand? Quit (ctrl+q) and run ",
    ("tformance --demo", "bold $text-accent"),
    ": a made-up organisation, no token needed.",
)


class TokenScreen(Screen[None]):
    """Posts ``TokenAccepted`` (with the token as a ``Secret``) when the user continues with a good token."""

    AUTO_FOCUS = "#token-input"
    BINDINGS = [
        Binding("ctrl+l", "clear", "Clear", tooltip="Clear the token field", id="token.clear"),
        Binding("escape", "back", "Back", tooltip="Go back to where you came from", id="token.back"),
    ]

    def __init__(self, workspace: Workspace, reason: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.reason = reason
        self._checked: tuple[str, TokenInfo] | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="token-panel", classes="panel"):
            yield Static("Connect to GitHub", classes="panel-title")
            if self.reason:
                yield Static(safe_content(self.reason), id="token-reason", classes="error-text")
            yield Static(INTRO, id="token-intro")
            if not self.workspace.demo:
                yield Static(DEMO_HINT, id="token-demo-hint")
            yield Input(
                placeholder="Paste a token (ghp_… or github_pat_…)",
                password=True,
                id="token-input",
            )
            yield TickBox("Remember this token (saved for your user only)", id="token-remember")
            with Horizontal(id="token-buttons"):
                yield Button("Check token", id="token-check", variant="primary")
                yield Button("Continue", id="token-continue", variant="success", disabled=True)
            yield LoadingIndicator(id="token-checking")
            yield Static(id="token-error", classes="error-text")
            yield TokenSummary(id="token-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#token-checking").display = False

    @on(Input.Changed, "#token-input")
    def _edited(self) -> None:
        # A changed token is an unchecked one.
        self._checked = None
        self.query_one("#token-continue", Button).disabled = True
        self.query_one("#token-error", Static).update("")
        self.query_one("#token-summary", TokenSummary).update("")

    @on(Input.Submitted, "#token-input")
    @on(Button.Pressed, "#token-check")
    def _check(self) -> None:
        token = self.query_one("#token-input", Input).value.strip()
        if self._checked is not None and self._checked[0] == token:
            self._continue()
            return
        if not token:
            self._show_error("Paste a token first.")
            return
        if not TOKEN_SHAPE.match(token):
            self._show_error("That does not look like a GitHub token: it has spaces or unusual characters.")
            return
        self.query_one("#token-checking").display = True
        self.query_one("#token-error", Static).update("")
        self.check_token(token)

    @work(exclusive=True, group="token", exit_on_error=False, description="Checking the token with GitHub")
    async def check_token(self, token: str) -> None:
        """Ask GitHub whose token this is; show the answer or say plainly why it failed."""
        try:
            info = await self.workspace.check_token(token)
        except Exception as error:
            # Belt and braces: no error text may ever carry the token to the screen.
            reason = explain(error).replace(token, "•••")
            self.query_one("#token-checking").display = False
            self._show_error(reason)
            self.post_message(TokenRejected(reason))
            return
        self.query_one("#token-checking").display = False
        self._checked = (token, info)
        self.query_one("#token-summary", TokenSummary).show(info, "entered")
        button = self.query_one("#token-continue", Button)
        button.disabled = False
        button.focus()

    @on(Button.Pressed, "#token-continue")
    def _continue(self) -> None:
        if self._checked is not None:
            self.accept_token(*self._checked)

    @work(exclusive=True, group="token", exit_on_error=False, description="Saving the token")
    async def accept_token(self, token: str, info: TokenInfo) -> None:
        if self.query_one("#token-remember", TickBox).value:
            try:
                where = await asyncio.to_thread(self.workspace.remember_token, token)
            except OSError as error:
                self.notify(f"Could not save the token: {explain(error)}", severity="warning", markup=False)
            else:
                self.notify(f"Token saved to {where} (readable only by you).", title="Remembered", markup=False)
        self.query_one("#token-input", Input).value = ""
        self.post_message(TokenAccepted(info, "entered", Secret(token)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return can_go_back(self.app)
        return True

    def action_back(self) -> None:
        self.post_message(GoBack())

    def action_clear(self) -> None:
        self.query_one("#token-input", Input).value = ""
        self.query_one("#token-input", Input).focus()

    def _show_error(self, reason: str) -> None:
        self.query_one("#token-error", Static).update(safe_content(f"✗ {reason}", "$text-error"))
        self.query_one("#token-input", Input).focus()
