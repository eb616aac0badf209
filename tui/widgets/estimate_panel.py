"""The pre-flight estimate under the repo list: PRs, GitHub points, time, LLM tokens and cost."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tformance.core.workspace import Estimate, rough_duration

from ..formatting import count, dollars


def describe_estimate(estimate: Estimate, points_left: int | None, counting: bool) -> Content:
    if not estimate.repos:
        return Content.styled("Select at least one repository to continue.", "$text-warning")
    parts: list[str | tuple[str, str]] = [("Estimate ", "bold"), (count(estimate.prs), "bold"), " PRs"]
    if estimate.unknown:
        parts.append((f" (+{estimate.unknown} repos not counted{' yet' if counting else ''})", "$text-muted"))
    points = f"~{count(estimate.api_points)}"
    if points_left is not None:
        points += f" of {count(points_left)}"
    parts += [f" · {points} GitHub points · {rough_duration(estimate.seconds)}"]
    parts += [("\nLLM ", "bold"), f"~{_tokens(estimate.llm_tokens)} tokens ≈ {dollars(estimate.llm_dollars)}"]
    parts.append(("  estimates: the sync counts exactly", "$text-muted"))
    parts += [
        ("\nTo the LLM ", "bold"),
        "titles, descriptions, commit subjects, labels; never code",
        (" (^d: details)", "$text-muted"),
    ]
    if points_left is not None and estimate.api_points > points_left:
        parts.append(
            ("\n⚠ more points than are left this hour: the sync will pause until GitHub resets", "$text-warning")
        )
    return Content.assemble(*parts)


def _tokens(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if value >= 1_000:
        return f"{value / 1_000:.0f} k"
    return str(value)


class EstimatePanel(Static):
    DEFAULT_CSS = """
    EstimatePanel { height: auto; padding: 0 1; }
    """

    def show(self, estimate: Estimate, points_left: int | None, counting: bool) -> None:
        self.update(describe_estimate(estimate, points_left, counting))
