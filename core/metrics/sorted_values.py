"""Percentiles and series of few PRs: their values, read in the cells' order, sorted here."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, chain, compress, pairwise, repeat
from operator import floordiv, is_not, itemgetter

import peewee as pw

from tformance.core.detection.verdict import ai_verdict
from tformance.core.metrics.cells import AI, HUMAN, METRICS, SECONDS_PER_HOUR, GroupCells, Scan, cell_keys
from tformance.core.metrics.median_difference import RankedSample
from tformance.core.metrics.selection import Row, Statements, created_time, month_text, with_conditions
from tformance.core.metrics.types import SIZE_BUCKETS, Distribution, percentile
from tformance.core.store.models import PullRequest


def from_values(queries: Statements, cells: list[Row], groups: list[GroupCells], result: Scan) -> None:
    """Percentiles and series from the selected PRs' values, sorted here (few PRs selected).

    The values come in the cells' order, so each cell is the next ``prs`` rows.
    """
    pr = PullRequest

    def values(conditions: list[pw.Expression]) -> pw.Query:
        columns = (pr.size_lines, pr.cycle_seconds, pr.first_review_seconds, pr.created_day, pr.merged_day)
        return with_conditions(pr.select(*columns), conditions).order_by(*cell_keys())

    rows = queries.rows("values", values, walk=True)
    sizes, cycles, reviews, created_days, merged_days = (list(map(itemgetter(i), rows)) for i in range(5))
    ends = list(accumulate(cell[5] for cell in cells))
    starts = [0, *ends[:-1]]
    for name, column, _counted, scale in METRICS:
        present = {"size_lines": sizes, "cycle_seconds": cycles, "first_review_seconds": reviews}[column]
        if column != "size_lines":  # only the set values, and each cell's bounds among them
            kept = list(map(is_not, present, repeat(None)))
            present = list(compress(present, kept))
            before = [0, *accumulate(kept)]
            cell_starts, cell_ends = list(map(before.__getitem__, starts)), list(map(before.__getitem__, ends))
        else:
            cell_starts, cell_ends = starts, ends
        for kind, _key, group, members in groups:
            if kind == "all":
                ordered = sorted(present)
            elif kind == "repo":  # a repo's cells are adjacent
                ordered = sorted(present[cell_starts[members[0]] : cell_ends[members[-1]]])
            else:
                ordered = sorted(chain.from_iterable(present[cell_starts[i] : cell_ends[i]] for i in members))
            setattr(group, name, sorted_distribution(ordered, scale))
            if kind in (AI, HUMAN) and column == "cycle_seconds":
                result.cycle_samples[kind] = RankedSample(len(ordered), 0, tuple(ordered))
            if kind == "all" and column == "size_lines":
                below = [
                    0,
                    *(len(ordered) if upper is None else bisect_left(ordered, upper) for _, upper in SIZE_BUCKETS),
                ]
                result.size_buckets = tuple(high - low for low, high in pairwise(below))

    merged = list(map(is_not, merged_days, repeat(None)))  # set exactly when the cycle time is
    merge_days = list(compress(merged_days, merged))
    result.merged_per_day = Counter(merge_days)
    by_month: dict[int, list[float]] = {}
    for month, seconds in zip(map(floordiv, merge_days, repeat(100)), compress(cycles, merged), strict=True):
        by_month.setdefault(month, []).append(seconds)
    result.cycle_by_month = {
        month_text(month): sorted_distribution(sorted(seconds), SECONDS_PER_HOUR) for month, seconds in by_month.items()
    }
    months = list(map(floordiv, created_days, repeat(100)))
    ai = chain.from_iterable(
        map(repeat, map(ai_verdict, (c[3] for c in cells), (c[4] for c in cells)), (c[5] for c in cells))
    )
    ai_months = Counter(compress(months, ai))
    for month, prs in Counter(months).items():
        text = month_text(month)
        if ai_months[month]:
            result.created_by_month[text, True] = ai_months[month]
        if prs - ai_months[month]:
            result.created_by_month[text, False] = prs - ai_months[month]
    result.first_created = created_time(queries.walk, min(created_days), pw.fn.MIN)
    result.last_created = created_time(queries.walk, max(created_days), pw.fn.MAX)


def sorted_distribution(ordered: Sequence[float], scale: float | None) -> Distribution:
    """As ``types.distribution`` over already sorted values."""
    median, p90 = percentile(ordered, 50), percentile(ordered, 90)
    if scale is None or median is None or p90 is None:
        return Distribution(len(ordered), median, p90)
    return Distribution(len(ordered), median / scale, p90 / scale)
