"""The pre-flight estimate the repo picker shows while the selection changes."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.llm_cost import estimate_llm_cost
from ..core.settings import DEFAULT_LLM_MODEL
from ..core.sync_service import POINTS_PER_PAGE, SECONDS_PER_PR, SECONDS_PER_REQUEST, SyncService


@dataclass(frozen=True)
class Pace:
    """How long one request and each PR in it take: GitHub's figures, or the demo's."""

    seconds_per_request: float = SECONDS_PER_REQUEST
    seconds_per_pr: float = SECONDS_PER_PR
    concurrency: int = SyncService.max_concurrent_repos  # the sync's own default, as its plan assumes
    page_size: int = SyncService.page_size


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
    The LLM figures are ``core.llm_cost``'s for ``model``, as ``tformance sync --dry-run`` gives them.
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
