"""Planning a repository's backfill as created-date slices fetched at once.

A repository's pages come one after another (each needs the cursor of the one before), so a big
repository bounds the sync. Cut its window by creation date into slices, though, and each slice is
an independent search (``repo:o/r is:pr created:A..B``) paged on its own. Slices are sized from
cheap per-month counts so each stays far under search's 1,000-result cap. The newest slice is
walked with ``pullRequests`` instead: the search index lags most there, and the walk stores the
first page fastest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

SEARCH_CAP = 1000  # GitHub's search never serves more results than this, whatever issueCount says
SLICE_SAFE = 900  # a slice planned above this is cut further (the count may have grown since)
WALK = "walk"
SEARCH = "search"


@dataclass(frozen=True)
class Month:
    start: datetime
    end: datetime | None  # None: up to now
    count: int


def month_bounds(since: datetime, now: datetime) -> list[tuple[datetime, datetime | None]]:
    """The window cut at month starts, newest first; the newest part is open-ended."""
    starts = [since]
    cursor = since.replace(day=1) + relativedelta(months=1)
    while cursor <= now:
        starts.append(cursor)
        cursor += relativedelta(months=1)
    ends: list[datetime | None] = [*starts[1:], None]
    return list(zip(starts, ends, strict=True))[::-1]


def created_query(full_name: str, start: datetime, end: datetime | None, *, sort: bool = False) -> str:
    """A search for the repo's PRs created in ``[start, end)``, to the second."""
    low = f"{start:%Y-%m-%dT%H:%M:%SZ}"
    high = "*" if end is None else f"{end - timedelta(seconds=1):%Y-%m-%dT%H:%M:%SZ}"
    text = f"repo:{full_name} is:pr created:{low}..{high}"
    return f"{text} sort:created-desc" if sort else text


def plan_slices(months: list[Month], target: int) -> list[tuple[datetime, datetime | None, str]]:
    """Group months (newest first) into slices of about ``target`` PRs: ``(start, end, method)``.

    A month over ``target`` is cut into equal spans (assuming an even spread; each slice is
    verified against its own count afterwards). The newest slice is walked, the rest searched.
    """
    slices: list[tuple[datetime, datetime | None]] = []
    group: list[Month] = []
    total = 0

    def close() -> None:
        nonlocal group, total
        if group:
            slices.append((group[-1].start, group[0].end))
        group, total = [], 0

    for month in months:
        if month.count > target and month.end is not None:
            close()
            pieces = -(-month.count // target)
            span = (month.end - month.start) / pieces
            for index in range(pieces, 0, -1):
                start = month.start + span * (index - 1)
                end = month.start + span * index if index < pieces else month.end
                slices.append((start.replace(microsecond=0), end.replace(microsecond=0)))
            continue
        if group and total + month.count > target:
            close()
        group.append(month)
        total += month.count
    close()
    return [(start, end, WALK if index == 0 else SEARCH) for index, (start, end) in enumerate(slices)]
