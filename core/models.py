"""Peewee models. The database is bound at start-up (``database.open_database``), never at import.

Only Peewee's query builder is used, so the same models run on SQLite or PostgreSQL.
Datetimes are stored as naive UTC and come back as aware UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import peewee as pw

db_proxy = pw.DatabaseProxy()

SCHEMA_VERSION = 1


class UTCDateTimeField(pw.DateTimeField):
    """Stores aware datetimes as naive UTC text; returns aware UTC datetimes."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)
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

    full_name = pw.CharField(unique=True)  # OWNER/NAME as GitHub spells it
    owner = pw.CharField()
    name = pw.CharField()
    github_id = pw.CharField(null=True)
    is_private = pw.BooleanField(default=False)
    is_archived = pw.BooleanField(default=False)
    pushed_at = UTCDateTimeField(null=True)
    prs_last_6_months = pw.IntegerField(null=True)

    sync_status = pw.CharField(default=SyncStatus.PENDING, index=True)
    sync_progress = pw.IntegerField(default=0)  # 0-100
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
    repo = pw.ForeignKeyField(Repository, backref="pull_requests", on_delete="CASCADE")
    number = pw.IntegerField()
    github_id = pw.CharField()
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
    is_ai_assisted = pw.BooleanField(null=True)
    ai_tools_detected = JSONField(default=list)
    llm_summary = pw.TextField(null=True)
    llm_summary_version = pw.CharField(null=True)
    enrichment_status = pw.CharField(default=EnrichmentStatus.PENDING, index=True)

    class Meta:
        indexes = ((("repo", "number"), True),)


class Review(BaseModel):
    pull_request = pw.ForeignKeyField(PullRequest, backref="reviews", on_delete="CASCADE")
    github_id = pw.CharField(unique=True)
    author_login = pw.CharField(null=True)
    author_is_bot = pw.BooleanField(default=False)
    state = pw.CharField()
    submitted_at = UTCDateTimeField(null=True)


class Commit(BaseModel):
    pull_request = pw.ForeignKeyField(PullRequest, backref="commits", on_delete="CASCADE")
    oid = pw.CharField()
    message = pw.TextField(default="")
    authored_at = UTCDateTimeField(null=True)
    author_name = pw.TextField(null=True)
    author_email = pw.TextField(null=True)
    author_login = pw.CharField(null=True)
    co_authors = JSONField(default=list)  # "Name <email>" from Co-authored-by trailers

    class Meta:
        indexes = ((("pull_request", "oid"), True),)


ALL_MODELS: tuple[type[BaseModel], ...] = (SchemaInfo, Repository, PullRequest, Review, Commit)
