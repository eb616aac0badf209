"""Planning a repository's backfill as created-date slices fetched at once.

A repository's pages come one after another (each needs the cursor of the one before), so a big
repository bounds the sync. Cut its window by creation date into slices, though, and each slice is
an independent search (``repo:o/r is:pr created:A..B``) paged on its own. Slices are sized from
cheap per-month counts to about one page each, far under search's 1,000-result cap. The newest slice is
walked with ``pullRequests`` instead: the search index lags most there, and the walk stores the
first page fastest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

SEARCH_CAP = 1000  # GitHub's search never serves more results than this, whatever issueCount says
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


def plan_slices(months: list[Month], target: int, now: datetime) -> list[tuple[datetime, datetime | None, str]]:
    """Cut the window (months newest first) into slices of about ``target`` PRs: ``(start, end, method)``.

    Inside a month PRs are taken as evenly spread, so a cut may fall mid-month; each slice is
    verified against its own count afterwards, so a wrong guess costs a page, never a PR. The
    newest slice is walked, the rest searched.
    """
    cuts: list[datetime] = []  # slice boundaries from the newest back
    held = 0  # PRs in the slice being filled
    for month in months:
        end = month.end or now
        taken = 0
        while held + month.count - taken > target and end > month.start:
            taken += target - held
            cut = (end - (end - month.start) * (taken / month.count)).replace(microsecond=0)
            if cut <= month.start or (cuts and cut >= cuts[-1]):
                break
            cuts.append(cut)
            held = 0
        held += month.count - taken
    oldest = months[-1].start if months else now
    ends: list[datetime | None] = [None, *cuts]
    starts = [*cuts, oldest]
    return [
        (start, end, WALK if index == 0 else SEARCH)
        for index, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]
