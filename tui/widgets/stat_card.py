"""A headline figure: a label, a big value and one line of context."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label


class StatCard(Vertical):
    DEFAULT_CSS = """
    StatCard {
        height: 3;
        padding: 0 1;
        background: $boost;
    }
    StatCard Label { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    StatCard .stat-title { color: $text-muted; }
    StatCard .stat-value { text-style: bold; color: $text-primary; }
    StatCard .stat-detail { color: $text-muted; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="stat-title")
        yield Label("—", classes="stat-value")
        yield Label("", classes="stat-detail")

    def show(self, value: str, detail: str = "") -> None:
        self.query_one(".stat-value", Label).update(Content(value))
        self.query_one(".stat-detail", Label).update(Content(detail))
