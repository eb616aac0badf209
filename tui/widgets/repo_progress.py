"""One repository's sync: status, a bar, ``fetched/total`` PRs, AI PRs found, and why it waits or failed.

State lives in reactives set from ``RepoProgress`` events; ``watch_stage`` toggles a CSS class per
stage and runs the countdown while the repo is paused for the rate limit or waiting to retry.
The row draws itself as one piece of ``Content`` (colours are theme variables): with 20 repos
updating many times a second, one widget a row instead of a dozen keeps every frame cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from tformance.core.events import SLOW_DOWN, Stage
from tformance.core.events import RepoProgress as RepoProgressEvent

from ..formatting import clock
from ..safe_text import clean

STAGE_WORDS = {
    Stage.WAITING: "waiting",
    Stage.FETCHING: "fetching",
    Stage.PAUSED: "paused",
    Stage.RETRYING: "retrying",
    Stage.DONE: "done",
    Stage.FAILED: "failed",
    Stage.CANCELLED: "stopped",
}
STAGE_ICONS = {
    Stage.WAITING: "·",
    Stage.FETCHING: "↓",
    Stage.PAUSED: "‖",
    Stage.RETRYING: "↻",
    Stage.DONE: "✓",
    Stage.FAILED: "✗",
    Stage.CANCELLED: "■",
}
STAGE_STYLES = {
    Stage.WAITING: "$text-muted",
    Stage.FETCHING: "$text-primary",
    Stage.PAUSED: "$text-warning",
    Stage.RETRYING: "$text-warning",
    Stage.DONE: "$text-success",
    Stage.FAILED: "$text-error",
    Stage.CANCELLED: "$text-muted",
}
BAR_STYLES = {
    Stage.PAUSED: "$warning",
    Stage.RETRYING: "$warning",
    Stage.DONE: "$success",
    Stage.FAILED: "$error",
    Stage.CANCELLED: "$text-muted",
}
WAITING_STAGES = (Stage.PAUSED, Stage.RETRYING)
COUNTS, AI, STATUS, MIN_BAR, MIN_NAME, MAX_NAME = 14, 7, 15, 10, 10, 40


class RepoProgress(Widget, can_focus=True):
    """Focusable so a failed repo can be picked and retried on its own."""

    DEFAULT_CSS = """
    RepoProgress { height: auto; padding: 0 1; }
    RepoProgress:focus { background: $boost; }
    """

    stage: reactive[Stage] = reactive(Stage.WAITING)
    fetched: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    ai_found: reactive[int] = reactive(0)
    message: reactive[str] = reactive("")
    paused_until: reactive[datetime | None] = reactive(None)

    def __init__(
        self,
        repo: str,
        *,
        label: str | None = None,
        name_width: int | None = None,
        total: int = 0,
        now: Callable[[], datetime],
    ) -> None:
        """``name_width``: the longest name among the rows, so names line up and the bars get the rest."""
        super().__init__(classes="-waiting")
        self.repo = repo
        self.label = clean(label or repo)
        self.name_width = name_width or len(self.label)
        self._now = now
        self._countdown: Timer | None = None
        self._shown_detail = ""
        self.base = 0  # PRs stored before this run (a resumed sync): the bar starts there
        self.in_range = 0  # from the pre-flight; 0 until it is known
        self.set_reactive(RepoProgress.total, total)

    def start_from(self, stored: int) -> None:
        """A run begins with ``stored`` PRs of this repo (in range) in the database already."""
        self.base = stored
        self.in_range = 0
        self.set_reactive(RepoProgress.fetched, 0)
        self._changed()

    def plan(self, in_range: int, to_fetch: int) -> None:
        """The pre-flight's count: ``in_range`` PRs in all, ``to_fetch`` to fetch in this run."""
        self.in_range = in_range
        self.total = to_fetch

    @property
    def expected(self) -> int:
        """PRs this repo will have once synced."""
        return max(self.in_range or self.base + max(self.total, self.fetched), self.base)

    @property
    def shown(self) -> int:
        """PRs of this repo in hand: stored before this run, and fetched in it (refreshes re-fetch stored ones)."""
        return min(self.base + self.fetched, self.expected)

    def apply(self, event: RepoProgressEvent) -> None:
        """Take the state an event reports (events are snapshots: the latest one wins)."""
        self.set_reactive(RepoProgress.fetched, event.fetched)
        self.set_reactive(RepoProgress.total, event.total)
        self.set_reactive(RepoProgress.ai_found, event.ai_found)
        self.set_reactive(RepoProgress.message, event.message)
        self.set_reactive(RepoProgress.paused_until, event.paused_until)
        self.stage = event.stage  # its watcher toggles the class and the countdown
        self._changed()

    def mark_failed(self, reason: str) -> None:
        self.mark(Stage.FAILED, reason)

    def mark(self, stage: Stage, reason: str) -> None:
        """Show ``stage`` with ``reason`` under it, the counts kept."""
        self.set_reactive(RepoProgress.message, reason)
        self.stage = stage
        self._changed()

    @property
    def failed(self) -> bool:
        return self.stage is Stage.FAILED

    def watch_stage(self, old: Stage, new: Stage) -> None:
        self.remove_class(f"-{old.value}")
        self.add_class(f"-{new.value}")
        if new in WAITING_STAGES and self._countdown is None:
            self._countdown = self.set_interval(1.0, self.refresh)
        elif new not in WAITING_STAGES and self._countdown is not None:
            self._countdown.stop()
            self._countdown = None

    def _watch_fetched(self) -> None:
        self._changed()

    def _watch_total(self) -> None:
        self._changed()

    def _changed(self) -> None:
        # A layout pass only when the detail line changes (it may wrap to more lines): progress alone
        # repaints this row and nothing else.
        detail = self._detail().plain
        self.refresh(layout=detail != self._shown_detail)
        self._shown_detail = detail

    def render(self) -> Content:
        width = max(40, self.content_size.width or 80)
        room = width - (COUNTS + AI + STATUS + MIN_BAR + 2)
        name_width = max(MIN_NAME, min(MAX_NAME, self.name_width, room))
        bar_width = max(MIN_BAR, width - name_width - COUNTS - AI - STATUS - 2)
        total = self.expected
        name = self.label if len(self.label) <= name_width else self.label[: name_width - 1] + "…"
        row = Content.assemble(
            f"{name:<{name_width}} ",
            self._bar(bar_width, total),
            (f"{f'{self.shown:,}/{total:,} PRs':>{COUNTS}}", ""),
            (f"{f'AI {self.ai_found:,}' if self.ai_found else '':>{AI}}", "$text-accent"),
            (f"  {self._status():<{STATUS - 2}}", STAGE_STYLES[self.stage]),
        )
        detail = self._detail()
        if not detail.plain:
            return row
        # Wrapped here, so a long reason keeps its indent on every line.
        return Content("\n").join([row, *(Content.assemble("  ", line) for line in detail.wrap(width - 2))])

    def _bar(self, width: int, total: int) -> Content:
        fraction = 1.0 if self.stage is Stage.DONE else min(1.0, self.shown / total) if total > 0 else 0.0
        full, half = divmod(round(fraction * width * 2), 2)
        done = "━" * full + ("╸" if half else "")
        rest = "━" * (width - len(done))
        return Content.assemble((done, BAR_STYLES.get(self.stage, "$primary")), (rest, "$foreground 15%"), " ")

    def _status(self) -> str:
        remaining = self._remaining()
        if self.stage in WAITING_STAGES and remaining is not None:
            # Short forms, so the countdown fits the column at 80 columns.
            word = "paused" if self.stage is Stage.PAUSED else "retry"
            return f"{STAGE_ICONS[self.stage]} {word} {clock(remaining)}"
        if self.stage is Stage.FETCHING and self.base and self.base >= self.expected:
            return f"{STAGE_ICONS[self.stage]} refreshing"  # all stored: fetching what changed
        return f"{STAGE_ICONS[self.stage]} {STAGE_WORDS[self.stage]}"

    def _remaining(self) -> float | None:
        if self.paused_until is None:
            return None
        return max(0.0, (self.paused_until - self._now()).total_seconds())

    def _detail(self) -> Content:
        """The second line: why this repo waits, failed or stopped (empty otherwise)."""
        message = clean(self.message, limit=240)
        remaining = self._remaining()
        if self.stage is Stage.PAUSED and message.startswith(SLOW_DOWN):
            return Content.styled(f"{message}. Nothing is lost while it waits.", "$text-warning")
        if self.stage is Stage.PAUSED:
            when = f" (at {self.paused_until:%H:%M} UTC)" if self.paused_until else ""
            left = f"resumes in {clock(remaining)}{when}" if remaining is not None else "waiting for GitHub"
            return Content.styled(
                f"GitHub rate limit reached: {left}. Nothing is lost while it waits.", "$text-warning"
            )
        if self.stage is Stage.RETRYING:
            text = f"{message} (next try in {clock(remaining)})" if remaining is not None else message
            return Content.styled(text, "$text-warning")
        if self.stage is Stage.FAILED:
            return Content.styled(f"{message or 'failed'} · press r to retry this repo", "$text-error")
        if self.stage is Stage.CANCELLED:
            return Content.styled(message, "$text-muted")
        return Content("")
