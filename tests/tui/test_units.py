"""The TUI's pure helpers: safe text, event coalescing, the estimate and the short formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.text import Text

from tformance.core.detection.tools import display_name as tool_label
from tformance.core.events import Notice, OverallProgress, RepoFinished, RepoProgress, Stage
from tformance.core.llm.cost import estimate_llm_cost
from tformance.core.metrics.report import WeekCount
from tformance.core.sync.estimate import Pace, estimate
from tformance.core.sync.estimate import rough_duration as minutes
from tformance.tui.event_buffer import EventBuffer
from tformance.tui.formatting import ago, clock, dollars, hours, short_repo_names, sparkline
from tformance.tui.safe_text import REPLACEMENT, clean, safe
from tformance.tui.screens.pr_detail import _where
from tformance.tui.widgets.column_chart import draw_columns, week_labels

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)


def test_clean_removes_terminal_escapes_and_controls() -> None:
    hostile = "\x1b[31mred\x1b[0m \x1b]0;owned title\x07ok\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ \x00\x07\x9b"
    cleaned = clean(hostile)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert cleaned.startswith("red ok") and "link" in cleaned
    assert REPLACEMENT in cleaned  # controls are shown as replaced, not silently glued together


def test_clean_flattens_lines_and_bidi_overrides() -> None:
    assert clean("first\r\nsecond\tthird") == "first second third"
    assert clean("a\nb", single_line=False) == "a\nb"
    assert "\u202e" not in clean("evil\u202etxt.exe")
    assert clean("x" * 50, limit=10) == "x" * 9 + "…"


def test_safe_is_never_markup() -> None:
    text = safe("[bold red]pwned[/] [link=https://x]y[/link]")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]pwned[/] [link=https://x]y[/link]"
    assert not text.spans


def test_event_buffer_keeps_the_latest_progress_and_every_barrier() -> None:
    wakes: list[int] = []
    buffer = EventBuffer(lambda: wakes.append(1))
    sink = buffer.sink("main")
    for fetched in range(100):
        sink(RepoProgress("o/a", Stage.FETCHING, fetched, fetched, 100))
        sink(OverallProgress(fetched, 100, fetched / 100, None, 4000, 0, 0, 1))
    sink(RepoFinished("o/a", True, 100))
    sink(RepoProgress("o/a", Stage.DONE, 100, 100, 100))
    sink(Notice("hello"))
    events = [event for _run, event in buffer.drain()]
    assert len(wakes) == 1, "one wake-up per batch"
    assert [type(event).__name__ for event in events] == [
        "RepoProgress",
        "OverallProgress",
        "RepoFinished",
        "RepoProgress",
        "Notice",
    ]
    assert events[0].fetched == 99 and events[3].stage is Stage.DONE
    assert buffer.received == 203 and buffer.delivered == 5
    sink(Notice("again"))
    assert len(wakes) == 2


def test_estimate_counts_pages_points_time_and_llm_cost() -> None:
    result = estimate([120, 0, None], Pace(seconds_per_request=1.0, seconds_per_pr=0.02, concurrency=6, page_size=50))
    assert result.repos == 3 and result.prs == 120 and result.unknown == 1
    assert result.api_points == (3 + 1 + 1) * 2  # 120 PRs = 3 pages of 50; empty and unknown repos one page each
    assert (result.llm_tokens, result.llm_dollars) == estimate_llm_cost(120), "the CLI's own figures"
    assert result.seconds == (5 * 1.0 + 120 * 0.02) / 3
    # A page of 100 PRs with its reviews, commits and labels costs 4 points (301 requests / 100).
    assert estimate([100], Pace(page_size=100)).api_points == 4


def test_estimate_is_never_faster_than_githubs_server_time_budget() -> None:
    """GitHub allows 60 s of server time a minute: past the first minute, parallelism buys nothing."""
    pace = Pace(seconds_per_request=0.3, seconds_per_pr=0.02, concurrency=10, page_size=100)
    big = estimate([500] * 40, pace)  # 20,000 PRs: 200 pages, 460 s of server time
    assert big.seconds == 200 * 0.3 + 20_000 * 0.02 - 60
    small = estimate([100], pace)  # well inside the budget: concurrency decides
    assert small.seconds == (0.3 + 100 * 0.02) / 1


def test_short_formats() -> None:
    assert clock(65) == "1:05" and clock(3725) == "1:02:05" and clock(None) == "--:--"
    assert minutes(30) == "under a minute" and minutes(240) == "about 4 min"
    assert hours(0.5) == "30 min" and hours(5.25) == "5.2 h" and hours(72) == "3.0 d" and hours(None) == "—"
    assert ago(NOW - timedelta(hours=3), NOW) == "3 h ago" and ago(None, NOW) == "never"
    assert dollars(0.004) == "$0.004" and dollars(12.5) == "$12.50"
    assert short_repo_names(["acme/a", "acme/b"]) == {"acme/a": "a", "acme/b": "b"}
    assert short_repo_names(["acme/a", "other/b"]) == {"acme/a": "acme/a", "other/b": "other/b"}


def test_every_week_gets_its_own_column_and_a_quiet_week_shows() -> None:
    weeks = [WeekCount(f"2025-W{n:02d}", count) for n, count in enumerate([8, 9, 1, 10, 0, 7], start=1)]
    lines = [line.plain for line in draw_columns([w.count for w in weeks], week_labels(weeks), "Merged", 30, 8)]
    bottom = lines[-3]  # the lowest row of columns, above the axis
    columns = bottom[bottom.index("│") + 1 :]
    step = 26 / 6  # 26 cells of room for 6 weeks: the columns share it, each with a gap
    # 1 merge is half of the lowest row (0 to 10 over 5 rows); no merge, no column at all.
    assert [columns[round(i * step)] for i in range(6)] == ["█", "█", "▄", "█", " ", "█"]
    assert lines[-1].split() == ["Jan", "25", "Feb"]  # under each month's first week (Mondays 6 Jan, 3 Feb)


def test_columns_that_do_not_fit_drop_the_oldest_and_say_so() -> None:
    values = list(range(1, 101))
    lines = draw_columns(values, [""] * 100, "Merged PRs per week", 40, 10)
    assert "last 35" in lines[0].plain
    assert all(len(line.plain) <= 40 for line in lines)


def test_a_year_of_weeks_uses_a_wide_terminal_and_marks_what_is_not_synced() -> None:
    values = [5.0] * 53
    lines = [line.plain for line in draw_columns(values, [""] * 53, "Merged", 98, 12, unsynced=20)]
    axis = lines[-2]
    assert len(axis) >= 96, "the columns share the whole width, not one cell each"
    bottom = lines[-3]
    columns = bottom[bottom.index("│") + 1 :]
    start = round(20 * 95 / 53)
    assert set(columns[:start]) == {"░"} and "░" not in columns[start:] and "█" in columns[start:]
    assert lines[-1].split()[:3] == ["not", "synced", "yet"]


def test_sparkline_tool_labels_and_evidence_places() -> None:
    assert sparkline([0.1, None, 0.2, 0.4]) == "▃ ▅█"
    assert sparkline([None, 0]) == " ▁"
    assert tool_label("claude_code") == "Claude Code" and tool_label("new_tool") == "new tool"
    assert _where("body") == "the description" and _where("commit 2 message") == "commit 2's message"
