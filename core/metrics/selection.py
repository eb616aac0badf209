"""Which PRs a filter selects, and the statement plumbing every metrics query shares.

A filter is written two ways (``pr_conditions`` seeks, ``walk_conditions`` walks: see
``scan.scan``); each statement is written by Peewee once per filter and dialect (``Statements``)
and run again with new values in the slots of its stand-ins (``slot``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import peewee as pw

from tformance.core.dates import start_of_day_utc
from tformance.core.metrics.types import GHOST, ReportFilter
from tformance.core.store.models import PullRequest, Repository, day_key, db_proxy

ONE, ZERO = pw.SQL("1"), pw.SQL("0")


# Stand-ins for the values a prepared statement is run with; out of range of real ones.
INT_MARK, TEXT_MARK, OFFSET_MARK = -1_987_654_321, "\x00tformance-group\x00", 1_987_654_321


LIMIT_MARK = 1_987_654_322


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


def walk_conditions(
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


Row = tuple[Any, ...]  # one row of a statement's result
Params = list[Any]  # a statement's parameters, stand-ins included


class Statements:
    """The statements of one report, each written by Peewee once per filter and then reused.

    Writing SQL costs Peewee a fraction of a millisecond per statement, a report runs dozens,
    and the dashboard runs the same report again after every change: so the SQL text and its
    parameters are kept, per dialect and filter (never the results).
    """

    _cache: ClassVar[dict[Hashable, tuple[str, Params]]] = {}
    _CACHE_SIZE = 2_000

    def __init__(self, seek: list[pw.Expression], walk: list[pw.Expression], key: tuple[Hashable, ...]) -> None:
        self.seek, self.walk = seek, walk  # the filter, in index-seekable and walking forms
        self.key = (type(db_proxy.obj), key)  # the SQL depends on the dialect, not the file

    @property
    def filtered(self) -> bool:
        return bool(self.seek)

    def sql(
        self, name: Hashable, build: Callable[[list[pw.Expression]], pw.Query], *, walk: bool = False
    ) -> tuple[str, Params]:
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
    ) -> list[Row]:
        sql, params = self.sql(name, build, walk=walk)
        rows: list[Row] = db_proxy.obj.execute_sql(sql, params).fetchall()
        return rows


def slot(params: Params, mark: Any) -> int:
    slots = [index for index, value in enumerate(params) if type(value) is type(mark) and value == mark]
    if len(slots) != 1:
        raise AssertionError(f"expected one stand-in {mark!r} in the statement's parameters, found {len(slots)}")
    return slots[0]


def count_if(condition: pw.Expression) -> pw.Node:
    return pw.fn.SUM(pw.Case(None, [(condition, ONE)], ZERO))


def created_time(conditions: Sequence[pw.Expression], day: int, aggregate: Any) -> datetime:
    """The first (``MIN``) or last (``MAX``) creation time of the selected PRs, on ``day``."""
    pr = PullRequest
    start = start_of_day_utc(date(day // 10_000, day // 100 % 100, day % 100))
    query = pr.select(as_text(aggregate(pr.created_at))).where(
        *conditions, pr.created_at >= start, pr.created_at < start + timedelta(days=1)
    )
    return parse_time(db_proxy.obj.execute(query).fetchone()[0])


def month_text(month: int) -> str:
    return f"{month // 100:04d}-{month % 100:02d}"


def parse_time(value: str | datetime) -> datetime:
    """An ISO timestamp read as text from the database, as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_optional_time(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def as_text(column: pw.Node) -> pw.Node:
    """A timestamp column read as ISO text (PostgreSQL's default DateStyle writes ISO)."""
    # SQLite stores these as ISO text already, and a CAST would copy every value.
    return column if isinstance(db_proxy.obj, pw.SqliteDatabase) else pw.Cast(column, "TEXT")


def with_conditions(query: pw.Select, conditions: Iterable[pw.Expression]) -> pw.Select:
    conditions = list(conditions)
    # Peewee refuses an empty where().
    return query.where(*conditions) if conditions else query
