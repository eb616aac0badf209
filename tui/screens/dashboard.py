"""Step 4: the dashboard, from the workspace's report: stat cards, charts, tables and the PR list.

The report is computed on the workspace's database thread. While LLM enrichment is pending the screen says
how much; as the LLM stage reports progress (``EnrichmentUpdated``) it recomputes the report, at
most every few seconds, and once more when the stage ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Select, Static, TabbedContent, TabPane

from tformance.core.events import Notice
from tformance.core.metrics.types import PRRow, ReportFilter, TeamReport, WeekCount
from tformance.core.reports.wording import bots_note, describe_cycle_difference
from tformance.core.workspace import Workspace, display_name

from ..formatting import ago, count, hours, percent, plural
from ..messages import EnrichmentUpdated, ReportLoaded, ShowRepoPicker, StartSync
from ..safe_text import clean
from ..widgets.ai_glance import AIGlance
from ..widgets.app_header import AppHeader
from ..widgets.charts import CycleTimeChart
from ..widgets.column_chart import AIShareChart, WeeklyMergedChart
from ..widgets.pr_list import PRList
from ..widgets.report_tables import (
    AUTHOR_GIVE_WAY,
    REPO_GIVE_WAY,
    fill_comparison_table,
    show_author_table,
    show_repo_table,
)
from ..widgets.sortable_table import SortableTable
from ..widgets.stat_card import StatCard
from .pr_detail import PullRequestScreen

ENRICHMENT_RELOAD_SECONDS = 3.0  # while summaries arrive, the figures are recomputed at most this often


PERIODS = (("30 days", "30d"), ("90 days", "90d"), ("12 months", "12m"), ("All", "all"))
TABS = Binding.Group("Tabs", compact=True)


def period_start(period: str, today: date) -> date | None:
    """The first day a period covers, ending ``today`` (None: everything stored)."""
    if period == "30d":
        return today - timedelta(days=29)
    if period == "90d":
        return today - timedelta(days=89)
    if period == "12m":
        return today - relativedelta(months=12) + timedelta(days=1)
    return None


def _weeks_before(weeks: tuple[WeekCount, ...], start: datetime | None) -> int:
    """How many leading weeks begin before ``start`` (they are missing data, not quiet weeks)."""
    if start is None:
        return 0
    return sum(1 for week in weeks if date.fromisoformat(f"{week.week}-1") < start.date())


def _months_before(months: tuple[str, ...], start: datetime | None) -> int:
    return 0 if start is None else sum(1 for month in months if month < f"{start:%Y-%m}")


def _per_week(value: float | None) -> str:
    """``12/wk lately``, ``2.5/wk lately``: whole numbers from 10 up, so it fits a card at 80 columns."""
    if value is None:
        return ""
    return f"{value:.0f}/wk lately" if value >= 10 else f"{value:.1f}/wk lately"


class DashboardScreen(Screen[None]):
    BINDINGS = [
        Binding("s", "resync", "Re-sync", tooltip="Fetch what changed since the last sync"),
        Binding("c", "choose", "Repositories", tooltip="Choose which repositories to track"),
        Binding("ctrl+r", "reload", "Reload", show=False, tooltip="Recompute the figures from the database"),
        Binding(
            "p", "next_period", "Period", tooltip="Show the last 30 days, 90 days, 12 months or all", id="dash.period"
        ),
        Binding("slash", "filter", "Filter", show=False, tooltip="Filter the pull requests", id="dash.filter"),
        Binding("left", "switch_tab(-1)", "Tabs", key_display="←", priority=True, group=TABS, id="dash.tab_left"),
        Binding("right", "switch_tab(1)", "Tabs", key_display="→", priority=True, group=TABS, id="dash.tab_right"),
        Binding("1", "tab('overview')", "Overview", show=False),
        Binding("2", "tab('ai')", "AI", show=False),
        Binding("3", "tab('repos')", "Repos", show=False),
        Binding("4", "tab('people')", "People", show=False),
        Binding("5", "tab('prs')", "PRs", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Callable[[], datetime],
        tracked_repos: Iterable[str] = (),
        period: str = "all",
    ) -> None:
        """``tracked_repos``: what a re-sync syncs until the report lists the repositories."""
        super().__init__()
        self.workspace = workspace
        self.period = period
        self._clock = clock
        self._tracked = tuple(tracked_repos)
        self._drilled = False
        self.synced_from: datetime | None = None  # set while a sync is unfinished
        self.report: TeamReport | None = None
        self.pending = 0
        self._last_load = 0.0  # time.monotonic() of the last recompute
        self._reload_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="dash-top"):
            yield Static(Content.styled("Computing your team's figures…", "$text-muted"), id="dash-summary")
            yield Select(PERIODS, value=self.period, allow_blank=False, compact=True, id="dash-period")
        yield Static(id="dash-banner")
        with TabbedContent(id="dash-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                yield Static(id="dash-empty")
                with Grid(id="dash-cards"):
                    yield StatCard("PRs", id="card-prs")
                    yield StatCard("Merged", id="card-merged")
                    yield StatCard("Cycle time", id="card-cycle")
                    yield StatCard("1st review", id="card-review")
                    yield StatCard("AI-assisted", id="card-ai")
                    yield StatCard("No review", id="card-unreviewed")
                with Horizontal(id="dash-trends", classes="dash-charts"):
                    yield WeeklyMergedChart("Merged PRs per week", id="chart-weekly")
                    yield CycleTimeChart("Cycle time trend (hours)", id="chart-cycle")
                yield AIGlance(id="dash-glance")
            with TabPane("AI", id="ai"), VerticalScroll():
                with Horizontal(classes="dash-charts"):
                    yield AIShareChart("AI-assisted share by month", id="chart-ai")
                    yield Static(id="dash-tools")
                yield Static(id="dash-comparison-note", classes="dash-note")
                yield DataTable(id="dash-comparison", cursor_type="none", zebra_stripes=True)
            with TabPane("Repositories", id="repos"):
                yield SortableTable(give_way=REPO_GIVE_WAY, id="dash-repos")
            with TabPane("People", id="people"):
                yield SortableTable(give_way=AUTHOR_GIVE_WAY, id="dash-people")
            with TabPane("Pull requests", id="prs"):
                yield PRList(id="dash-prs")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dash-banner").display = False
        self.load()

    @work(exclusive=True, group="report", exit_on_error=False, description="Computing the report")
    async def load(self) -> None:
        self._last_load = time.monotonic()
        now = self._clock()
        filters = ReportFilter(since=period_start(self.period, now.date()))
        report = await self.workspace.report(filters, now=now)
        prs = await self.workspace.pull_requests(filters)
        self.synced_from = await self.workspace.synced_from()
        self.pending = report.health.pending_enrichment
        self.show_report(report, prs)
        self.post_message(ReportLoaded(report))

    def show_report(self, report: TeamReport, prs: list[PRRow]) -> None:
        self.report = report
        now = self._clock()
        with self.app.batch_update():
            self._summary(report, now)
            self._banner(report)
            self._cards(report)
            start = self.synced_from
            weekly = report.weekly_merged
            self.query_one(WeeklyMergedChart).show(weekly, unsynced=_weeks_before(weekly, start))
            cycle = report.cycle_time_by_month
            months = tuple(month.month for month in cycle)
            self.query_one(CycleTimeChart).show(cycle, unsynced=_months_before(months, start))
            months = tuple(month.month for month in report.ai_by_month)
            self.query_one(AIShareChart).show(report.ai_by_month, unsynced=_months_before(months, start))
            self._tools(report)
            self.query_one(AIGlance).show(report)
            fill_comparison_table(self.query_one("#dash-comparison", DataTable), report.ai_vs_human)
            show_repo_table(self.query_one("#dash-repos", SortableTable), report.repos, now)
            show_author_table(self.query_one("#dash-people", SortableTable), report.authors, report.bots)
            self.query_one(PRList).show(prs)

    def _summary(self, report: TeamReport, now: datetime) -> None:
        owners = sorted({row.name.partition("/")[0] for row in report.repos})
        synced = max((row.last_synced_at for row in report.repos if row.last_synced_at), default=None)
        who = ", ".join(owners[:2]) + (f" +{len(owners) - 2}" if len(owners) > 2 else "")
        org = (clean(who or "No repositories"), "bold")
        repos = f" · {plural(len(report.repos), 'repo')}"
        since = f" since {report.period_start:%d %b %Y}" if report.period_start else ""
        counted = f" · {count(report.totals.prs)} PRs"
        prs = counted + since
        fresh = (f" · synced {ago(synced, now)}" if synced else " · not fully synced yet", "$text-muted")
        bots = (f" · {bots_note(report)}", "$text-muted") if report.bots_left_out else ""
        summary = self.query_one("#dash-summary", Static)
        room = summary.content_size.width or self.size.width - 15
        # Beside the period selector on a narrow terminal, what the figures count outlasts their age and range.
        for parts in ((org, repos, prs, fresh, bots), (org, prs, fresh, bots), (org, prs, bots), (org, counted, bots)):
            line = Content.assemble(*(part for part in parts if part))
            if line.cell_length <= room:
                break
        summary.update(line)

    def _banner(self, report: TeamReport) -> None:
        health = report.health
        lines: list[Content] = []
        if health.pending_enrichment:
            lines.append(
                Content.styled(
                    f"✦ AI summaries pending for {count(health.pending_enrichment)} of {count(report.totals.prs)} PRs"
                    " (signature verdicts shown meanwhile)",
                    "$text-accent",
                )
            )
        for failure in health.failed_repos:
            reason = clean(failure.error or "unknown error", limit=120)
            lines.append(
                Content.styled(
                    f"⚠ {clean(failure.name)} failed to sync: {reason}. Press s to re-sync.", "$text-warning"
                )
            )
        if health.incomplete_repos:
            names = ", ".join(clean(name) for name in health.incomplete_repos[:3])
            more = f" +{len(health.incomplete_repos) - 3}" if len(health.incomplete_repos) > 3 else ""
            since = f" (history from {self.synced_from:%d %b %Y} so far)" if self.synced_from else ""
            lines.append(
                Content.styled(f"⚠ Not fully synced yet: {names}{more}{since}. Press s to resume.", "$text-warning")
            )
        banner = self.query_one("#dash-banner", Static)
        banner.display = bool(lines)
        banner.update(Content("\n").join(lines))

    def _cards(self, report: TeamReport) -> None:
        totals = report.headline  # automation bots left out, as the summary line says
        empty = self.query_one("#dash-empty", Static)
        empty.display = not report.has_data
        if not report.has_data:
            empty.update(
                Content.assemble(
                    ("No pull requests in the synced window yet.", "bold"),
                    "\nPress c to choose more repositories, or s to re-sync.",
                )
            )
        weeks = [week.count for week in report.weekly_merged]
        per_week = sum(weeks[-4:]) / 4 if len(weeks) >= 4 else None
        cards = {
            "#card-prs": (count(totals.prs), f"{count(totals.open)} open"),
            "#card-merged": (count(totals.merged), _per_week(per_week)),
            "#card-cycle": (hours(totals.cycle_time_hours.median), f"p90 {hours(totals.cycle_time_hours.p90)}"),
            "#card-review": (
                hours(totals.time_to_first_review_hours.median),
                f"p90 {hours(totals.time_to_first_review_hours.p90)}",
            ),
            "#card-ai": (percent(totals.ai_share), f"{count(totals.ai_assisted)} PRs"),
            "#card-unreviewed": (
                percent(totals.merged_without_review_share),
                f"{count(totals.merged_without_review)} merged",
            ),
        }
        for selector, (value, detail) in cards.items():
            self.query_one(selector, StatCard).show(value, detail)

    def _tools(self, report: TeamReport) -> None:
        tools = report.ai_by_tool
        if not tools:
            self.query_one("#dash-tools", Static).update(Content.styled("No AI-assisted PRs found.", "$text-muted"))
            return
        top = max(tool.prs for tool in tools)
        width = 18
        lines = [Content.styled("AI-assisted PRs by tool", "bold")]
        for tool in tools[:8]:
            bar = "█" * max(1, round(tool.prs / top * width))
            lines.append(
                Content.assemble(
                    (f"{clean(display_name(tool.tool), limit=14):<14} ", ""),
                    (bar, "$text-accent"),
                    (f" {count(tool.prs)}", ""),
                )
            )
        self.query_one("#dash-tools", Static).update(Content("\n").join(lines))
        comparison = report.ai_vs_human
        note = "AI-assisted PRs against PRs by people without AI"
        if comparison.automation_prs_excluded:
            note += f" ({count(comparison.automation_prs_excluded)} automation-bot PRs left out)"
        verdict = describe_cycle_difference(comparison.cycle_time_difference)
        self.query_one("#dash-comparison-note", Static).update(
            Content.assemble((verdict, "bold"), "\n", (note, "$text-muted"))
        )

    @on(EnrichmentUpdated)
    def _enrichment_moved(self, message: EnrichmentUpdated) -> None:
        """Summaries arrived: recompute while the report shows some pending, and once the stage ends."""
        if isinstance(message.event, Notice) or not self.pending:
            return
        if not message.running:
            self._reload_now()
        elif self._reload_timer is None:
            wait = self._last_load + ENRICHMENT_RELOAD_SECONDS - time.monotonic()
            self._reload_timer = self.set_timer(max(0.0, wait), self._reload_now)

    def _reload_now(self) -> None:
        if self._reload_timer is not None:
            self._reload_timer.stop()
            self._reload_timer = None
        self.load()

    @on(PRList.Opened)
    def _open_pr(self, message: PRList.Opened) -> None:
        self.app.push_screen(PullRequestScreen(self.workspace, message.repo, message.number))

    @on(TabbedContent.TabActivated, "#dash-tabs")
    def _tab_opened(self, event: TabbedContent.TabActivated) -> None:
        # The tab's list takes the keys at once: on the PR list, typing types into its filter.
        pane = event.pane.id
        if pane == "prs":
            prs = self.query_one(PRList)
            prs.focus_list() if self._drilled else prs.focus_filter()
            self._drilled = False
        elif pane in ("repos", "people"):
            self.query_one(f"#dash-{pane}", SortableTable).focus()

    @on(DataTable.RowSelected, "#dash-repos")
    def _drill_into_repo(self, event: DataTable.RowSelected) -> None:
        self._show_prs(f"repo:{event.row_key.value}")

    @on(DataTable.RowSelected, "#dash-people")
    def _drill_into_person(self, event: DataTable.RowSelected) -> None:
        login = str(event.row_key.value).partition(":")[2]
        self._show_prs(f"author:{login}")

    def _show_prs(self, filter_text: str) -> None:
        """The PR list, filtered to what was picked (the filter shows it and can be edited or cleared)."""
        self.query_one(PRList).set_filter(filter_text)
        self._drilled = True  # the list takes the keys: Enter opens a PR, digits and arrows switch tabs
        self.action_tab("prs")

    @on(Select.Changed, "#dash-period")
    def _period_chosen(self, event: Select.Changed) -> None:
        if event.value != self.period and isinstance(event.value, str):
            self.period = event.value
            self.load()

    def action_next_period(self) -> None:
        values = [value for _, value in PERIODS]
        self.query_one("#dash-period", Select).value = values[(values.index(self.period) + 1) % len(values)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_tab":
            # Arrows move the cursor of an input, and of the period list while it is open.
            focused = self.focused
            if focused is None:
                return True
            chain = focused.ancestors_with_self
            return not isinstance(focused, Input) and not any(isinstance(n, Select) and n.expanded for n in chain)
        return True

    def action_switch_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        if tabs.active in panes:
            tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]

    def action_filter(self) -> None:
        self.action_tab("prs")
        self.query_one(PRList).focus_filter()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_reload(self) -> None:
        self.load()

    def action_resync(self) -> None:
        repos = [row.name for row in self.report.repos] if self.report else list(self._tracked)
        self.post_message(StartSync(repos) if repos else ShowRepoPicker())

    def action_choose(self) -> None:
        self.post_message(ShowRepoPicker())
