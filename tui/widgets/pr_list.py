"""The PR list of the dashboard: newest first, filter as you type, Enter to read one.

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

from ...core.metrics import PRRow
from ..formatting import count
from ..safe_text import clean

MAX_ROWS = 2000  # a DataTable of 100,000 rows is slow to build; the filter narrows the rest
TITLE_LIMIT = 60
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
    tools = ", ".join(clean(tool) for tool in pr.ai_tools)
    ai = Text(tools or "yes", style="bold") if pr.ai_assisted else Text("")
    state = STATE_WORDS.get(pr.state, pr.state.lower()) + (" draft" if pr.is_draft else "")
    cells = (
        Text(f"{pr.created_at:%Y-%m-%d}", style="dim"),
        Text(repo),
        Text(f"#{pr.number}", justify="right"),
        Text(title),
        Text(author + (" (bot)" if pr.author_is_bot else ""), style="dim" if pr.author_is_bot else ""),
        Text(state, style="dim" if pr.state != "MERGED" else ""),
        ai,
    )
    search = " ".join((pr.repo, str(pr.number), pr.title, pr.author, tools, pr.state)).lower()
    return _Row(pr, f"{pr.repo}#{pr.number}", search, cells)


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

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter by title, author, repo, AI tool or state", id="pr-filter")
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="pr-table")
        table.add_columns("Created", "Repo", "#", "Title", "Author", "State", "AI")
        yield table
        yield Static(classes="pr-count")

    def show(self, prs: Sequence[PRRow]) -> None:
        """``prs`` oldest first (as ``list_prs`` gives them); shown newest first."""
        self._rows = [_build(pr) for pr in reversed(prs)]
        self._by_key = {row.key: row for row in self._rows}
        self._refill(self.query_one("#pr-filter", Input).value)

    @on(Input.Changed, "#pr-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#pr-filter")
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    def _refill(self, text: str) -> None:
        words = text.lower().split()
        matches = [row for row in self._rows if all(word in row.search for word in words)]
        table = self.query_one(DataTable)
        table.clear()
        for row in matches[:MAX_ROWS]:
            table.add_row(*row.cells, key=row.key)
        shown = f"{count(min(len(matches), MAX_ROWS))} of {count(len(matches))}" if len(matches) > MAX_ROWS else ""
        summary = f"{count(len(matches))} PRs" if not shown else f"showing the newest {shown} PRs"
        if words:
            summary += f" matching “{clean(text, limit=40)}”"
        self.query_one(".pr-count", Static).update(Text(summary + " · Enter opens one"))

    @on(DataTable.RowSelected, "#pr-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        row = self._by_key.get(str(event.row_key.value))
        if row is not None:
            self.post_message(self.Opened(row.pr.repo, row.pr.number))
