"""The dashboard's charts, drawn with textual-plotext in the current theme's colours.

Column charts (merged PRs per week, AI share per month) are drawn by ``column_chart``: see why there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.color import Color
from textual_plotext import PlotextPlot

from tformance.core.metrics.types import MonthCycleTime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ThemedChart(PlotextPlot):
    """A chart that keeps its data and redraws it when the data or the app's theme changes."""

    DEFAULT_CSS = """
    ThemedChart { height: 12; min-width: 30; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart_title = title

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.replot())
        self.replot()

    def colour(self, variable: str) -> tuple[int, int, int]:
        """A theme colour (``primary``, ``accent``...) as plotext takes it."""
        value = self.app.theme_variables.get(variable) or self.app.theme_variables.get("foreground", "#888888")
        return Color.parse(value).rgb

    def replot(self) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(self.title_text())
        self.draw()
        self.refresh()

    def title_text(self) -> str:
        return self.chart_title

    def draw(self) -> None:  # pragma: no cover - every chart draws itself
        raise NotImplementedError


Label = str | tuple[str, ...]  # an axis label, or its forms from the longest to the shortest


def month_forms(year: int, month: int, *, first: bool = False) -> tuple[str, ...]:
    """An axis label for a month, longest form first: ``Mar``, ``M``.

    January says its year (``Jan 25``, ``2025``, ``'25``) so that an axis showing every month
    shows where the year changes; the axis's ``first`` month says its year when there is room.
    """
    name = MONTHS[month - 1]
    short = f"{year % 100:02d}"
    if month == 1:
        return (f"{name} {short}", str(year), f"'{short}", name[0])
    return (f"{name} {short}", name, name[0]) if first else (name, name[0])


def fit(label: Label, room: int) -> str:
    """The longest form of ``label`` that leaves a cell of gap in ``room`` cells ("" if none does)."""
    forms = (label,) if isinstance(label, str) else label
    return next((form for form in forms if len(form) < room), "")


def month_ticks(months: Sequence[str], width: int) -> list[str]:
    """A tick label for every month (``YYYY-MM``) of an axis ``width`` cells wide, in the longest
    form the space between two ticks leaves room for (the y axis and the frame take about 8 cells;
    the first and last months sit on the plot's edges; plotext drops a label that touches another)."""
    room = max(1, (width - 8) // max(1, len(months) - 1))
    return [fit(month_forms(*month_key(month), first=not index), room) for index, month in enumerate(months)]


def _month_year(month: str) -> str:
    year, number = month_key(month)
    return f"{MONTHS[number - 1]} {year}"


def month_key(month: str) -> tuple[int, int]:
    """``2025-03`` as ``(2025, 3)``."""
    year, number = month.split("-")
    return int(year), int(number)


def nice_ticks(top: float, wanted: int = 4) -> list[float]:
    """Round y-axis ticks from 0 past ``top``: 0, 5, 10, 15 rather than 0, 4.3, 8.5..."""
    if top <= 0:
        return [0]
    raw = top / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


class CycleTimeChart(ThemedChart):
    """Median and p90 hours from open to merge, per month of the merge."""

    months: Sequence[MonthCycleTime] = ()
    unsynced = 0  # leading months the sync has not reached yet: left out, and said so

    def show(self, months: Sequence[MonthCycleTime], *, unsynced: int = 0) -> None:
        self.months = months
        self.unsynced = unsynced
        self.replot()

    def title_text(self) -> str:
        if self.unsynced and self.unsynced < len(self.months):
            return f"{self.chart_title} · {_month_year(self.months[self.unsynced].month)} on (synced so far)"
        return self.chart_title

    def draw(self) -> None:
        plt = self.plt
        months = list(enumerate(self.months))[self.unsynced :]
        points = [(i, m) for i, m in months if m.cycle_time_hours.median is not None]
        if not points:
            return
        x = [i for i, _ in points]
        median = [value for _, m in points if (value := m.cycle_time_hours.median) is not None]
        plt.plot(x, median, color=self.colour("accent"), label="median", marker="braille")
        p90 = [(i, value) for i, m in points if (value := m.cycle_time_hours.p90) is not None]
        if p90:
            plt.plot(
                [i for i, _ in p90], [v for _, v in p90], color=self.colour("primary"), label="p90", marker="braille"
            )
        ticks = nice_ticks(max(value for _, value in p90) if p90 else max(median))
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [f"{tick:g}" for tick in ticks])
        labels = month_ticks([m.month for m in self.months], self.size.width)
        plt.xticks(list(range(len(self.months))), labels)
        first, last = self.months[0].month, self.months[-1].month
        if first[:4] != last[:4] and not any(any(c.isdigit() for c in label) for label in labels):
            # One letter a month leaves no room for the year on the axis: the title says the range.
            plt.title(f"{self.chart_title} · {_month_year(first)} – {_month_year(last)}")
