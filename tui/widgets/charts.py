"""The dashboard's charts, drawn with textual-plotext in the current theme's colours.

Column charts (merged PRs per week, AI share per month) are drawn by ``column_chart``: see why there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.color import Color
from textual_plotext import PlotextPlot

from ...core.metrics import MonthCycleTime

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


def _month_label(month: str) -> str:
    """``2025-03`` as ``Mar``, or ``Jan 25`` at a year's start so the axis says which year."""
    year, number = month.split("-")
    name = MONTHS[int(number) - 1]
    return f"{name} {year[2:]}" if number == "01" else name


def nice_ticks(top: float, wanted: int = 4) -> list[float]:
    """Round y-axis ticks from 0 past ``top``: 0, 5, 10, 15 rather than 0, 4.3, 8.5..."""
    if top <= 0:
        return [0]
    raw = top / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


def _ticks(count: int, wanted: int) -> list[int]:
    step = max(1, round(count / max(1, wanted)))
    return list(range(0, count, step))


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
            return f"{self.chart_title} · {_month_label(self.months[self.unsynced].month)} on (synced so far)"
        return self.chart_title

    def draw(self) -> None:
        plt = self.plt
        months = list(enumerate(self.months))[self.unsynced :]
        points = [(i, m) for i, m in months if m.cycle_time_hours.median is not None]
        if not points:
            return
        x = [i for i, _ in points]
        median = [m.cycle_time_hours.median for _, m in points]
        plt.plot(x, median, color=self.colour("accent"), label="median", marker="braille")
        p90 = [(i, m.cycle_time_hours.p90) for i, m in points if m.cycle_time_hours.p90 is not None]
        if p90:
            plt.plot(
                [i for i, _ in p90], [v for _, v in p90], color=self.colour("primary"), label="p90", marker="braille"
            )
        ticks = nice_ticks(max(value for _, value in p90) if p90 else max(median))
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [f"{tick:g}" for tick in ticks])
        ticks = _ticks(len(self.months), 6)
        plt.xticks(ticks, [_month_label(self.months[i].month) for i in ticks])
