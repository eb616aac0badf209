"""What leaves the machine for AI summaries: shown from the repo picker, before any LLM call."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tformance.core.workspace import Workspace


class PrivacyScreen(ModalScreen[None]):
    """The exact fields sent to the LLM, from the same text `tformance sync --dry-run` prints."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="privacy", classes="panel"):
            yield Static(Content.styled("What leaves this machine\n\n", "bold $text-primary"))
            yield Static(Content(Workspace.outgoing_fields()))
        yield Footer()
