"""The PR list of the dashboard: newest first, filter as you type, Enter to read one.

The filter takes words (all must match) and ``repo:NAME`` / ``author:LOGIN`` for one repository or
person exactly: the dashboard's drill-down fills those in, so what is filtered is always on screen.

Titles, logins and repo names are cleaned and shown as ``Text``: a PR titled ``[red]x`` or one
carrying terminal escapes is shown as the characters it has, and cannot restyle the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from tformance.core.metrics.types import PRRow
from tformance.core.workspace import display_name

from ..formatting import count, plural
from ..safe_text import clean
from .column_fit import fit_widths

MAX_ROWS = 2000  # a DataTable of 100,000 rows is slow to build; the filter narrows the rest
TITLE_LIMIT = 240  # a wide terminal shows a long title whole
COLUMNS = ("Created", "Repo", "#", "Title", "Author", "State", "AI")
TITLE, REPO, AUTHOR, AI = (COLUMNS.index(name) for name in ("Title", "Repo", "Author", "AI"))
CAPS = {"Author": 16, "AI": 16}  # a long login or tool list must not push the others off screen
# At 80 columns the title gives way first, then author and repo; the AI column, the point of it all, last.
GIVE_WAY = ((TITLE, 16), (AUTHOR, 10), (REPO, 9), (AI, 10), (TITLE, 10))
STATE_WORDS = {"MERGED": "merged", "OPEN": "open", "CLOSED": "closed"}


@dataclass(frozen=True)
class _Row:
    pr: PRRow
    key: str
    search: str
    cells: tuple[Text, ...]


def _build(pr: PRRow) -> _Row:
    title = clean(pr.title, limit=TITLE_LIMIT)
    repo = clean(pr.repo.partition("/")[2] or pr.repo)
    author = clean(pr.author)
    tools = ", ".join(clean(display_name(tool)) for tool in pr.ai_tools)
    ai = Text(tools or "yes", style="bold", overflow="ellipsis") if pr.ai_assisted else Text("")
    state = "draft" if pr.is_draft and pr.state == "OPEN" else STATE_WORDS.get(pr.state, pr.state.lower())
    cells = (
        Text(f"{pr.created_at:%Y-%m-%d}", style="dim"),
        Text(repo, overflow="ellipsis"),
        Text(f"#{pr.number}", justify="right"),
        Text(title, overflow="ellipsis"),
        Text(
            author + (" (bot)" if pr.author_is_bot else ""),
            style="dim" if pr.author_is_bot else "",
            overflow="ellipsis",
        ),
        Text(state, style="dim" if pr.state != "MERGED" else ""),
        ai,
    )
    ids = " ".join(pr.ai_tools)  # the filter finds ``claude_code`` as well as ``Claude Code``
    search = " ".join((pr.repo, str(pr.number), pr.title, pr.author, tools, ids, pr.state)).lower()
    return _Row(pr, f"{pr.repo}#{pr.number}", search, cells)


def _matches(row: _Row, word: str) -> bool:
    """``repo:`` and ``author:`` match one repository (full or short name) or login exactly."""
    field, colon, value = word.partition(":")
    if colon and field == "repo":
        repo = row.pr.repo.lower()
        return value in (repo, repo.partition("/")[2])
    if colon and field == "author":
        return value == (row.pr.author or "").lower()
    return word in row.search


class PRList(Vertical):
    """Posts ``Opened`` with the repo and number when the user picks a PR."""

    DEFAULT_CSS = """
    PRList { height: 1fr; }
    PRList > Input { margin: 0 0 0 0; }
    PRList > DataTable { height: 1fr; }
    PRList > .pr-count { color: $text-muted; padding: 0 1; height: 1; }
    """

    class Opened(Message):
        def __init__(self, repo: str, number: int) -> None:
            super().__init__()
            self.repo = repo
            self.number = number

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[_Row] = []
        self._by_key: dict[str, _Row] = {}
        self._natural = [len(label) for label in COLUMNS]  # the widest cell of each column
        self._widths: tuple[int, ...] | None = None  # the columns' widths as last laid out

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter by title, author, repo, AI tool or state", id="pr-filter")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="pr-table")
        table.add_columns(*COLUMNS)
        yield table
        yield Static(classes="pr-count")

    def show(self, prs: Sequence[PRRow]) -> None:
        """``prs`` oldest first (as ``list_prs`` gives them); shown newest first."""
        self._rows = [_build(pr) for pr in reversed(prs)]
        self._by_key = {row.key: row for row in self._rows}
        self._natural = [len(label) for label in COLUMNS]
        for row in self._rows:
            self._natural = [max(width, cell.cell_len) for width, cell in zip(self._natural, row.cells, strict=True)]
        self._refill(self.query_one("#pr-filter", Input).value)

    def on_resize(self) -> None:
        if self._rows and self._fit() != self._widths:
            table = self.query_one(DataTable)
            cursor = table.cursor_row
            self._refill(self.query_one("#pr-filter", Input).value)
            table.move_cursor(row=min(cursor, max(0, table.row_count - 1)))

    def _fit(self) -> tuple[int, ...]:
        """Column widths for the width we have: the title takes what the other columns leave."""
        widths = [min(width, CAPS.get(label, width)) for label, width in zip(COLUMNS, self._natural, strict=True)]
        return tuple(fit_widths(widths, self.size.width, GIVE_WAY))

    def set_filter(self, text: str) -> None:
        """Show only the PRs ``text`` matches, with the text in the filter box."""
        self.query_one("#pr-filter", Input).value = text

    def focus_filter(self) -> None:
        self.query_one("#pr-filter", Input).focus()

    def focus_list(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#pr-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#pr-filter")
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    def _refill(self, text: str) -> None:
        words = text.lower().split()
        matches = [row for row in self._rows if all(_matches(row, word) for word in words)]
        table = self.query_one(DataTable)
        widths = self._fit()
        if widths != self._widths:
            table.clear(columns=True)
            for label, width in zip(COLUMNS, widths, strict=True):
                table.add_column(label, width=width)
            self._widths = widths
        else:
            table.clear()
        for row in matches[:MAX_ROWS]:
            table.add_row(*row.cells, key=row.key)
        shown = f"{count(min(len(matches), MAX_ROWS))} of {count(len(matches))}" if len(matches) > MAX_ROWS else ""
        summary = plural(len(matches), "PR") if not shown else f"showing the newest {shown} PRs"
        if words:
            summary += f" matching “{clean(text, limit=40)}”"
        self.query_one(".pr-count", Static).update(Text(summary + " · Enter opens one"))

    @on(DataTable.RowSelected, "#pr-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        row = self._by_key.get(str(event.row_key.value))
        if row is not None:
            self.post_message(self.Opened(row.pr.repo, row.pr.number))
