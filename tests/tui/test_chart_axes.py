"""Dates on the dashboard's chart axes: every month labelled, in order, and the year where it changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tformance.core.metrics.report import WeekCount, iso_week
from tformance.tui.widgets.charts import month_forms, month_key, month_ticks
from tformance.tui.widgets.column_chart import draw_columns, week_labels

# June 2024 to June 2025: 13 months, a year change in the middle.
MONTH_KEYS = [f"{2024 + (5 + i) // 12}-{(5 + i) % 12 + 1:02d}" for i in range(13)]
EXPECTED = ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]


def as_months(words: list[str]) -> list[str]:
    """The axis's labels read back as month names: January's year forms count as January."""
    months: list[str] = []
    for word in words:
        if len(word) == 2 and word.isdigit() and months:  # "Jan 25", "Jun 24": the year of the label before
            continue
        months.append("Jan" if word in ("2025", "'25") else word)
    return months


@pytest.mark.parametrize("width", [62, 90, 130])
def test_a_year_of_weeks_labels_every_month_and_the_new_year(width: int) -> None:
    weeks = [WeekCount(iso_week(date(2024, 6, 3) + timedelta(weeks=i)), 1 + i % 5) for i in range(56)]
    axis = draw_columns([week.count for week in weeks], week_labels(weeks), "Merged", width, 10)[-1].plain
    words = axis.split()
    assert as_months(words) == EXPECTED, axis
    assert "Jan 25" in axis or "2025" in words or "'25" in words, "the year is shown where it changes"


@pytest.mark.parametrize("width", [45, 62, 100])
def test_a_column_per_month_labels_every_month(width: int) -> None:
    labels = [month_forms(*month_key(month), first=not index) for index, month in enumerate(MONTH_KEYS)]
    axis = draw_columns([10.0] * 13, labels, "AI share", width, 10)[-1].plain
    words = axis.split()
    if len(words[0]) == 1:  # a narrow chart: one letter a month, still every month
        assert [word[0] for word in words] == [month[0] for month in EXPECTED], axis
    else:
        assert as_months(words) == EXPECTED, axis
        assert "Jan 25" in axis or "2025" in words or "'25" in words


@pytest.mark.parametrize(("width", "january"), [(62, "'25"), (110, "Jan 25")])
def test_the_cycle_time_trend_ticks_every_month(width: int, january: str) -> None:
    ticks = month_ticks(MONTH_KEYS, width)
    assert len(ticks) == 13 and all(ticks)
    assert ticks[7] == january
    assert [tick[:3] for index, tick in enumerate(ticks) if index != 7] == [
        month for index, month in enumerate(EXPECTED) if index != 7
    ]
