"""Counts: one GROUP BY over the PRs' (repo, author, bot, LLM verdict, signatures) *cells*.

Read in the metrics index's order and summed here into the groups a report shows: each repo,
each author, the two sides of the AI comparison, the people (both sides) and the total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import peewee as pw

from tformance.core.detection.verdict import ai_verdict
from tformance.core.metrics.median_difference import RankedSample
from tformance.core.metrics.selection import ZERO, Row, Statements, count_if, with_conditions
from tformance.core.metrics.types import CLOSED, MERGED, Distribution
from tformance.core.store.models import EnrichmentStatus, PullRequest

SECONDS_PER_HOUR = 3600


NO_DATA = Distribution(0, None, None)


@dataclass
class Group:
    """The PRs of a repo, an author, one side of the AI comparison, or all of them."""

    prs: int = 0
    merged: int = 0
    closed_unmerged: int = 0
    reviews_on_merged: int = 0
    merged_without_review: int = 0
    pending_enrichment: int = 0
    failed_enrichment: int = 0
    with_cycle: int = 0  # PRs with a merge time
    with_review: int = 0  # PRs with a first review
    ai_assisted: int = 0
    is_bot: bool = False
    cycle_time_hours: Distribution = NO_DATA
    time_to_first_review_hours: Distribution = NO_DATA
    size_lines: Distribution = NO_DATA


@dataclass
class Scan:
    """The selected PRs reduced to the groups and series the report shows."""

    total: Group = field(default_factory=Group)
    repos: dict[int, Group] = field(default_factory=dict)
    authors: dict[str | None, Group] = field(default_factory=dict)  # in order of first appearance
    ai: Group = field(default_factory=Group)
    human: Group = field(default_factory=Group)
    people: Group = field(default_factory=Group)  # both sides: every PR but automation bots'
    automation_prs: int = 0  # bot PRs without AI: on neither side
    # Cycle times (seconds) of each side near its median, for the comparison's interval.
    cycle_samples: dict[str, RankedSample] = field(default_factory=dict)
    size_buckets: tuple[int, ...] = ()  # PRs per SIZE_BUCKETS entry
    merged_per_day: Counter[int] = field(default_factory=Counter)  # YYYYMMDD of the merge -> merges
    cycle_by_month: dict[str, Distribution] = field(default_factory=dict)  # YYYY-MM of the merge -> hours
    created_by_month: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (YYYY-MM, AI) -> PRs
    first_created: datetime | None = None
    last_created: datetime | None = None
    tools: Counter[str] = field(default_factory=Counter)  # AI-assisted PRs per tool


# A group of PRs with where it comes from: (kind of group, its key, the group, the indexes of its cells).
GroupCells = tuple[str, Any, "Group", Sequence[int]]

# ``cells_query``'s columns after the cell keys, in order; summed into Group fields of the same names.
_SUMS = (
    "prs",
    "merged",
    "closed_unmerged",
    "reviews_on_merged",
    "merged_without_review",
    "with_cycle",
    "with_review",
    "pending_enrichment",
    "failed_enrichment",
)


AI, HUMAN, AUTOMATION, PEOPLE = "ai", "human", "automation", "people"


METRICS = (
    ("size_lines", "size_lines", "prs", None),
    ("cycle_time_hours", "cycle_seconds", "with_cycle", SECONDS_PER_HOUR),
    ("time_to_first_review_hours", "first_review_seconds", "with_review", SECONDS_PER_HOUR),
)


def cell_keys() -> tuple[pw.Field, ...]:
    pr = PullRequest
    return (pr.repo, pr.author_login, pr.author_is_bot, pr.is_ai_assisted, pr.has_signatures)


def cells_query(conditions: list[pw.Expression]) -> pw.Query:
    """Counts per (repo, author, bot, LLM verdict, signatures), in the metrics index's order."""
    pr = PullRequest
    keys = cell_keys()
    query = pr.select(
        *keys,
        pw.fn.COUNT(pw.SQL("*")),
        count_if(pr.state == MERGED),
        count_if(pr.state == CLOSED),
        pw.fn.SUM(pw.Case(None, [(pr.merged_day.is_null(False), pr.review_count)], ZERO)),
        count_if(pr.merged_unreviewed == True),  # noqa: E712 (Peewee expression)
        pw.fn.COUNT(pr.cycle_seconds),
        pw.fn.COUNT(pr.first_review_seconds),
        # Enrichment is only counted in total. Without a filter the enrichment_status index
        # counts it far faster (``enrichment_count``); with one, here is cheapest.
        *(
            (
                count_if(pr.enrichment_status == EnrichmentStatus.PENDING),
                count_if(pr.enrichment_status == EnrichmentStatus.FAILED),
            )
            if conditions
            else (ZERO, ZERO)
        ),
    )
    return with_conditions(query, conditions).group_by(*keys).order_by(*keys)


def enrichment_count(queries: Statements, status: str) -> int:
    """PRs of every repo and author in an enrichment status (no filter: a count of the status's index range)."""
    pr = PullRequest
    rows = queries.rows(
        ("enrichment", status), lambda _: pr.select(pw.fn.COUNT(pw.SQL("*"))).where(pr.enrichment_status == status)
    )
    return int(rows[0][0])


def sum_groups(cells: list[Row], result: Scan) -> list[GroupCells]:
    """Sum the cells into ``result``'s groups; return (kind of group, key, group, its cells)."""
    columns = list(zip(*cells, strict=True))
    repos, logins, bots, llm, signatures = columns[:5]
    verdicts = list(map(ai_verdict, llm, signatures))
    sums = [*columns[5:], [prs if verdict else 0 for prs, verdict in zip(columns[5], verdicts, strict=True)]]
    by_author: dict[str | None, list[int]] = {}
    by_side: dict[str, list[int]] = {AI: [], HUMAN: [], AUTOMATION: []}
    for index, (login, is_bot, verdict) in enumerate(zip(logins, bots, verdicts, strict=True)):
        by_author.setdefault(login, []).append(index)
        by_side[AI if verdict else AUTOMATION if is_bot else HUMAN].append(index)

    def group(members: Sequence[int]) -> Group:
        if isinstance(members, range):  # adjacent cells: a slice
            pick: Callable[[Sequence[Any]], Sequence[Any]] = itemgetter(slice(members.start, members.stop))
        else:
            pick = itemgetter(*members) if len(members) > 1 else lambda column: (column[members[0]],)
        *totals, ai = (sum(pick(column)) for column in sums)
        return Group(**dict(zip(_SUMS, totals, strict=True)), ai_assisted=ai, is_bot=any(pick(bots)))

    everything = range(len(cells))
    result.total = group(everything)
    groups: list[GroupCells] = [("all", None, result.total, everything)]
    start = 0
    for repo_id, cells_of_repo in groupby(repos):  # the cells come ordered by repo
        repo_cells = range(start, start + len(list(cells_of_repo)))
        result.repos[repo_id] = group(repo_cells)
        groups.append(("repo", repo_id, result.repos[repo_id], repo_cells))
        start = repo_cells.stop
    for login, author_cells in by_author.items():
        result.authors[login] = group(author_cells)
        groups.append(("ghost" if login is None else "author", login, result.authors[login], author_cells))
    for side, members in by_side.items():
        current = group(members) if members else Group()
        if side == AUTOMATION:
            result.automation_prs = current.prs
        else:
            setattr(result, side, current)
            groups.append((side, None, current, members))
    people = sorted(by_side[AI] + by_side[HUMAN])
    result.people = group(people) if people else Group()
    groups.append((PEOPLE, None, result.people, people))
    return groups
