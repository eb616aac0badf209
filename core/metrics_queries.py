"""The SQL side of the metrics: which PRs a filter selects, and one narrow scan of them.

Only Peewee's query builder and standard SQL (CASE, CAST AS TEXT, COUNT, GROUP BY, ORDER
BY) are used, so the same queries run on PostgreSQL. Timestamps are read as ISO text and
parsed with ``datetime.fromisoformat``; that is cheaper than converting them in SQL and
than Peewee's row wrappers, which cost microseconds a row (100,000 rows in the benchmark).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, compress, groupby, repeat
from operator import is_not, itemgetter, sub

import peewee as pw

from .dates import start_of_day_utc
from .metrics_types import (
    CLOSED,
    GHOST,
    MERGED,
    UNKNOWN_TOOL,
    PRRow,
    ReportFilter,
    ai_tools,
    ai_verdict,
)
from .models import EnrichmentStatus, PullRequest, Repository, db_proxy

_ONE, _ZERO = pw.SQL("1"), pw.SQL("0")
# Literals rather than bound parameters: PostgreSQL matches a GROUP BY or ORDER BY
# expression to the selected one only when both read the same, and two parameters never do.
_EMPTY_JSON_LIST = pw.SQL("'[]'")
_DAY, _MONTH = itemgetter(slice(0, 10)), itemgetter(slice(0, 7))  # of ISO text
_parse = datetime.fromisoformat


@dataclass(slots=True)
class Cell:
    """The PRs of one (repo, author, AI verdict), reduced. Durations are in seconds."""

    repo_id: int
    login: str | None
    is_bot: bool
    ai: bool
    prs: int
    merged: int
    closed_unmerged: int
    open: int
    reviews_on_merged: int
    merged_without_review: int
    pending_enrichment: int
    failed_enrichment: int
    first_created: str  # ISO text
    last_created: str
    cycle: list[float]
    review: list[float]
    sizes: list[int]


@dataclass
class TimeSeries:
    merged_per_day: Counter[str] = field(default_factory=Counter)  # YYYY-MM-DD -> merges
    cycle_by_month: dict[str, list[float]] = field(default_factory=dict)  # YYYY-MM -> seconds
    created_by_month: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (month, AI)


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


def pr_conditions(filters: ReportFilter, repo_ids: Sequence[int]) -> list[pw.Expression]:
    """The WHERE conditions selecting the PRs of ``filters`` (``repo_ids``: its repos)."""
    pr = PullRequest
    conditions: list[pw.Expression] = []
    if filters.repo is not None:
        conditions.append(pr.repo.in_(list(repo_ids)))
    if filters.author is not None:
        login = filters.author.strip().lstrip("@").lower()
        same = pw.fn.LOWER(pr.author_login) == login
        conditions.append(same | pr.author_login.is_null() if login == GHOST else same)
    if filters.since is not None:
        conditions.append(pr.created_at >= start_of_day_utc(filters.since))
    if filters.until is not None:
        next_day = filters.until + timedelta(days=1)
        conditions.append(pr.created_at < start_of_day_utc(next_day))
    return conditions


def scan(conditions: Sequence[pw.Expression]) -> tuple[list[Cell], TimeSeries]:
    """Read the selected PRs' narrow columns once; return them reduced per cell, and series.

    One scan rather than a GROUP BY for the counts plus a fetch for the percentiles: the
    percentiles need every row anyway, and a second pass over 100,000 PRs costs more than
    the few small columns the counts add to this one.
    """
    pr = PullRequest
    ai = ai_sql()
    # Small integers rather than strings: Python caches them, and building objects is most
    # of what a scan costs.
    state = pw.Case(pr.state, [(MERGED, 2), (CLOSED, 1)], 0)
    enrichment = pw.Case(
        pr.enrichment_status,
        [(EnrichmentStatus.PENDING, 1), (EnrichmentStatus.FAILED, 2)],
        0,
    )
    query = _filtered(
        pr.select(
            pr.repo,
            pr.author_login,
            ai,
            pr.author_is_bot,
            state,
            enrichment,
            _text(pr.created_at),
            _text(pr.merged_at),
            _text(pr.first_review_at),
            pr.additions + pr.deletions,
            pr.review_count,
        ).order_by(pr.repo, pr.author_login, ai),
        conditions,
    )
    rows = db_proxy.obj.execute(query).fetchall()
    return _reduce(rows) if rows else ([], TimeSeries())


def _reduce(rows: list[tuple]) -> tuple[list[Cell], TimeSeries]:
    """The scanned rows (ordered by cell) reduced to cells and series.

    Column by column: C-level zip, map, compress and Counter do the per-row work, a few
    times cheaper than a Python loop over the rows.
    """
    columns = list(zip(*rows, strict=True))
    repos, logins, ais, bots, states, enrichments, created, merged_at, reviewed_at = columns[:9]
    sizes, reviews = columns[9:]
    opened = list(map(_parse, created))
    # Merged and reviewed PRs as compact columns; running counts turn a cell's slice of
    # rows into its slice of those.
    is_merged = list(map(is_not, merged_at, repeat(None)))
    is_reviewed = list(map(is_not, reviewed_at, repeat(None)))
    merged_before, reviewed_before = [0, *accumulate(is_merged)], [0, *accumulate(is_reviewed)]
    merges = list(compress(merged_at, is_merged))
    cycle = _seconds(compress(opened, is_merged), merges)
    review = _seconds(compress(opened, is_reviewed), compress(reviewed_at, is_reviewed))
    merged_reviews = list(compress(reviews, is_merged))
    # Reviewed after the merge counts as merged without review. (ISO text compares as the
    # times it spells.)
    unreviewed = [
        first is None or first > merge for merge, first in zip(merges, compress(reviewed_at, is_merged), strict=True)
    ]
    series = _series(created, ais, merges, cycle)

    cells = []
    start = 0
    # Rows come ordered by cell, so each cell is the same slice of every column.
    for (repo_id, login, is_ai), group in groupby(zip(repos, logins, ais, strict=True)):
        end = start + len(list(group))
        first_merge, last_merge = merged_before[start], merged_before[end]
        cell_states, cell_enrichments, cell_created = states[start:end], enrichments[start:end], created[start:end]
        cells.append(
            Cell(
                repo_id=repo_id,
                login=login,
                is_bot=any(bots[start:end]),
                ai=bool(is_ai),
                prs=end - start,
                merged=cell_states.count(2),
                closed_unmerged=cell_states.count(1),
                open=cell_states.count(0),
                reviews_on_merged=sum(merged_reviews[first_merge:last_merge]),
                merged_without_review=sum(unreviewed[first_merge:last_merge]),
                pending_enrichment=cell_enrichments.count(1),
                failed_enrichment=cell_enrichments.count(2),
                first_created=min(cell_created),
                last_created=max(cell_created),
                cycle=cycle[first_merge:last_merge],
                review=review[reviewed_before[start] : reviewed_before[end]],
                sizes=list(sizes[start:end]),
            )
        )
        start = end
    return cells, series


def _series(created: Sequence[str], ais: Sequence[int], merges: list[str], cycle: list[float]) -> TimeSeries:
    cycle_by_month: defaultdict[str, list[float]] = defaultdict(list)
    for month, seconds in zip(map(_MONTH, merges), cycle, strict=True):
        cycle_by_month[month].append(seconds)
    return TimeSeries(
        merged_per_day=Counter(map(_DAY, merges)),
        cycle_by_month=dict(cycle_by_month),
        created_by_month=Counter(zip(map(_MONTH, created), map(bool, ais), strict=True)),
    )


def _seconds(starts: Iterable[datetime], ends: Iterable[str]) -> list[float]:
    """Seconds from each start to each end (ISO text), never below 0 (clock skew)."""
    seconds = list(map(timedelta.total_seconds, map(sub, map(_parse, ends), starts)))
    return [max(value, 0.0) for value in seconds] if seconds and min(seconds) < 0 else seconds


def tool_counts(conditions: Sequence[pw.Expression]) -> Counter[str]:
    """AI-assisted PRs per tool, grouped in SQL by the stored lists (a handful of them)."""
    pr = PullRequest
    query = _filtered(
        pr.select(pr.ai_tools_detected, pr.signature_tools, pw.fn.COUNT(pr.id)).group_by(
            pr.ai_tools_detected, pr.signature_tools
        ),
        [*conditions, ai_sql() == _ONE],
    )
    counts: Counter[str] = Counter()
    for detected, signatures, count in db_proxy.obj.execute(query):
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
            ai_verdict_source="signatures" if llm_verdict is None else "llm",
            ai_tools=ai_tools(json.loads(detected or "[]"), signature_tools),
            enrichment_status=enrichment_status,
        )


def ai_sql() -> pw.Node:
    """The SQL twin of :func:`ai_verdict`: 1 if AI-assisted, else 0."""
    pr = PullRequest
    llm_verdict = pw.Case(None, [(pr.is_ai_assisted, _ONE)], _ZERO)
    return pw.Case(
        None,
        [
            (pr.is_ai_assisted.is_null(False), llm_verdict),
            # JSONField stores an empty list as exactly "[]".
            (pr.signature_tools != _EMPTY_JSON_LIST, _ONE),
        ],
        _ZERO,
    )


def parse_time(value: str) -> datetime:
    """An ISO timestamp read as text from the database, as an aware UTC datetime."""
    moment = _parse(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_optional_time(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def _text(column: pw.Node) -> pw.Node:
    """A timestamp column read as ISO text (PostgreSQL's default DateStyle writes ISO)."""
    # SQLite stores these as ISO text already, and a CAST would copy every value: a fifth
    # of the scan's time on 100,000 PRs.
    return column if isinstance(db_proxy.obj, pw.SqliteDatabase) else pw.Cast(column, "TEXT")


def _filtered(query: pw.Select, conditions: Sequence[pw.Expression]) -> pw.Select:
    # Peewee refuses an empty where().
    return query.where(*conditions) if conditions else query
