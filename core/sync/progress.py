"""Every repo's stage and counts during a sync, and the events that report them.

A repo's stage goes waiting -> fetching (paused or retrying while GitHub asks us to wait) -> done,
failed or cancelled. Each change reaches the sink as a ``RepoProgress`` and an ``OverallProgress``;
each stored page as a ``PageStored``. A sink that raises is logged: it never fails the sync.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from tformance.core.events import (
    EventSink,
    Notice,
    OverallProgress,
    PageStored,
    RepoFinished,
    RepoPlan,
    RepoProgress,
    Stage,
    SyncEvent,
)
from tformance.core.github.transport import RateLimitState, WaitNotice
from tformance.core.store.models import Repository
from tformance.core.sync.slices import Month

log = logging.getLogger(__name__)


@dataclass
class RepoState:
    """One repo in this run: its row, its plan and what the run did so far."""

    repo: Repository
    plan: RepoPlan
    stage: Stage = Stage.WAITING
    fetched: int = 0
    stored: int = 0
    ai_found: int = 0
    message: str = ""
    paused_until: datetime | None = None
    months: list[Month] = field(default_factory=list)  # per-month counts, for slicing


class SyncProgress:
    """The run's repos by name, in priority order, and the sink their events go to."""

    def __init__(self, sink: EventSink, rate_limit: RateLimitState) -> None:
        self.sink = sink
        self.rate_limit = rate_limit  # the client's, read when each event is sent
        self.states: dict[str, RepoState] = {}
        self.started = time.monotonic()

    def emit(self, event: SyncEvent) -> None:
        try:
            self.sink(event)
        except Exception:
            log.exception("progress sink failed on %r", event)

    def page_stored(self, state: RepoState, prs: int) -> None:
        """A page of ``prs`` PRs (maybe none: a page of PRs the walk did not keep) is stored."""
        state.fetched += prs
        state.stored += prs  # an upper bound until the final count; refreshes may overwrite
        state.stage, state.message, state.paused_until = Stage.FETCHING, "", None
        self.progress(state)
        if prs:
            self.emit(PageStored(state.repo.full_name, prs))

    def finish(self, state: RepoState, *, success: bool, error: str | None = None) -> RepoFinished:
        result = RepoFinished(state.repo.full_name, success, state.stored, error)
        self.emit(result)
        self.overall()
        return result

    def on_wait(self, notice: WaitNotice) -> None:
        """The client is waiting (the listener the sync passes with each call)."""
        token_wide = notice.kind in ("rate_limit", "secondary")
        if token_wide:
            # Both limits are per token: every repo still fetching is paused.
            targets = [s for s in self.states.values() if s.stage in (Stage.FETCHING, Stage.RETRYING)]
        else:
            targets = [self.states[notice.label]] if notice.label in self.states else []
        if notice.kind == "secondary":
            self.emit(Notice(notice.reason, "warning"))  # "GitHub asked us to slow down: resuming at ..."
        stage = Stage.PAUSED if token_wide else Stage.RETRYING
        for state in targets:
            state.paused_until = notice.until
            self.set(state, stage, notice.reason)

    def set(self, state: RepoState, stage: Stage, message: str = "") -> None:
        state.stage, state.message = stage, message
        if stage not in (Stage.PAUSED, Stage.RETRYING):
            state.paused_until = None
        self.progress(state)

    def progress(self, state: RepoState) -> None:
        self.emit(
            RepoProgress(
                repo=state.repo.full_name,
                stage=state.stage,
                fetched=state.fetched,
                stored=state.stored,
                total=max(state.plan.prs_to_fetch, state.fetched),
                ai_found=state.ai_found,
                message=state.message,
                paused_until=state.paused_until,
            )
        )
        self.overall()

    def overall(self) -> None:
        states = list(self.states.values())
        fetched = sum(s.fetched for s in states)
        total = sum(max(s.plan.prs_to_fetch, s.fetched) for s in states)
        finished = {Stage.DONE, Stage.FAILED}
        # A failed repo counts as complete for the overall bar: nothing more will come from it.
        done_weight = sum(max(s.plan.prs_to_fetch, s.fetched) if s.stage in finished else s.fetched for s in states)
        fraction = 1.0 if total == 0 else min(1.0, done_weight / total)
        elapsed = time.monotonic() - self.started
        eta = None
        if 0 < fraction < 1 and elapsed > 0:
            eta = elapsed * (1 - fraction) / fraction
        self.emit(
            OverallProgress(
                fetched=fetched,
                total=total,
                fraction=fraction,
                eta_seconds=eta,
                rate_limit_remaining=self.rate_limit.remaining,
                repos_done=sum(s.stage == Stage.DONE for s in states),
                repos_failed=sum(s.stage == Stage.FAILED for s in states),
                repos_total=len(states),
            )
        )
