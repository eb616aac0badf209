"""The TUI's pure helpers: safe text, event coalescing, the estimate and the short formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.text import Text

from tformance.core.events import Notice, OverallProgress, RepoFinished, RepoProgress, Stage
from tformance.tui.estimate import Pace, estimate
from tformance.tui.event_buffer import EventBuffer
from tformance.tui.formatting import ago, clock, dollars, hours, minutes, short_repo_names
from tformance.tui.safe_text import REPLACEMENT, clean, safe

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
    result = estimate([120, 0, None], Pace(seconds_per_request=1.0, seconds_per_pr=0.02, concurrency=6))
    assert result.repos == 3 and result.prs == 120 and result.unknown == 1
    assert result.api_points == (3 + 1 + 1) * 2  # 120 PRs = 3 pages of 50; empty and unknown repos one page each
    assert result.llm_tokens == 120 * 600
    assert abs(result.llm_dollars - 120 * 600 / 1e6 * 0.10) < 1e-12
    assert result.seconds == (5 * 1.0 + 120 * 0.02) / 3


def test_short_formats() -> None:
    assert clock(65) == "1:05" and clock(3725) == "1:02:05" and clock(None) == "--:--"
    assert minutes(30) == "under a minute" and minutes(240) == "about 4 min"
    assert hours(0.5) == "30 min" and hours(5.25) == "5.2 h" and hours(72) == "3.0 d" and hours(None) == "—"
    assert ago(NOW - timedelta(hours=3), NOW) == "3 h ago" and ago(None, NOW) == "never"
    assert dollars(0.004) == "$0.004" and dollars(12.5) == "$12.50"
    assert short_repo_names(["acme/a", "acme/b"]) == {"acme/a": "a", "acme/b": "b"}
    assert short_repo_names(["acme/a", "other/b"]) == {"acme/a": "acme/a", "other/b": "other/b"}
