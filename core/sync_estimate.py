"""The one pre-flight estimate of a sync: GitHub API points and minutes, and the LLM's cost.

The repository picker, the sync screen, ``tformance sync`` and ``tformance sync --dry-run`` all
call :func:`estimate` with the pace of the services they run on (:meth:`Services.pace`), so they
print the same figures for the same repositories.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .llm_cost import estimate_llm_cost
from .settings import DEFAULT_LLM_MODEL, DEFAULT_MAX_IN_FLIGHT, DEFAULT_PAGE_SIZE

# Rough figures for GitHub, from the benchmark against GitHub-like latency.
SECONDS_PER_REQUEST = 1.0
SECONDS_PER_PR = 0.02
POINTS_PER_PAGE = 2  # 1 + 3 nested connections per PR, /100, rounded up at 50 PRs a page


@dataclass(frozen=True)
class Pace:
    """How long one request and each PR in it take (GitHub's figures, or the demo's), the
    repositories synced at once, and the PRs per page (``Settings.page_size``)."""

    seconds_per_request: float = SECONDS_PER_REQUEST
    seconds_per_pr: float = SECONDS_PER_PR
    concurrency: int = DEFAULT_MAX_IN_FLIGHT
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class Estimate:
    repos: int
    prs: int
    unknown: int  # selected repos whose PR count is not known yet
    api_points: int
    seconds: float
    llm_tokens: int
    llm_dollars: float


def estimate(pr_counts: Iterable[int | None], pace: Pace, model: str = DEFAULT_LLM_MODEL) -> Estimate:
    """What syncing repos with these PR counts (None: not counted yet) will roughly cost.

    Every repo costs at least one page. The time assumes ``pace.concurrency`` repos in parallel.
    The LLM figures are ``core.llm_cost``'s for ``model``.
    """
    counts = list(pr_counts)
    known = [value for value in counts if value is not None]
    prs = sum(known)
    pages = sum(math.ceil(value / pace.page_size) or 1 for value in known) + (len(counts) - len(known))
    parallel = max(1, min(pace.concurrency, len(counts) or 1))
    seconds = (pages * pace.seconds_per_request + prs * pace.seconds_per_pr) / parallel
    tokens, dollars = estimate_llm_cost(prs, model)
    return Estimate(
        repos=len(counts),
        prs=prs,
        unknown=len(counts) - len(known),
        api_points=pages * POINTS_PER_PAGE,
        seconds=seconds,
        llm_tokens=tokens,
        llm_dollars=dollars,
    )


def rough_duration(seconds: float) -> str:
    """A duration for an estimate: ``a few seconds``, ``under a minute``, ``about 4 min``, ``about 2.0 h``."""
    if seconds < 20:
        return "a few seconds"
    if seconds < 60:
        return "under a minute"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"
