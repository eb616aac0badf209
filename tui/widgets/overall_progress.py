"""The whole sync at a glance: a bar weighted by PRs, repos done and failed, ETA and GitHub points left."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from ..formatting import clock, count


class OverallProgress(Widget):
    DEFAULT_CSS = """
    OverallProgress { height: auto; padding: 0 1; }
    OverallProgress ProgressBar { width: 1fr; }
    OverallProgress ProgressBar Bar { width: 1fr; }
    OverallProgress .overall-line {
        color: $text-muted; width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    OverallProgress.-finished Bar > .bar--complete { color: $success; }
    """

    fetched: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    fraction: reactive[float] = reactive(0.0)
    eta_seconds: reactive[float | None] = reactive(None)
    points_left: reactive[int | None] = reactive(None)
    repos_done: reactive[int] = reactive(0)
    repos_failed: reactive[int] = reactive(0)
    repos_total: reactive[int] = reactive(0)
    running: reactive[bool] = reactive(True)
    note: reactive[str] = reactive("")  # why the whole sync waits, if it does

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1000, show_eta=False, show_percentage=False)
        yield Label(classes="overall-line")

    _ready = False  # children exist (``is_mounted`` is still False inside ``on_mount``)

    def on_mount(self) -> None:
        self._ready = True
        self._show()

    def update_state(self, **values: object) -> None:
        """Set several reactives and draw once."""
        with self.app.batch_update():
            for name, value in values.items():
                self.set_reactive(getattr(type(self), name), value)
            self._show()

    def _show(self) -> None:
        if not self._ready:
            return
        self.query_one(ProgressBar).update(progress=round(self.fraction * 1000))
        self.set_class(not self.running, "-finished")
        parts = [f"{self.fraction:.0%}", f"{count(self.fetched)} / {count(self.total)} PRs"]
        parts.append(f"{self.repos_done} of {self.repos_total} repos done")
        if self.repos_failed:
            parts.append(f"{self.repos_failed} failed")
        if self.running:
            parts.append(self.note or f"ETA {clock(self.eta_seconds)}")
        if self.points_left is not None:
            parts.append(f"{count(self.points_left)} GitHub points left")
        # One line of fixed size: no layout pass on every update.
        self.query_one(".overall-line", Label).update(Content(" · ".join(parts)), layout=False)
