"""The one pre-flight estimate of a sync: GitHub API points and minutes, and the LLM's cost.

The repository picker, the sync screen, ``tformance sync`` and ``tformance sync --dry-run`` all
call :func:`estimate` with the pace of the services they run on (:meth:`Services.pace`), so they
print the same figures for the same repositories.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from tformance.core.llm.cost import estimate_llm_cost
from tformance.core.settings import DEFAULT_LLM_MODEL, DEFAULT_MAX_IN_FLIGHT, DEFAULT_PAGE_SIZE

# Rough figures for GitHub, from the benchmark against GitHub-like latency.
SECONDS_PER_REQUEST = 1.0
SECONDS_PER_PR = 0.02
# A page costs the requests needed to fill its connections, /100 (GitHub's rule): the PR page
# itself plus each PR's nested reviews, commits and labels.
NESTED_CONNECTIONS_PER_PR = 3
# GitHub allows 60 s of server time per 60 s of real time: the first minute's worth can be spent
# at once, the rest no faster than real time.
SERVER_TIME_BUDGET = 60.0


def points_per_page(page_size: int) -> int:
    """GitHub's cost of one PR page with its nested connections (at least 1 point)."""
    return max(1, math.ceil((1 + NESTED_CONNECTIONS_PER_PR * page_size) / 100))


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

    Every repo costs at least one page. The time assumes ``pace.concurrency`` requests in parallel,
    and no less than GitHub's server-time budget allows for the server time the pages need.
    The LLM figures are ``core.llm_cost``'s for ``model``.
    """
    counts = list(pr_counts)
    known = [value for value in counts if value is not None]
    prs = sum(known)
    pages = sum(math.ceil(value / pace.page_size) or 1 for value in known) + (len(counts) - len(known))
    parallel = max(1, min(pace.concurrency, len(counts) or 1))
    server_seconds = pages * pace.seconds_per_request + prs * pace.seconds_per_pr
    seconds = max(server_seconds / parallel, server_seconds - SERVER_TIME_BUDGET)
    tokens, dollars = estimate_llm_cost(prs, model)
    return Estimate(
        repos=len(counts),
        prs=prs,
        unknown=len(counts) - len(known),
        api_points=pages * points_per_page(pace.page_size),
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
