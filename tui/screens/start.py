"""The first painted screen: shown while the database opens, in well under a second."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static

from ..widgets.app_header import AppHeader


class StartScreen(Screen[None]):
    """Stays at the bottom of the stack; every other screen is shown on top of it."""

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Middle(), Center():
            yield Static("tformance", id="start-title")
            yield Static("Opening your data…", id="start-status")
            yield LoadingIndicator(id="start-spinner")
        yield Footer()

    def on_screen_suspend(self) -> None:
        # This screen lies under every other one, and Textual repaints the screen on top whenever a
        # screen below changes: a spinner animating down here would force a full repaint many times a
        # second for the life of the app.
        for spinner in self.query(LoadingIndicator):
            spinner.remove()
        self.query_one("#start-status", Static).update("")

    def show_error(self, message: str) -> None:
        """The database could not be opened: say why and how to get going."""
        for spinner in self.query(LoadingIndicator):
            spinner.remove()
        status = self.query_one("#start-status", Static)
        status.add_class("-error")
        status.update(Text(f"{message}\n\nPress ctrl+q to quit; pass --db PATH to use another database."))
