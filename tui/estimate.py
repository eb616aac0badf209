"""The pre-flight estimate the repo picker shows while the selection changes."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.sync_service import POINTS_PER_PAGE, SECONDS_PER_PR, SECONDS_PER_REQUEST

LLM_TOKENS_PER_PR = 600
LLM_DOLLARS_PER_MILLION_TOKENS = 0.10


@dataclass(frozen=True)
class Pace:
    """How long one request and each PR in it take: GitHub's figures, or the demo's."""

    seconds_per_request: float = SECONDS_PER_REQUEST
    seconds_per_pr: float = SECONDS_PER_PR
    concurrency: int = 6
    page_size: int = 50


@dataclass(frozen=True)
class Estimate:
    repos: int
    prs: int
    unknown: int  # selected repos whose PR count is not known yet
    api_points: int
    seconds: float
    llm_tokens: int
    llm_dollars: float


def estimate(pr_counts: Iterable[int | None], pace: Pace) -> Estimate:
    """What syncing repos with these PR counts (None: not counted yet) will roughly cost.

    Every repo costs at least one page. The time assumes ``pace.concurrency`` repos in parallel.
    """
    counts = list(pr_counts)
    known = [value for value in counts if value is not None]
    prs = sum(known)
    pages = sum(math.ceil(value / pace.page_size) or 1 for value in known) + (len(counts) - len(known))
    parallel = max(1, min(pace.concurrency, len(counts) or 1))
    seconds = (pages * pace.seconds_per_request + prs * pace.seconds_per_pr) / parallel
    tokens = prs * LLM_TOKENS_PER_PR
    return Estimate(
        repos=len(counts),
        prs=prs,
        unknown=len(counts) - len(known),
        api_points=pages * POINTS_PER_PAGE,
        seconds=seconds,
        llm_tokens=tokens,
        llm_dollars=tokens / 1_000_000 * LLM_DOLLARS_PER_MILLION_TOKENS,
    )
