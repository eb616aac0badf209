"""A data table that sorts by any column (click its header, or press ``o`` for the next one) and fits its width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from .column_fit import fit_widths

SortKey = str | int | float | None


@dataclass(frozen=True)
class TableRow:
    key: str
    cells: tuple[Text, ...]
    sort_keys: tuple[SortKey, ...]  # one per column; None (no data) always sorts last


class SortableTable(DataTable[Text]):
    """Rows come in their natural order (``show``); a sort by a column is kept across refills.

    A number column sorts biggest first, a text column A to Z; choosing the same column again
    reverses it. ``give_way`` says which columns shrink, and how far, when the table is too wide.
    """

    BINDINGS = [
        Binding("o", "sort_next", "Sort", tooltip="Sort by the next column (again on the same: reverse)", id="sort"),
    ]

    def __init__(self, *, give_way: Sequence[tuple[int, int]] = (), id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.give_way = tuple(give_way)
        self.labels: tuple[str, ...] = ()
        self.rows_in_order: tuple[TableRow, ...] = ()
        self.sort_column: int | None = None
        self.descending = False
        self._widths: list[int] = []

    def show(self, labels: Sequence[str], rows: Sequence[TableRow]) -> None:
        self.labels = tuple(labels)
        self.rows_in_order = tuple(rows)
        self._refill()

    def sort_by(self, column: int) -> None:
        """Sort by ``column``; the column already sorted by is reversed."""
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column = column
            self.descending = not self._is_text(column)
        self._refill()

    def action_sort_next(self) -> None:
        if self.labels:
            self.sort_by(0 if self.sort_column is None else (self.sort_column + 1) % len(self.labels))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(event.column_index)

    def on_resize(self) -> None:
        if self.rows_in_order and self._fit() != self._widths:
            self._refill()

    def _is_text(self, column: int) -> bool:
        return any(isinstance(row.sort_keys[column], str) for row in self.rows_in_order)

    def _sorted(self) -> list[TableRow]:
        column = self.sort_column
        if column is None:
            return list(self.rows_in_order)
        present = [row for row in self.rows_in_order if row.sort_keys[column] is not None]
        missing = [row for row in self.rows_in_order if row.sort_keys[column] is None]
        present.sort(key=lambda row: row.sort_keys[column], reverse=self.descending)  # type: ignore[arg-type,return-value]
        return present + missing

    def _fit(self) -> list[int]:
        natural = [len(label) + (2 if index == self.sort_column else 0) for index, label in enumerate(self.labels)]
        for row in self.rows_in_order:
            natural = [max(width, cell.cell_len) for width, cell in zip(natural, row.cells, strict=True)]
        return fit_widths(natural, self.size.width or 80, self.give_way)

    def _refill(self) -> None:
        cursor_key = self._cursor_key()
        self._widths = self._fit()
        self.clear(columns=True)
        for index, (label, width) in enumerate(zip(self.labels, self._widths, strict=True)):
            arrow = ("▼" if self.descending else "▲") if index == self.sort_column else ""
            self.add_column(Text(f"{label} {arrow}".rstrip(), overflow="ellipsis"), width=width)
        rows = self._sorted()
        for row in rows:
            self.add_row(*row.cells, key=row.key)
        keys = [row.key for row in rows]
        if cursor_key in keys:
            self.move_cursor(row=keys.index(cursor_key))

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        except CellDoesNotExist:
            return None
