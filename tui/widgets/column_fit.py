"""Column widths for a table that must fit its width: named columns give way in a set order."""

from __future__ import annotations

from collections.abc import Sequence

CELL_PADDING = 2  # DataTable's default cell_padding, on both sides of every column
SCROLLBAR = 2


def fit_widths(natural: Sequence[int], width: int, give_way: Sequence[tuple[int, int]]) -> list[int]:
    """Widths for columns whose widest cells are ``natural``, in a table ``width`` cells wide.

    ``give_way`` lists ``(column, least width)`` in the order columns shrink: each one shrinks to
    its least width before the next starts (a column may appear twice, with a smaller least width
    the second time). Columns not listed keep their natural width; so does everything when it fits.
    """
    widths = list(natural)
    room = width - SCROLLBAR - CELL_PADDING * len(widths)
    for column, least in give_way:
        excess = sum(widths) - room
        if excess <= 0:
            break
        widths[column] = max(min(least, widths[column]), widths[column] - excess)
    return widths
