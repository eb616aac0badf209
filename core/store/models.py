"""Peewee models. The database is bound at start-up (``database.open_database``), never at import.

Only Peewee's query builder is used, so the same models run on SQLite or PostgreSQL.
Datetimes are stored as naive UTC and come back as aware UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import peewee as pw

db_proxy = pw.DatabaseProxy()

# 2: PullRequest's derived metric columns and the metrics indexes; 3: signature_rules_version;
# 4: PR node id index; 5: durations in double precision (PostgreSQL's REAL rounds to 6 digits);
# 6: table `commit` renamed `pr_commit`; 7: the sync_slice table; 8: repository.sync_progress dropped.
SCHEMA_VERSION = 8


class UTCDateTimeField(pw.DateTimeField):
    """Stores aware datetimes as naive UTC text; returns aware UTC datetimes."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]  # untyped in peewee's stubs

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)  # type: ignore[no-untyped-call]  # untyped in peewee's stubs
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class JSONField(pw.TextField):
    """JSON in a TEXT column: portable across SQLite and PostgreSQL."""

    def db_value(self, value: Any) -> Any:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value: Any) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(pw.Model):
    class Meta:
        database = db_proxy
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """One row per key; ``schema_version`` says which upgrade steps a database has had."""

    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class SyncStatus:
    PENDING = "pending"
    SYNCING = "syncing"
    COMPLETED = "completed"
    FAILED = "failed"


class EnrichmentStatus:
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Repository(BaseModel):
    """A tracked repository and the state its sync needs to resume."""

    id = pw.AutoField()
    full_name = pw.CharField(unique=True)  # OWNER/NAME as GitHub spells it
    owner = pw.CharField()
    name = pw.CharField()
    github_id = pw.CharField(null=True)
    is_private = pw.BooleanField(default=False)
    is_archived = pw.BooleanField(default=False)
    pushed_at = UTCDateTimeField(null=True)
    prs_last_6_months = pw.IntegerField(null=True)

    sync_status = pw.CharField(default=SyncStatus.PENDING, index=True)
    sync_prs_total = pw.IntegerField(default=0)
    sync_prs_completed = pw.IntegerField(default=0)
    sync_started_at = UTCDateTimeField(null=True)
    last_synced_at = UTCDateTimeField(null=True)
    sync_error = pw.TextField(null=True)

    # Resume state. The backfill walks PRs newest first; ``backfill_cursor`` is the end cursor of
    # the last page stored, so a killed run continues right after it.
    backfill_cursor = pw.TextField(null=True)
    backfill_started_at = UTCDateTimeField(null=True)
    backfill_complete = pw.BooleanField(default=False)
    history_start = UTCDateTimeField(null=True)  # oldest creation time the stored history covers
    history_exhausted = pw.BooleanField(default=False)  # the repo has no PRs older than we have
    # Every PR updated before the watermark is stored; refreshes fetch only those updated since.
    updated_watermark = UTCDateTimeField(null=True)
    page_size = pw.IntegerField(null=True)  # the page size that last worked (after 502s)


class PullRequest(BaseModel):
    id = pw.AutoField()
    repo = pw.ForeignKeyField(Repository, backref="pull_requests", on_delete="CASCADE")
    number = pw.IntegerField()
    github_id = pw.CharField(index=True)  # GitHub's node id: finds a renamed repository's PRs
    url = pw.TextField(default="")
    title = pw.TextField(default="")
    body = pw.TextField(default="")
    author_login = pw.CharField(null=True, index=True)  # None: a deleted user ("ghost")
    author_is_bot = pw.BooleanField(default=False)
    state = pw.CharField()  # OPEN, CLOSED, MERGED
    is_draft = pw.BooleanField(default=False)
    created_at = UTCDateTimeField(index=True)
    updated_at = UTCDateTimeField()
    merged_at = UTCDateTimeField(null=True)
    closed_at = UTCDateTimeField(null=True)
    additions = pw.IntegerField(default=0)
    deletions = pw.IntegerField(default=0)
    changed_files = pw.IntegerField(default=0)
    labels = JSONField(default=list)
    head_ref = pw.TextField(default="")
    base_ref = pw.TextField(default="")
    commit_count = pw.IntegerField(default=0)
    review_count = pw.IntegerField(default=0)
    first_review_at = UTCDateTimeField(null=True)  # first review by someone other than the author

    # AI fields: stage 1 (signatures) is filled on store, stage 2 (LLM) by the enricher.
    signature_tools = JSONField(default=list)
    signature_evidence = JSONField(default=list)
    # The detection rules the signature columns come from (``detection.detector.RULES_VERSION``): a PR judged
    # by other rules is judged again from its stored text. None: before rules were versioned.
    signature_rules_version = pw.CharField(null=True)
    is_ai_assisted = pw.BooleanField(null=True)
    ai_tools_detected = JSONField(default=list)
    llm_summary = pw.TextField(null=True)
    llm_summary_version = pw.CharField(null=True)
    enrichment_status = pw.CharField(default=EnrichmentStatus.PENDING, index=True)

    # Derived from the columns above whenever a row is stored (``derived_columns``), so that
    # the metrics read small numbers from indexes instead of parsing timestamps. Nullable only
    # so that the v2 migration can add them in place; every stored row has them filled.
    size_lines = pw.IntegerField(null=True)  # additions + deletions
    cycle_seconds = pw.DoubleField(null=True)  # created -> merged, never below 0; None if not merged
    first_review_seconds = pw.DoubleField(null=True)  # created -> first review, never below 0
    merged_unreviewed = pw.BooleanField(null=True)  # merged with no qualifying review before the merge
    created_day = pw.IntegerField(null=True)  # UTC day of creation as YYYYMMDD
    merged_day = pw.IntegerField(null=True)  # UTC day of the merge as YYYYMMDD
    merged_month = pw.IntegerField(null=True)  # UTC month of the merge as YYYYMM
    has_signatures = pw.BooleanField(null=True)  # signature_tools is not empty

    class Meta:
        indexes = ((("repo", "number"), True),)

    def save(self, force_insert: bool = False, only: Any = None) -> Any:
        """Save, keeping the derived columns in step with the ones they come from."""
        for name, value in derived_columns(
            self.created_at,
            self.merged_at,
            self.first_review_at,
            self.additions,
            self.deletions,
            self.signature_tools,
        ).items():
            setattr(self, name, value)
        if only is not None:
            only = [*only, *(getattr(PullRequest, name) for name in DERIVED_COLUMNS)]
        return super().save(force_insert=force_insert, only=only)


DERIVED_COLUMNS = (
    "size_lines",
    "cycle_seconds",
    "first_review_seconds",
    "merged_unreviewed",
    "created_day",
    "merged_day",
    "merged_month",
    "has_signatures",
)

# The metrics indexes. Each one answers its queries alone (it holds every column they read),
# so the table rows, which carry the PR bodies, are never read; and each holds the filter
# columns (repo, author, creation day), so a filtered report is answered the same way.
METRIC_VALUES = ("size_lines", "cycle_seconds", "first_review_seconds")
_FILTERS = ("repo", "author_login", "created_day")
_SIDE = ("is_ai_assisted", "has_signatures", "author_is_bot")  # the AI-vs-human side of a PR
METRICS_INDEXES: dict[str, tuple[tuple[str, ...], str | None]] = {
    # name: (columns, the column that must be set for a row to be in the index)
    # Counts per (repo, author, bot, LLM verdict, signatures): one pass, grouped in index order.
    "pull_request_metrics": (
        (
            "repo",
            "author_login",
            "author_is_bot",
            "is_ai_assisted",
            "has_signatures",
            "state",
            "enrichment_status",
            "merged_unreviewed",
            "review_count",
            "merged_day",
            "size_lines",
            "cycle_seconds",
            "first_review_seconds",
            "created_day",
        ),
        None,
    ),
    # Exact percentiles: each value in order overall (and per AI side), per repo and per
    # author, so that the value at a rank is an index seek plus a walk (LIMIT 2 OFFSET k).
    **{
        f"pull_request_{value}_{order}": (columns, value)
        for value in METRIC_VALUES
        for order, columns in (
            ("order", (value, *_SIDE, *_FILTERS)),
            ("by_repo", ("repo", value, "author_login", "created_day", *_SIDE)),
            ("by_author", ("author_login", value, "repo", "created_day", *_SIDE)),
        )
    },
    "pull_request_cycle_by_merge_month": (("merged_month", "cycle_seconds", *_FILTERS), "cycle_seconds"),
    "pull_request_merges_by_day": (("merged_day", *_FILTERS), "merged_day"),
    "pull_request_created_by_day": (("created_day", "is_ai_assisted", "has_signatures", "repo", "author_login"), None),
    "pull_request_ai_tools": (
        ("ai_tools_detected", "signature_tools", "is_ai_assisted", "has_signatures", *_FILTERS),
        None,
    ),
}
for _name, (_columns, _required) in METRICS_INDEXES.items():
    PullRequest.add_index(
        PullRequest.index(
            *(getattr(PullRequest, column) for column in _columns),
            name=_name,
            where=None if _required is None else getattr(PullRequest, _required).is_null(False),
        )
    )


def day_key(moment: datetime | date) -> int:
    """The UTC day of ``moment`` as the integer YYYYMMDD (naive datetimes are UTC)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.year * 10_000 + moment.month * 100 + moment.day


class DerivedMetrics(NamedTuple):
    """The figures of one PR that follow from its times and sizes.

    The one place they are computed: the store keeps them in columns (``derived_columns``) for
    the metrics indexes, and the exports' per-PR rows (``PRRow``) read them from here too.
    """

    size_lines: int  # additions + deletions
    cycle_seconds: float | None  # created -> merged, never below 0; None if not merged
    first_review_seconds: float | None  # created -> first review, never below 0
    merged_unreviewed: bool  # merged with no qualifying review before the merge
    created_day: int | None  # UTC day of creation as YYYYMMDD
    merged_day: int | None  # UTC day of the merge as YYYYMMDD
    merged_month: int | None  # UTC month of the merge as YYYYMM


def derived_metrics(
    created_at: datetime | str | None,
    merged_at: datetime | str | None,
    first_review_at: datetime | str | None,
    additions: int | None,
    deletions: int | None,
) -> DerivedMetrics:
    """A PR's derived figures, from the columns they come from."""
    created, merged, reviewed = _utc(created_at), _utc(merged_at), _utc(first_review_at)
    return DerivedMetrics(
        size_lines=(additions or 0) + (deletions or 0),
        cycle_seconds=_seconds(created, merged),
        first_review_seconds=_seconds(created, reviewed),
        merged_unreviewed=merged is not None and (reviewed is None or reviewed > merged),
        created_day=None if created is None else day_key(created),
        merged_day=None if merged is None else day_key(merged),
        merged_month=None if merged is None else day_key(merged) // 100,
    )


def derived_columns(
    created_at: datetime | str | None,
    merged_at: datetime | str | None,
    first_review_at: datetime | str | None,
    additions: int | None,
    deletions: int | None,
    signature_tools: Any,
) -> dict[str, Any]:
    """The derived columns of a PR row (``DERIVED_COLUMNS``), from the columns they come from."""
    return {
        **derived_metrics(created_at, merged_at, first_review_at, additions, deletions)._asdict(),
        "has_signatures": bool(signature_tools) and signature_tools != "[]",
    }


def _utc(moment: datetime | str | None) -> datetime | None:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from ``start`` to ``end``, never below 0 (GitHub's clocks disagree by a second or two)."""
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


class Review(BaseModel):
    id = pw.AutoField()
    pull_request = pw.ForeignKeyField(PullRequest, backref="reviews", on_delete="CASCADE")
    github_id = pw.CharField(unique=True)
    author_login = pw.CharField(null=True)
    author_is_bot = pw.BooleanField(default=False)
    state = pw.CharField()
    submitted_at = UTCDateTimeField(null=True)


class Commit(BaseModel):
    id = pw.AutoField()
    pull_request = pw.ForeignKeyField(PullRequest, backref="commits", on_delete="CASCADE")
    oid = pw.CharField()
    message = pw.TextField(default="")
    authored_at = UTCDateTimeField(null=True)
    author_name = pw.TextField(null=True)
    author_email = pw.TextField(null=True)
    author_login = pw.CharField(null=True)
    co_authors = JSONField(default=list)  # "Name <email>" from Co-authored-by trailers

    class Meta:
        # Not `commit`: that is an SQL keyword, and every query on it would need quoting.
        table_name = "pr_commit"
        indexes = ((("pull_request", "oid"), True),)


class SyncSlice(BaseModel):
    """One created-date slice of a repository's backfill, fetched alongside the others.

    Each stores its own resume point: ``cursor`` is the end cursor of its last stored page, so a
    killed sync resumes every slice where it stopped. ``method`` is ``search`` (a created-date
    search) or ``walk`` (``pullRequests`` newest first: the newest slice, and any slice whose
    search disagreed with its count). The rows go once the repository's backfill is complete.
    """

    id = pw.AutoField()
    repository = pw.ForeignKeyField(Repository, backref="slices", on_delete="CASCADE")
    start = UTCDateTimeField()  # created at or after
    end = UTCDateTimeField(null=True)  # created before (None: up to now)
    method = pw.CharField(default="search")
    cursor = pw.TextField(null=True)
    page_size = pw.IntegerField(null=True)
    done = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("repository", "start"), True),)


ALL_MODELS: tuple[type[BaseModel], ...] = (SchemaInfo, Repository, PullRequest, Review, Commit, SyncSlice)
