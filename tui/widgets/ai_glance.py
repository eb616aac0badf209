"""The Overview's bottom row, for a team lead's first look: AI-assisted PRs against the rest, and
how AI use grows and with which tools. The AI tab has the full table and charts."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from tformance.core.metrics.types import AIComparison, MonthAIShare, TeamReport, ToolCount
from tformance.core.reports.wording import describe_cycle_difference
from tformance.core.workspace import display_name

from ..formatting import count, percent, sparkline
from ..safe_text import clean
from .charts import MONTHS
from .report_tables import COMPARISON_ROWS

GLANCE_ROWS = ("Cycle time, median", "First review, median", "Size, median", "Merged without review")
LABEL, VALUE = 21, 12  # 45 cells: half of a 100-column terminal, its scrollbar and padding left out
TOP_TOOLS = 3
TOOL_NAME, TOOL_BAR = 14, 16


def describe_comparison(comparison: AIComparison) -> Content:
    """Four figures side by side: AI-assisted PRs and PRs by people without AI."""
    picks = dict(COMPARISON_ROWS)
    lines = [
        Content.assemble(
            (f"{'AI-assisted or not':<{LABEL}}", "bold"),
            (f"{'AI-assisted':>{VALUE}}{'Without AI':>{VALUE}}", "$text-muted"),
        )
    ]
    for label in GLANCE_ROWS:
        pick = picks[label]
        lines.append(Content(f"{label:<{LABEL}}{pick(comparison.ai):>{VALUE}}{pick(comparison.human):>{VALUE}}"))
    lines.append(Content.styled(describe_cycle_difference(comparison.cycle_time_difference, short=True), "italic"))
    return Content("\n").join(lines)


def describe_adoption(months: Sequence[MonthAIShare], tools: Sequence[ToolCount]) -> Content:
    """The AI share by month as a sparkline, first month to last, then the most used tools."""
    lines = [Content.styled("AI adoption", "bold")]
    shares = [month.share for month in months]
    known = [(month, month.share) for month in months if month.share is not None]
    if not tools or not known:
        lines.append(Content.styled("No AI-assisted PRs found yet.", "$text-muted"))
        return Content("\n").join(lines)
    (first, first_share), (last, last_share) = known[0], known[-1]
    lines.append(
        Content.assemble(
            (f"{_month(first.month)} ", "$text-muted"),
            (sparkline(shares), "$text-accent"),
            (f" {_month(last.month)}", "$text-muted"),
            f"  {percent(first_share)} → ",
            (percent(last_share), "bold"),
            (" of PRs", "$text-muted"),
        )
    )
    top = max(tool.prs for tool in tools)
    for tool in tools[:TOP_TOOLS]:
        bar = "█" * max(1, round(tool.prs / top * TOOL_BAR))
        name = clean(display_name(tool.tool), limit=TOOL_NAME)
        lines.append(Content.assemble(f"{name:<{TOOL_NAME}} ", (bar, "$text-accent"), f" {count(tool.prs)}"))
    return Content("\n").join(lines)


def _month(month: str) -> str:
    """``2025-03`` as ``Mar 25``."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year[2:]}"


class AIGlance(Horizontal):
    """Two panels side by side, under the Overview's charts."""

    DEFAULT_CSS = """
    AIGlance { height: auto; margin-top: 1; }
    AIGlance.-empty { display: none; }
    AIGlance > Static { width: 1fr; height: auto; padding: 0 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="glance-comparison")
        yield Static(id="glance-adoption")

    def show(self, report: TeamReport) -> None:
        # A class, not ``display``: an inline style would beat the app's rule for short terminals.
        self.set_class(not report.has_data, "-empty")
        self.query_one("#glance-comparison", Static).update(describe_comparison(report.ai_vs_human))
        self.query_one("#glance-adoption", Static).update(describe_adoption(report.ai_by_month, report.ai_by_tool))
