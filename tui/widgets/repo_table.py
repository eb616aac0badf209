"""The repository list of the picker: filterable, selectable, most active first; fast with 500 repos.

It owns the repos, the selection and the filter. Filtering is a substring test in Python and a
rebuild of only the visible rows; toggling a repo updates one cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from tformance.core.workspace import RepoInfo

from ..formatting import ago, count
from ..safe_text import clean

CHECKED, UNCHECKED = Text("[x]", style="bold"), Text("[ ]", style="dim")
COUNTING, UNKNOWN = Text("…", style="dim", justify="right"), Text("—", style="dim", justify="right")
COLUMNS: tuple[tuple[str, str], ...] = (
    ("", "check"),
    ("Repository", "name"),
    ("Owner", "owner"),
    ("Visibility", "privacy"),
)
COLUMNS += (("Last push", "pushed"), ("PRs 6 mo", "prs"))


@dataclass(frozen=True)
class _Row:
    """A repo with its display cells built once (names cleaned, never read as markup)."""

    info: RepoInfo
    search: str
    name: Text
    owner: Text
    privacy: Text


class RepoTable(DataTable[Text]):
    """Posts ``SelectionChanged`` whenever the set of selected repos changes."""

    DEFAULT_CSS = """
    RepoTable { height: 1fr; }
    """

    class SelectionChanged(Message):
        def __init__(self, selected: frozenset[str]) -> None:
            super().__init__()
            self.selected = selected

    def __init__(self, *, now: datetime, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.now = now
        self.selected: set[str] = set()
        self.recent_counts: dict[str, int] = {}  # PRs of the last 6 months, when known
        self.counting = False
        self._rows: dict[str, _Row] = {}
        self._order: list[str] = []
        self._visible: list[str] = []
        self._shown: set[str] = set()
        self._filter = ""

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.add_column(label, key=key)

    @property
    def shown(self) -> list[str]:
        """The names the filter shows, in order. (Not ``visible``: Textual's own flag has that name.)"""
        return list(self._visible)

    @property
    def repo_count(self) -> int:
        return len(self._order)

    def set_repos(self, repos: Iterable[RepoInfo], selected: Iterable[str] = ()) -> None:
        self._rows = {}
        for info in repos:
            name = Text(clean(info.name))
            if info.is_archived:
                name.append(" (archived)", style="dim")
            self._rows[info.full_name] = _Row(
                info=info,
                search=info.full_name.lower(),
                name=name,
                owner=Text(clean(info.owner)),
                privacy=Text("private" if info.is_private else "public", style="" if info.is_private else "dim"),
            )
        wanted = {name.lower() for name in selected}
        self.selected = {name for name in self._rows if name.lower() in wanted}
        self.order_by_activity()
        self._changed()

    def order_by_activity(self) -> None:
        """Most active first: PRs of the last 6 months when known, then the latest push."""

        def activity(name: str) -> tuple[int, float, str]:
            info = self._rows[name].info
            pushed = info.pushed_at.timestamp() if info.pushed_at else 0.0
            return (-self.recent_counts.get(name, -1), -pushed, name.lower())

        self._order = sorted(self._rows, key=activity)
        self._rebuild()

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self._rebuild()

    def update_counts(self, recent: dict[str, int]) -> None:
        self.recent_counts.update(recent)
        for name, value in recent.items():
            self._set_cell(name, "prs", Text(count(value), justify="right"))

    def toggle_cursor(self) -> None:
        if not self._visible or self.cursor_row >= len(self._visible):
            return
        name = self._visible[self.cursor_row]
        self.selected.symmetric_difference_update({name})
        self._set_cell(name, "check", CHECKED if name in self.selected else UNCHECKED)
        self._changed()

    def select_visible(self) -> None:
        self._select(self._visible, True)

    def select_none(self) -> None:
        self._select(list(self.selected), False)

    def select_active(self, days: int = 90) -> None:
        """Exactly the visible repos pushed to in the last ``days`` days."""
        since = self.now - timedelta(days=days)
        active = [name for name in self._visible if (self._rows[name].info.pushed_at or since) > since]
        self.selected.difference_update(self._visible)
        self._select(active, True)

    def ordered_selection(self) -> list[str]:
        """The selected repos, most active first (the sync's priority order)."""
        return [name for name in self._order if name in self.selected]

    def _select(self, names: list[str], on: bool) -> None:
        if on:
            self.selected.update(names)
        else:
            self.selected.difference_update(names)
        for name in names:
            self._set_cell(name, "check", CHECKED if on else UNCHECKED)
        self._changed()

    def _rebuild(self) -> None:
        current = self._visible[self.cursor_row] if 0 <= self.cursor_row < len(self._visible) else None
        words = self._filter.split()
        self._visible = [name for name in self._order if all(word in self._rows[name].search for word in words)]
        self._shown = set(self._visible)
        self.clear()
        for name in self._visible:
            row = self._rows[name]
            pushed = Text(ago(row.info.pushed_at, self.now), style="dim")
            prs = self.recent_counts.get(name)
            prs_cell = (
                Text(count(prs), justify="right") if prs is not None else (COUNTING if self.counting else UNKNOWN)
            )
            check = CHECKED if name in self.selected else UNCHECKED
            self.add_row(check, row.name, row.owner, row.privacy, pushed, prs_cell, key=name)
        if current in self._visible:
            self.move_cursor(row=self._visible.index(current))

    def _set_cell(self, name: str, column: str, value: Text) -> None:
        if name in self._shown:  # a filtered-out row is drawn right when it comes back
            self.update_cell(name, column, value)

    def _changed(self) -> None:
        self.post_message(self.SelectionChanged(frozenset(self.selected)))
