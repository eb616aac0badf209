"""Terminal progress for the headless sync: a bar per repo and an overall bar, drawn with rich."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from tformance.core.events import (
    SLOW_DOWN,
    EnrichmentProgress,
    EnrichmentStopped,
    Notice,
    OverallProgress,
    RepoProgress,
    Stage,
    SyncEvent,
    SyncFinished,
    SyncStarted,
)
from tformance.core.workspace import Estimate, format_cost, rough_duration

OVERALL = "__overall__"
ENRICHMENT = "__enrichment__"


def describe_stage(event: RepoProgress) -> str:
    """The status words shown beside a repo's bar."""
    if event.stage is Stage.PAUSED and event.message.startswith(SLOW_DOWN):
        return event.message
    if event.stage is Stage.PAUSED and event.paused_until is not None:
        return f"paused until {event.paused_until:%H:%M} UTC (rate limit)"
    if event.stage is Stage.RETRYING:
        return f"retrying: {event.message}"
    if event.stage is Stage.FAILED:
        return f"failed: {event.message}"
    return event.stage.value


class TerminalProgress:
    """An ``EventSink`` drawing rich progress bars. Text from GitHub is never read as markup."""

    def __init__(self, console: Console, estimate: Callable[[Iterable[int | None]], Estimate] | None = None) -> None:
        self.console = console
        self.estimate = estimate  # the sync's estimate: ``Workspace.estimate``, at the pace it runs
        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}", markup=False),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.progress.start()

    def stop(self) -> None:
        if self._started:
            self._started = False
            self.progress.stop()

    def __enter__(self) -> TerminalProgress:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __call__(self, event: SyncEvent) -> None:
        if isinstance(event, SyncStarted):
            left = "" if event.rate_limit_remaining is None else f", {event.rate_limit_remaining} left"
            line = f"{len(event.plans)} repositories, {event.total_prs} PRs to fetch"
            if self.estimate is not None:
                planned = self.estimate(plan.prs_to_fetch for plan in event.plans)
                line += f": about {planned.api_points} API points{left}, {rough_duration(planned.seconds)}"
            self.console.print(Text(line))
            self._tasks[OVERALL] = self.progress.add_task("overall", total=event.total_prs or 1, status="")
            width = max((len(plan.repo) for plan in event.plans), default=0)
            for plan in event.plans:
                self._tasks[plan.repo] = self.progress.add_task(
                    plan.repo.ljust(width), total=plan.prs_to_fetch or 1, status="waiting"
                )
        elif isinstance(event, RepoProgress) and event.repo in self._tasks:
            finished = event.stage in (Stage.DONE,)
            total = max(event.total, 1)
            self.progress.update(
                self._tasks[event.repo],
                completed=total if finished else event.fetched,
                total=total,
                status=describe_stage(event),
            )
        elif isinstance(event, OverallProgress) and OVERALL in self._tasks:
            total = max(event.total, 1)
            self.progress.update(
                self._tasks[OVERALL],
                completed=round(event.fraction * total),
                total=total,
                status=f"{event.repos_done}/{event.repos_total} repos done"
                + (f", {event.repos_failed} failed" if event.repos_failed else ""),
            )
        elif isinstance(event, EnrichmentProgress):
            done = event.enriched + event.failed
            if ENRICHMENT not in self._tasks:
                self._tasks[ENRICHMENT] = self.progress.add_task("AI summaries", total=1, status="")
            self.progress.update(
                self._tasks[ENRICHMENT],
                completed=done,
                total=max(done + event.pending, 1),
                status=format_cost(event.tokens_used, event.cost_usd),
            )
        elif isinstance(event, EnrichmentStopped):
            if ENRICHMENT not in self._tasks:
                self._tasks[ENRICHMENT] = self.progress.add_task("AI summaries", total=1, status="")
            self.progress.update(self._tasks[ENRICHMENT], status=f"stopped: {event.reason}")
        elif isinstance(event, Notice):
            self.console.print(Text(event.text, style="yellow" if event.level != "info" else ""))


def results_table(finished: SyncFinished) -> Table:
    table = Table(title="Sync results", title_justify="left")
    table.add_column("Repository")
    table.add_column("Status")
    table.add_column("PRs", justify="right")
    table.add_column("Reason")
    for result in finished.results:
        table.add_row(
            Text(result.repo),
            Text("synced", style="green") if result.success else Text("failed", style="red"),
            str(result.prs),
            Text(result.error or ""),
        )
    return table
