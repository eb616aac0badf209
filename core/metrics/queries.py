"""The SQL side of the metrics: which PRs a filter selects, and every figure about them.

No query reads the table rows, which carry the PR bodies: each is answered from one of
``models.METRICS_INDEXES`` alone, and reads the numbers the store derives once per PR
(``models.derived_columns``), so that no timestamp is parsed here.

- Counts: one GROUP BY over the PRs' (repo, author, bot, LLM verdict, signatures) *cells*,
  in index order, summed here into repos, authors, AI-vs-human sides and the total.
- Exact percentiles and series, two ways, by the size of the selection:

  - many PRs (``_from_indexes``): no row per PR reaches Python. The value at a rank within
    a group is a seek and a walk along an index that keeps the group's values in order
    (``ORDER BY value LIMIT 2 OFFSET rank``, from the nearer end); series and size buckets
    are GROUP BYs and counts along ordered indexes;
  - few PRs (``_from_values``): their values, read in the cells' order, sorted here.

- AI tools: GROUP BY the stored lists.

Only Peewee's query builder and standard SQL (CASE, COALESCE, COUNT, SUM, GROUP BY, ORDER
BY, LIMIT, OFFSET) are used, so the same queries run on PostgreSQL.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, chain, compress, groupby, pairwise, repeat
from operator import floordiv, is_not, itemgetter
from typing import Any, ClassVar

import peewee as pw

from tformance.core.dates import start_of_day_utc
from tformance.core.detection.verdict import (
    ai_condition,
    ai_tools,
    ai_verdict,
    ai_verdict_source,
    human_condition,
    people_condition,
)
from tformance.core.metrics.median_difference import RankedSample, band
from tformance.core.metrics.types import (
    CLOSED,
    GHOST,
    MERGED,
    SIZE_BUCKETS,
    UNKNOWN_TOOL,
    Distribution,
    PRRow,
    ReportFilter,
    percentile,
)
from tformance.core.store.models import EnrichmentStatus, PullRequest, Repository, day_key, db_proxy

_ONE, _ZERO = pw.SQL("1"), pw.SQL("0")
_SECONDS_PER_HOUR = 3600
_NO_DATA = Distribution(0, None, None)
# Stand-ins for the values a prepared statement is run with; out of range of real ones.
_INT_MARK, _TEXT_MARK, _OFFSET_MARK = -1_987_654_321, "\x00tformance-group\x00", 1_987_654_321
_LIMIT_MARK = 1_987_654_322


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
    cycle_time_hours: Distribution = _NO_DATA
    time_to_first_review_hours: Distribution = _NO_DATA
    size_lines: Distribution = _NO_DATA


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


# Q1's columns after the cell keys, in order; summed into Group fields of the same names.
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
_AI, _HUMAN, _AUTOMATION, _PEOPLE = "ai", "human", "automation", "people"


def selected_repos(filters: ReportFilter) -> list[Repository]:
    """The repositories ``filters`` covers (all of them without ``repo``), by name."""
    repo = Repository
    query = repo.select(
        repo.id,
        repo.full_name,
        repo.sync_status,
        repo.last_synced_at,
        repo.sync_error,
        repo.history_start,
        repo.history_exhausted,
    ).order_by(repo.full_name)
    if filters.repo is not None:
        query = query.where(pw.fn.LOWER(repo.full_name) == filters.repo.strip().lower())
    return list(query)


def pr_conditions(
    filters: ReportFilter,
    repo_ids: Sequence[int],
    *,
    by_day: bool = False,
    logins: Iterable[str | None] | None = None,
) -> list[pw.Expression]:
    """The WHERE conditions selecting the PRs of ``filters`` (``repo_ids``: its repos).

    ``by_day`` tests the period on ``created_day`` (the same PRs, since the period is whole
    UTC days), which the metrics indexes hold, rather than on ``created_at``. ``logins``, the
    exact spellings the author filter matched, replace its case-insensitive test.
    """
    pr = PullRequest
    conditions: list[pw.Expression] = []
    if filters.repo is not None:
        conditions.append(pr.repo.in_(list(repo_ids)))
    if filters.author is not None and logins is not None:
        logins = set(logins)
        exact = pr.author_login.in_(sorted(login for login in logins if login is not None))
        conditions.append(exact | pr.author_login.is_null() if None in logins else exact)
    elif filters.author is not None:
        login = filters.author.strip().lstrip("@").lower()
        same = pw.fn.LOWER(pr.author_login) == login
        conditions.append(same | pr.author_login.is_null() if login == GHOST else same)
    if by_day:
        if filters.since is not None:
            conditions.append(pr.created_day >= day_key(filters.since))
        if filters.until is not None:
            conditions.append(pr.created_day <= day_key(filters.until))
    else:
        if filters.since is not None:
            conditions.append(pr.created_at >= start_of_day_utc(filters.since))
        if filters.until is not None:
            conditions.append(pr.created_at < start_of_day_utc(filters.until + timedelta(days=1)))
    return conditions


def scan(filters: ReportFilter, repo_ids: Sequence[int]) -> Scan:
    """Every figure about the PRs ``filters`` selects (``repo_ids``: its repos).

    Run it in one read transaction, so that every query sees the same PRs.
    """
    conditions = pr_conditions(filters, repo_ids, by_day=True)
    key = (filters, tuple(repo_ids))
    queries = _Queries(conditions, conditions, key)
    cells = queries.rows("cells", _cells)
    if not cells:
        return Scan()
    # Two spellings of the same filter. Seeking: the authors by their exact logins (found in
    # the cells), so that an index can seek them. Walking: the repos and authors in forms no
    # index can seek, for statements that must walk one index whatever the filter. Without
    # statistics (a database nobody ran ANALYZE on), SQLite takes an equality on an indexed
    # column for a handful of rows, and would otherwise seek a narrower index and then read
    # the table rows for the columns it lacks.
    logins = {cell[1] for cell in cells} if filters.author is not None else None
    seek = pr_conditions(filters, repo_ids, by_day=True, logins=logins)
    queries = _Queries(seek, _walk_conditions(filters, repo_ids, logins), (*key, tuple(sorted(logins or (), key=str))))

    result = Scan()
    groups = _groups(cells, result)
    if not queries.filtered:
        result.total.pending_enrichment = _enrichment(queries, EnrichmentStatus.PENDING)
        result.total.failed_enrichment = _enrichment(queries, EnrichmentStatus.FAILED)
    if result.total.prs <= SMALL_SELECTION:
        _from_values(queries, cells, groups, result)
    else:
        _from_indexes(queries, groups, result)
    if result.total.ai_assisted:
        result.tools = _tools(queries)
    return result


# Up to this many PRs, reading their values and sorting them here is quicker than walking the
# indexes, whose walks cost about the same whatever the filter selects.
SMALL_SELECTION = 25_000
_METRICS = (
    ("size_lines", "size_lines", "prs", None),
    ("cycle_time_hours", "cycle_seconds", "with_cycle", _SECONDS_PER_HOUR),
    ("time_to_first_review_hours", "first_review_seconds", "with_review", _SECONDS_PER_HOUR),
)


def _walk_conditions(
    filters: ReportFilter, repo_ids: Sequence[int], logins: set[str | None] | None
) -> list[pw.Expression]:
    """The filter in forms no index can seek, for statements that must walk one index.

    Without statistics (a database nobody ran ANALYZE on), SQLite takes an equality on an
    indexed column for a handful of rows: it would seek the filter's index, read the table
    rows for the columns that index lacks, and sort.
    """
    pr = PullRequest
    conditions = []
    if filters.repo is not None:
        conditions.append((pr.repo + 0).in_(list(repo_ids)))
    if logins is not None:  # GitHub logins are never empty: '' stands for the deleted ones
        conditions.append(pw.fn.COALESCE(pr.author_login, "").in_(sorted(login or "" for login in logins)))
    if filters.since is not None:
        conditions.append(pr.created_day + 0 >= day_key(filters.since))
    if filters.until is not None:
        conditions.append(pr.created_day + 0 <= day_key(filters.until))
    return conditions


def _from_indexes(queries: _Queries, groups: list[tuple[str, Any, Group, Sequence[int]]], result: Scan) -> None:
    """Percentiles and series by walking the ordered indexes (many PRs selected)."""
    pr = PullRequest
    for name, column, counted, scale in _METRICS:
        ranks = _Ranks(getattr(pr, column), queries)
        for kind, key, group, _cells_of_group in groups:
            setattr(group, name, ranks.distribution(kind, key, getattr(group, counted), scale))
    cycles = _Ranks(pr.cycle_seconds, queries)
    for side, group in ((_AI, result.ai), (_HUMAN, result.human)):
        first, size = band(group.with_cycle)
        values = cycles.values(side, None, first, descending=False, limit=size) if group.with_cycle else []
        result.cycle_samples[side] = RankedSample(group.with_cycle, first, tuple(values))
    result.size_buckets = _size_buckets(queries)
    _merge_series(queries, result)
    _creation_series(queries, result)


def _from_values(
    queries: _Queries, cells: list[tuple], groups: list[tuple[str, Any, Group, Sequence[int]]], result: Scan
) -> None:
    """Percentiles and series from the selected PRs' values, sorted here (few PRs selected).

    The values come in the cells' order, so each cell is the next ``prs`` rows.
    """
    pr = PullRequest

    def values(conditions: list[pw.Expression]) -> pw.Query:
        columns = (pr.size_lines, pr.cycle_seconds, pr.first_review_seconds, pr.created_day, pr.merged_day)
        return _filtered(pr.select(*columns), conditions).order_by(*_cell_keys())

    rows = queries.rows("values", values, walk=True)
    sizes, cycles, reviews, created_days, merged_days = (list(map(itemgetter(i), rows)) for i in range(5))
    ends = list(accumulate(cell[5] for cell in cells))
    starts = [0, *ends[:-1]]
    for name, column, _counted, scale in _METRICS:
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
            setattr(group, name, _distribution(ordered, scale))
            if kind in (_AI, _HUMAN) and column == "cycle_seconds":
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
        _month_text(month): _distribution(sorted(seconds), _SECONDS_PER_HOUR) for month, seconds in by_month.items()
    }
    months = list(map(floordiv, created_days, repeat(100)))
    ai = chain.from_iterable(
        map(repeat, map(ai_verdict, (c[3] for c in cells), (c[4] for c in cells)), (c[5] for c in cells))
    )
    ai_months = Counter(compress(months, ai))
    for month, prs in Counter(months).items():
        text = _month_text(month)
        if ai_months[month]:
            result.created_by_month[text, True] = ai_months[month]
        if prs - ai_months[month]:
            result.created_by_month[text, False] = prs - ai_months[month]
    result.first_created = _created(queries.walk, min(created_days), pw.fn.MIN)
    result.last_created = _created(queries.walk, max(created_days), pw.fn.MAX)


def _distribution(ordered: list, scale: float | None) -> Distribution:
    """As ``metrics_types.distribution`` over already sorted values."""
    median, p90 = percentile(ordered, 50), percentile(ordered, 90)
    if scale is None or median is None or p90 is None:
        return Distribution(len(ordered), median, p90)
    return Distribution(len(ordered), median / scale, p90 / scale)


def _cell_keys() -> tuple[pw.Field, ...]:
    pr = PullRequest
    return (pr.repo, pr.author_login, pr.author_is_bot, pr.is_ai_assisted, pr.has_signatures)


class _Queries:
    """The statements of one report, each written by Peewee once per filter and then reused.

    Writing SQL costs Peewee a fraction of a millisecond per statement, a report runs dozens,
    and the dashboard runs the same report again after every change: so the SQL text and its
    parameters are kept, per dialect and filter (never the results).
    """

    _cache: ClassVar[dict[tuple, tuple[str, list]]] = {}
    _CACHE_SIZE = 2_000

    def __init__(self, seek: list[pw.Expression], walk: list[pw.Expression], key: tuple) -> None:
        self.seek, self.walk = seek, walk  # the filter, in index-seekable and walking forms
        self.key = (type(db_proxy.obj), key)  # the SQL depends on the dialect, not the file

    @property
    def filtered(self) -> bool:
        return bool(self.seek)

    def sql(
        self, name: Hashable, build: Callable[[list[pw.Expression]], pw.Query], *, walk: bool = False
    ) -> tuple[str, list]:
        """The SQL and parameters of ``build(conditions)``, the query called ``name``."""
        key = (self.key, name, walk)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.clear()
            cached = self._cache[key] = build(self.walk if walk else self.seek).sql()
        return cached

    def rows(
        self, name: Hashable, build: Callable[[list[pw.Expression]], pw.Query], *, walk: bool = False
    ) -> list[tuple]:
        sql, params = self.sql(name, build, walk=walk)
        return db_proxy.obj.execute_sql(sql, params).fetchall()


def _cells(conditions: list[pw.Expression]) -> pw.Query:
    """Counts per (repo, author, bot, LLM verdict, signatures), in the metrics index's order."""
    pr = PullRequest
    keys = _cell_keys()
    query = pr.select(
        *keys,
        pw.fn.COUNT(pw.SQL("*")),
        _count_if(pr.state == MERGED),
        _count_if(pr.state == CLOSED),
        pw.fn.SUM(pw.Case(None, [(pr.merged_day.is_null(False), pr.review_count)], _ZERO)),
        _count_if(pr.merged_unreviewed == True),  # noqa: E712 (Peewee expression)
        pw.fn.COUNT(pr.cycle_seconds),
        pw.fn.COUNT(pr.first_review_seconds),
        # Enrichment is only counted in total. Without a filter the enrichment_status index
        # counts it far faster (``_enrichment``); with one, here is cheapest.
        *(
            (
                _count_if(pr.enrichment_status == EnrichmentStatus.PENDING),
                _count_if(pr.enrichment_status == EnrichmentStatus.FAILED),
            )
            if conditions
            else (_ZERO, _ZERO)
        ),
    )
    return _filtered(query, conditions).group_by(*keys).order_by(*keys)


def _enrichment(queries: _Queries, status: str) -> int:
    """PRs of every repo and author in an enrichment status (no filter: a count of the status's index range)."""
    pr = PullRequest
    return queries.rows(
        ("enrichment", status), lambda _: pr.select(pw.fn.COUNT(pw.SQL("*"))).where(pr.enrichment_status == status)
    )[0][0]


def _count_if(condition: pw.Expression) -> pw.Node:
    return pw.fn.SUM(pw.Case(None, [(condition, _ONE)], _ZERO))


def _groups(cells: list[tuple], result: Scan) -> list[tuple[str, Any, Group, Sequence[int]]]:
    """Sum the cells into ``result``'s groups; return (kind of group, key, group, its cells)."""
    columns = list(zip(*cells, strict=True))
    repos, logins, bots, llm, signatures = columns[:5]
    verdicts = list(map(ai_verdict, llm, signatures))
    sums = [*columns[5:], [prs if verdict else 0 for prs, verdict in zip(columns[5], verdicts, strict=True)]]
    by_author: dict[str | None, list[int]] = {}
    by_side: dict[str, list[int]] = {_AI: [], _HUMAN: [], _AUTOMATION: []}
    for index, (login, is_bot, verdict) in enumerate(zip(logins, bots, verdicts, strict=True)):
        by_author.setdefault(login, []).append(index)
        by_side[_AI if verdict else _AUTOMATION if is_bot else _HUMAN].append(index)

    def group(members: Sequence[int]) -> Group:
        if isinstance(members, range):  # adjacent cells: a slice
            pick: Callable[[Sequence], Sequence] = itemgetter(slice(members.start, members.stop))
        else:
            pick = itemgetter(*members) if len(members) > 1 else lambda column: (column[members[0]],)
        *totals, ai = (sum(pick(column)) for column in sums)
        return Group(**dict(zip(_SUMS, totals, strict=True)), ai_assisted=ai, is_bot=any(pick(bots)))

    everything = range(len(cells))
    result.total = group(everything)
    groups: list[tuple[str, Any, Group, Sequence[int]]] = [("all", None, result.total, everything)]
    start = 0
    for repo_id, cells_of_repo in groupby(repos):  # the cells come ordered by repo
        members = range(start, start + len(list(cells_of_repo)))
        result.repos[repo_id] = group(members)
        groups.append(("repo", repo_id, result.repos[repo_id], members))
        start = members.stop
    for login, members in by_author.items():
        result.authors[login] = group(members)
        groups.append(("ghost" if login is None else "author", login, result.authors[login], members))
    for side, members in by_side.items():
        current = group(members) if members else Group()
        if side == _AUTOMATION:
            result.automation_prs = current.prs
        else:
            setattr(result, side, current)
            groups.append((side, None, current, members))
    people = sorted(by_side[_AI] + by_side[_HUMAN])
    result.people = group(people) if people else Group()
    groups.append((_PEOPLE, None, result.people, people))
    return groups


class _Ranks:
    """Values of one column at given ranks within groups of the selected PRs.

    Each kind of group has a statement that seeks the group in an index ordered by the
    column and reads two neighbouring values at an offset, walking from the nearer end.
    Peewee builds it once, with stand-ins for the group and the offset; it then runs once per
    group and percentile, so SQLite prepares it once.
    """

    def __init__(self, column: pw.Field, queries: _Queries) -> None:
        self.column = column
        self.queries = queries
        self._statements: dict[tuple[str, bool], tuple[str, list, int | None, int, int]] = {}

    def distribution(self, kind: str, key: Any, count: int, scale: float | None) -> Distribution:
        """Median and p90 (divided by ``scale``) of the column's ``count`` values in a group."""
        if not count:
            return _NO_DATA
        median, p90 = self._percentile(kind, key, count, 50), self._percentile(kind, key, count, 90)
        if scale is None or median is None or p90 is None:
            return Distribution(count, median, p90)
        return Distribution(count, median / scale, p90 / scale)

    def values(self, kind: str, key: Any, offset: int, descending: bool, limit: int = 2) -> list[Any]:
        """Up to ``limit`` values of the group, from ``offset`` in ascending (or descending) order."""
        sql, params, group_slot, offset_slot, limit_slot = self._statement(kind, descending)
        params = list(params)
        params[offset_slot], params[limit_slot] = offset, limit
        if group_slot is not None:
            params[group_slot] = key
        return [row[0] for row in db_proxy.obj.execute_sql(sql, params).fetchall()]

    def _percentile(self, kind: str, key: Any, count: int, p: float) -> float | None:
        """As ``metrics_types.percentile`` over the group's sorted values, to the same float."""
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

    def _statement(self, kind: str, descending: bool) -> tuple[str, list, int | None, int, int]:
        statement = self._statements.get((kind, descending))
        if statement is None:
            sql, params = self.queries.sql(
                ("rank", self.column.name, kind, descending),
                lambda conditions: self._query(conditions, kind, descending),
                # Months are walked in their index whatever the filter (see ``scan``).
                walk=kind == "month",
            )
            mark = _TEXT_MARK if kind == "author" else _INT_MARK
            group_slot = _slot(params, mark) if kind in ("repo", "author", "month") else None
            offset_slot, limit_slot = _slot(params, _OFFSET_MARK), _slot(params, _LIMIT_MARK)
            statement = self._statements[kind, descending] = (sql, params, group_slot, offset_slot, limit_slot)
        return statement

    def _query(self, conditions: list[pw.Expression], kind: str, descending: bool) -> pw.Query:
        pr, column = PullRequest, self.column
        where = [*conditions, column.is_null(False)]
        order = [column]
        group = {"repo": pr.repo, "author": pr.author_login, "month": pr.merged_month}.get(kind)
        mark = _TEXT_MARK if kind == "author" else _INT_MARK
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
        elif kind == _AI:
            where.append(ai_condition())
        elif kind == _HUMAN:
            where.append(human_condition())
        elif kind == _PEOPLE:
            where.append(people_condition())
        order_by = [term.desc() if descending else term.asc() for term in order]
        return pr.select(column).where(*where).order_by(*order_by).limit(_LIMIT_MARK).offset(_OFFSET_MARK)


def _slot(params: list, mark: Any) -> int:
    slots = [index for index, value in enumerate(params) if type(value) is type(mark) and value == mark]
    if len(slots) != 1:
        raise AssertionError(f"expected one stand-in {mark!r} in the statement's parameters, found {len(slots)}")
    return slots[0]


def _size_buckets(queries: _Queries) -> tuple[int, ...]:
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


def _merge_series(queries: _Queries, result: Scan) -> None:
    """Merges per day, and cycle time per month of the merge."""
    pr = PullRequest

    def per_day(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pr.merged_day, pw.fn.COUNT(pw.SQL("*"))).where(*conditions, pr.merged_day.is_null(False))
        return query.group_by(pr.merged_day)

    result.merged_per_day = Counter(dict(queries.rows("merges per day", per_day, walk=True)))
    per_month: Counter[int] = Counter()
    for day, merges in result.merged_per_day.items():  # a merge day is set exactly when the cycle time is
        per_month[day // 100] += merges
    ranks = _Ranks(pr.cycle_seconds, queries)
    result.cycle_by_month = {
        _month_text(month): ranks.distribution("month", month, count, _SECONDS_PER_HOUR)
        for month, count in sorted(per_month.items())
    }


def _creation_series(queries: _Queries, result: Scan) -> None:
    """PRs (and AI-assisted ones) per month of creation; the first and last creation times.

    A count per month: a walk along that month's range of the creation-day index.
    """
    pr = PullRequest

    def edge(descending: bool) -> Callable[[list[pw.Expression]], pw.Query]:
        order = pr.created_day.desc() if descending else pr.created_day.asc()
        return lambda conditions: _filtered(pr.select(pr.created_day), conditions).order_by(order).limit(1)

    def per_month(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pw.fn.COUNT(pw.SQL("*")), _count_if(ai_condition()))
        return query.where(*conditions, pr.created_day >= _INT_MARK, pr.created_day <= _OFFSET_MARK)

    first = queries.rows("first created", edge(False), walk=True)[0][0]
    last = queries.rows("last created", edge(True), walk=True)[0][0]
    sql, params = queries.sql("created per month", per_month, walk=True)
    start_slot, end_slot = _slot(params, _INT_MARK), _slot(params, _OFFSET_MARK)
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
    result.first_created = _created(queries.walk, first, pw.fn.MIN)
    result.last_created = _created(queries.walk, last, pw.fn.MAX)


def _created(conditions: Sequence[pw.Expression], day: int, aggregate: Any) -> datetime:
    """The first (``MIN``) or last (``MAX``) creation time of the selected PRs, on ``day``."""
    pr = PullRequest
    start = start_of_day_utc(date(day // 10_000, day // 100 % 100, day % 100))
    query = pr.select(_text(aggregate(pr.created_at))).where(
        *conditions, pr.created_at >= start, pr.created_at < start + timedelta(days=1)
    )
    return parse_time(db_proxy.obj.execute(query).fetchone()[0])


def _month_text(month: int) -> str:
    return f"{month // 100:04d}-{month % 100:02d}"


def _tools(queries: _Queries) -> Counter[str]:
    """AI-assisted PRs per tool, grouped in SQL by the stored lists (a handful of them)."""
    pr = PullRequest

    def per_list(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pr.ai_tools_detected, pr.signature_tools, pw.fn.COUNT(pw.SQL("*")))
        return query.where(*conditions, ai_condition()).group_by(pr.ai_tools_detected, pr.signature_tools)

    counts: Counter[str] = Counter()
    for detected, signatures, count in queries.rows("tools", per_list, walk=True):
        tools = ai_tools(json.loads(detected or "[]"), json.loads(signatures or "[]"))
        for tool in tools or (UNKNOWN_TOOL,):
            counts[tool] += count
    return counts


def list_prs(filters: ReportFilter | None = None) -> Iterator[PRRow]:
    """Every PR ``filters`` selects, oldest first, without its body: for the exports."""
    filters = filters or ReportFilter()
    pr = PullRequest
    names = {repo.id: repo.full_name for repo in selected_repos(filters)}
    query = _filtered(
        pr.select(
            pr.repo,
            pr.number,
            pr.title,
            pr.url,
            pr.author_login,
            pr.author_is_bot,
            pr.state,
            pr.is_draft,
            _text(pr.created_at),
            _text(pr.merged_at),
            _text(pr.closed_at),
            _text(pr.first_review_at),
            pr.additions,
            pr.deletions,
            pr.review_count,
            pr.is_ai_assisted,
            pr.signature_tools,
            pr.ai_tools_detected,
            pr.enrichment_status,
        ).order_by(pr.created_at, pr.id),
        pr_conditions(filters, list(names)),
    )
    for row in db_proxy.obj.execute(query):
        (repo_id, number, title, url, login, is_bot, state, is_draft, created, merged) = row[:10]
        closed, reviewed, additions, deletions, reviews, is_ai = row[10:16]
        signatures, detected, enrichment_status = row[16:]
        signature_tools = json.loads(signatures or "[]")
        llm_verdict = None if is_ai is None else bool(is_ai)
        yield PRRow(
            repo=names[repo_id],
            number=number,
            title=title,
            url=url,
            author=login or GHOST,
            author_is_bot=bool(is_bot),
            state=state,
            is_draft=bool(is_draft),
            created_at=parse_time(created),
            merged_at=parse_optional_time(merged),
            closed_at=parse_optional_time(closed),
            first_review_at=parse_optional_time(reviewed),
            additions=additions,
            deletions=deletions,
            review_count=reviews,
            ai_assisted=ai_verdict(llm_verdict, signature_tools),
            ai_verdict_source=ai_verdict_source(llm_verdict, signature_tools),
            ai_tools=ai_tools(json.loads(detected or "[]"), signature_tools),
            enrichment_status=enrichment_status,
        )


def parse_time(value: str | datetime) -> datetime:
    """An ISO timestamp read as text from the database, as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_optional_time(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def _text(column: pw.Node) -> pw.Node:
    """A timestamp column read as ISO text (PostgreSQL's default DateStyle writes ISO)."""
    # SQLite stores these as ISO text already, and a CAST would copy every value.
    return column if isinstance(db_proxy.obj, pw.SqliteDatabase) else pw.Cast(column, "TEXT")


def _filtered(query: pw.Select, conditions: Iterable[pw.Expression]) -> pw.Select:
    conditions = list(conditions)
    # Peewee refuses an empty where().
    return query.where(*conditions) if conditions else query
