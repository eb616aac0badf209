"""Percentiles and series of many PRs, read along the ordered metrics indexes.

No row per PR reaches Python: the value at a rank within a group is a seek and a walk along an
index that keeps the group's values in order (``ORDER BY value LIMIT 2 OFFSET rank``, from the
nearer end); series and size buckets are GROUP BYs and counts along ordered indexes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import peewee as pw

from tformance.core.detection.verdict import ai_condition, human_condition, people_condition
from tformance.core.metrics.cells import AI, HUMAN, METRICS, NO_DATA, PEOPLE, SECONDS_PER_HOUR, GroupCells, Scan
from tformance.core.metrics.median_difference import RankedSample, band
from tformance.core.metrics.selection import (
    INT_MARK,
    LIMIT_MARK,
    OFFSET_MARK,
    TEXT_MARK,
    Params,
    Statements,
    count_if,
    created_time,
    month_text,
    slot,
    with_conditions,
)
from tformance.core.metrics.types import SIZE_BUCKETS, Distribution
from tformance.core.store.models import PullRequest, db_proxy


def from_indexes(queries: Statements, groups: list[GroupCells], result: Scan) -> None:
    """Percentiles and series by walking the ordered indexes (many PRs selected)."""
    pr = PullRequest
    for name, column, counted, scale in METRICS:
        ranks = Ranks(getattr(pr, column), queries)
        for kind, key, group, _cells_of_group in groups:
            setattr(group, name, ranks.distribution(kind, key, getattr(group, counted), scale))
    cycles = Ranks(pr.cycle_seconds, queries)
    for side, group in ((AI, result.ai), (HUMAN, result.human)):
        first, size = band(group.with_cycle)
        values = cycles.values(side, None, first, descending=False, limit=size) if group.with_cycle else []
        result.cycle_samples[side] = RankedSample(group.with_cycle, first, tuple(values))
    result.size_buckets = size_bucket_counts(queries)
    merge_series(queries, result)
    creation_series(queries, result)


class Ranks:
    """Values of one column at given ranks within groups of the selected PRs.

    Each kind of group has a statement that seeks the group in an index ordered by the
    column and reads two neighbouring values at an offset, walking from the nearer end.
    Peewee builds it once, with stand-ins for the group and the offset; it then runs once per
    group and percentile, so SQLite prepares it once.
    """

    def __init__(self, column: pw.Field, queries: Statements) -> None:
        self.column = column
        self.queries = queries
        self._statements: dict[tuple[str, bool], tuple[str, Params, int | None, int, int]] = {}

    def distribution(self, kind: str, key: Any, count: int, scale: float | None) -> Distribution:
        """Median and p90 (divided by ``scale``) of the column's ``count`` values in a group."""
        if not count:
            return NO_DATA
        median, p90 = self._percentile(kind, key, count, 50), self._percentile(kind, key, count, 90)
        if scale is None or median is None or p90 is None:
            return Distribution(count, median, p90)
        return Distribution(count, median / scale, p90 / scale)

    def values(self, kind: str, key: Any, offset: int, descending: bool, limit: int = 2) -> list[float]:
        """Up to ``limit`` values of the group, from ``offset`` in ascending (or descending) order."""
        sql, params, group_slot, offset_slot, limit_slot = self._statement(kind, descending)
        params = list(params)
        params[offset_slot], params[limit_slot] = offset, limit
        if group_slot is not None:
            params[group_slot] = key
        return [row[0] for row in db_proxy.obj.execute_sql(sql, params).fetchall()]

    def _percentile(self, kind: str, key: Any, count: int, p: float) -> float | None:
        """As ``types.percentile`` over the group's sorted values, to the same float."""
        rank = (count - 1) * p / 100
        low = int(rank)
        high = min(low + 1, count - 1)
        if low <= count - 1 - high:
            found = self.values(kind, key, low, descending=False)
            lowest = found[0] if found else None
            highest = found[1] if high > low and len(found) > 1 else lowest
        else:
            found = self.values(kind, key, count - 1 - high, descending=True)
            highest = found[0] if found else None
            lowest = found[1] if high > low and len(found) > 1 else highest
        if lowest is None or highest is None:  # only if the data changed under a non-snapshot read
            return None
        return lowest + (highest - lowest) * (rank - low)

    def _statement(self, kind: str, descending: bool) -> tuple[str, Params, int | None, int, int]:
        statement = self._statements.get((kind, descending))
        if statement is None:
            sql, params = self.queries.sql(
                ("rank", self.column.name, kind, descending),
                lambda conditions: self._query(conditions, kind, descending),
                # Months are walked in their index whatever the filter (see ``scan``).
                walk=kind == "month",
            )
            mark = TEXT_MARK if kind == "author" else INT_MARK
            group_slot = slot(params, mark) if kind in ("repo", "author", "month") else None
            offset_slot, limit_slot = slot(params, OFFSET_MARK), slot(params, LIMIT_MARK)
            statement = self._statements[kind, descending] = (sql, params, group_slot, offset_slot, limit_slot)
        return statement

    def _query(self, conditions: list[pw.Expression], kind: str, descending: bool) -> pw.Query:
        pr, column = PullRequest, self.column
        where = [*conditions, column.is_null(False)]
        order = [column]
        groups: dict[str, pw.Field[Any]] = {"repo": pr.repo, "author": pr.author_login, "month": pr.merged_month}
        group = groups.get(kind)
        mark = TEXT_MARK if kind == "author" else INT_MARK
        if group is not None and not self.queries.filtered:
            # From the group's first (or last) row on, in (group, value) order: the offset is
            # below the group's count, so the walk ends inside the group, and a one-sided bound
            # spares SQLite a test of the group's other end on every row it walks. (With a
            # filter, the equality below keeps SQLite from preferring the filter's index.)
            where.append(group <= mark if descending else group >= mark)
            order.insert(0, group)
        elif group is not None:
            where.append(group == mark)
        elif kind == "ghost":
            where.append(pr.author_login.is_null())
        elif kind == AI:
            where.append(ai_condition())
        elif kind == HUMAN:
            where.append(human_condition())
        elif kind == PEOPLE:
            where.append(people_condition())
        order_by = [term.desc() if descending else term.asc() for term in order]
        return pr.select(column).where(*where).order_by(*order_by).limit(LIMIT_MARK).offset(OFFSET_MARK)


def size_bucket_counts(queries: Statements) -> tuple[int, ...]:
    """PRs per size bucket: a count per range of the size index."""
    pr = PullRequest
    counts = []
    lower = None
    for label, upper in SIZE_BUCKETS:

        def count(conditions: list[pw.Expression], lower: int | None = lower, upper: int | None = upper) -> pw.Query:
            where = [*conditions, pr.size_lines.is_null(False)]
            if lower is not None:
                where.append(pr.size_lines >= lower)
            if upper is not None:
                where.append(pr.size_lines < upper)
            return pr.select(pw.fn.COUNT(pw.SQL("*"))).where(*where)

        counts.append(queries.rows(("size", label), count, walk=True)[0][0])
        lower = upper
    return tuple(counts)


def merge_series(queries: Statements, result: Scan) -> None:
    """Merges per day, and cycle time per month of the merge."""
    pr = PullRequest

    def per_day(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pr.merged_day, pw.fn.COUNT(pw.SQL("*"))).where(*conditions, pr.merged_day.is_null(False))
        return query.group_by(pr.merged_day)

    result.merged_per_day = Counter(dict(queries.rows("merges per day", per_day, walk=True)))
    per_month: Counter[int] = Counter()
    for day, merges in result.merged_per_day.items():  # a merge day is set exactly when the cycle time is
        per_month[day // 100] += merges
    ranks = Ranks(pr.cycle_seconds, queries)
    result.cycle_by_month = {
        month_text(month): ranks.distribution("month", month, count, SECONDS_PER_HOUR)
        for month, count in sorted(per_month.items())
    }


def creation_series(queries: Statements, result: Scan) -> None:
    """PRs (and AI-assisted ones) per month of creation; the first and last creation times.

    A count per month: a walk along that month's range of the creation-day index.
    """
    pr = PullRequest

    def edge(descending: bool) -> Callable[[list[pw.Expression]], pw.Query]:
        order = pr.created_day.desc() if descending else pr.created_day.asc()
        return lambda conditions: with_conditions(pr.select(pr.created_day), conditions).order_by(order).limit(1)

    def per_month(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pw.fn.COUNT(pw.SQL("*")), count_if(ai_condition()))
        return query.where(*conditions, pr.created_day >= INT_MARK, pr.created_day <= OFFSET_MARK)

    first = queries.rows("first created", edge(False), walk=True)[0][0]
    last = queries.rows("last created", edge(True), walk=True)[0][0]
    sql, params = queries.sql("created per month", per_month, walk=True)
    start_slot, end_slot = slot(params, INT_MARK), slot(params, OFFSET_MARK)
    year, month = divmod(first // 100, 100)
    while year * 100 + month <= last // 100:
        params = list(params)
        params[start_slot], params[end_slot] = (year * 100 + month) * 100, (year * 100 + month) * 100 + 31
        prs, ai = db_proxy.obj.execute_sql(sql, params).fetchone()
        text = f"{year:04d}-{month:02d}"
        if ai:
            result.created_by_month[text, True] = ai
        if prs - (ai or 0):
            result.created_by_month[text, False] = prs - (ai or 0)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    result.first_created = created_time(queries.walk, first, pw.fn.MIN)
    result.last_created = created_time(queries.walk, last, pw.fn.MAX)
