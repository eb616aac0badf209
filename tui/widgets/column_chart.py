"""Column charts drawn with block characters: one column per week or month, exact to an eighth of a row.

A year of weeks is more bars than a half-screen plotext chart has columns: plotext's bars then overlap
and a quiet week vanishes behind its neighbours. Here every value gets a column of its own (the oldest
are left out when even one cell each does not fit), and a column's top is drawn in eighths of a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.content import Content
from textual.widget import Widget

from tformance.core.metrics.types import MonthAIShare, WeekCount

from .charts import Label, fit, month_forms, month_key, nice_ticks

EIGHTHS = " ▁▂▃▄▅▆▇█"
MAX_STEP = 8  # cells per column, its gap included: wider columns look like blocks, not a trend
UNSYNCED = "░"


def draw_columns(
    values: Sequence[float],
    labels: Sequence[Label],
    title: str,
    width: int,
    height: int,
    *,
    unit: str = "",
    least_top: float = 0,
    style: str = "$primary",
    unsynced: int = 0,
) -> list[Content]:
    """The chart as ``height`` lines of at most ``width`` cells: title, rows of columns, axis, labels.

    The columns share the width (a wide terminal gets wider columns, or more space between them).
    ``labels[i]`` goes under column ``i`` ("" for none), in the longest of its forms that fits before
    the next label. The y axis runs from 0 to a round number at or above ``max(values)`` and ``least_top``.
    The first ``unsynced`` columns cover a range the sync has not reached yet: they are shaded,
    not drawn as a trend.
    """
    rows = height - 3
    if not values or rows < 2 or width < 12:
        return [Content(title.center(width).rstrip())]
    ticks = nice_ticks(max(least_top, *values) or 1, wanted=max(1, min(4, rows // 2)))
    top = ticks[-1]
    tick_labels = [f"{tick:g}{unit}" for tick in ticks]
    label_width = max(len(label) for label in tick_labels)
    room = width - label_width - 2  # the axis, and a cell of margin on the right
    first = max(0, len(values) - room)
    values, labels = values[first:], labels[first:]
    unsynced = max(0, unsynced - first)
    step = min(MAX_STEP, room / len(values))
    starts = [round(index * step) for index in range(len(values) + 1)]
    spans = [end - start for start, end in zip(starts, starts[1:], strict=False)]
    if first:
        title = f"{title} · last {len(values)}"

    eighths = [max(1, round(value / top * rows * 8)) if value > 0 else 0 for value in values]
    # A tick sits on the row whose top edge is its level; 0 is the axis line itself.
    tick_rows = {round(tick / top * rows) - 1: label for tick, label in zip(ticks, tick_labels, strict=True)}

    lines = [Content(title.center(width).rstrip())]
    for row in range(rows - 1, -1, -1):
        cells: list[tuple[str, str]] = []
        for index, (value, span) in enumerate(zip(eighths, spans, strict=True)):
            bar = span - 1 if span > 1 else span  # a one-cell gap between columns when there is room for it
            if index < unsynced:
                cells.append((UNSYNCED * span, "$text-muted 40%"))
            else:
                cells.append((EIGHTHS[max(0, min(8, value - row * 8))] * bar + " " * (span - bar), style))
        label = tick_rows.get(row)
        axis = f"{label:>{label_width}}┤" if label is not None else f"{'':>{label_width}}│"
        lines.append(Content.assemble((axis, "$text-muted"), *cells).rstrip())
    axis = f"{tick_rows.get(-1, ''):>{label_width}}└" + "─" * starts[-1]
    lines.append(Content.styled(axis, "$text-muted"))
    if unsynced:
        labels = ["not synced yet" if index == 0 else "" for index in range(unsynced)] + list(labels[unsynced:])
    lines.append(Content.styled(" " * (label_width + 1) + _place(labels, starts), "$text-muted"))
    return lines


def _place(labels: Sequence[Label], starts: Sequence[int]) -> str:
    """The labels on one line, each under its column in the longest form that fits before the next.

    A label never overlaps the next one; it shrinks instead (``Jan 25``, ``2025``, ``'25``; ``Mar``,
    ``M``), so no label is dropped unless not even its shortest form fits.
    """
    line = [" "] * (starts[-1] + 1)  # and the right margin, for the last label's gap
    placed = [(start, label) for start, label in zip(starts, labels, strict=False) if label]
    following = [start for start, _ in placed[1:]] + [len(line) + 1] if placed else []
    for (start, label), end in zip(placed, following, strict=True):
        text = fit(label, end - start)
        line[start : start + len(text)] = text
    return "".join(line).rstrip()


def week_labels(weeks: Sequence[WeekCount]) -> list[Label]:
    """The month under the first week of each month (the week whose Monday is in its first 7 days)."""
    labels: list[Label] = []
    for week in weeks:
        year, number = week.week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
        labels.append(month_forms(monday.year, monday.month, first=not any(labels)) if monday.day <= 7 else "")
    return labels


class ColumnChart(Widget):
    """A titled column chart of the values ``show`` was last given."""

    DEFAULT_CSS = """
    ColumnChart { height: 12; min-width: 30; background: $surface; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart_title = title
        self.values: tuple[float, ...] = ()
        self.labels: tuple[Label, ...] = ()
        self.unsynced = 0  # leading columns the sync has not reached yet

    def render(self) -> Content:
        size = self.content_size
        return Content("\n").join(self.draw(size.width, size.height))

    def draw(self, width: int, height: int) -> list[Content]:
        return draw_columns(self.values, self.labels, self.chart_title, width, height, unsynced=self.unsynced)


class WeeklyMergedChart(ColumnChart):
    """Merged PRs per ISO week of the merge."""

    def show(self, weeks: Sequence[WeekCount], *, unsynced: int = 0) -> None:
        self.unsynced = unsynced
        self.values = tuple(week.count for week in weeks)
        self.labels = tuple(week_labels(weeks))
        self.refresh()


class AIShareChart(ColumnChart):
    """The share of PRs AI-assisted, per month of creation (an empty column for a month without PRs)."""

    def show(self, months: Sequence[MonthAIShare], *, unsynced: int = 0) -> None:
        self.unsynced = unsynced
        self.values = tuple((month.share or 0) * 100 for month in months)
        self.labels = tuple(month_forms(*month_key(m.month), first=not i) for i, m in enumerate(months))
        self.refresh()

    def draw(self, width: int, height: int) -> list[Content]:
        return draw_columns(
            self.values,
            self.labels,
            self.chart_title,
            width,
            height,
            unit="%",
            least_top=10,
            style="$accent",
            unsynced=self.unsynced,
        )
