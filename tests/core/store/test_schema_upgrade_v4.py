"""Schema 2 databases (table ``commit``, REAL durations on PostgreSQL) upgrade in place, on both backends."""

from __future__ import annotations

import asyncio
from datetime import datetime

import peewee as pw

from tests.sync_helpers import DOCS, awkward_fake, run_sync
from tformance.core.dates import utc_now
from tformance.core.metrics.report import ReportFilter, compute_report
from tformance.core.metrics.types import TeamReport
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import SCHEMA_VERSION, Commit, PullRequest, SchemaInfo, db_proxy

OLD_INDEXES = {"commit_pull_request_id": "pull_request_id", "commit_pull_request_id_oid": "pull_request_id, oid"}


def make_schema_2(location: str, now: datetime) -> TeamReport:
    """A synced database put back in schema 2's shape (the ``commit`` table, and REAL on PostgreSQL);
    the report it gave on the current schema."""
    database = open_database(location)
    assert asyncio.run(run_sync(awkward_fake(), [DOCS])).ok
    report = compute_report(ReportFilter(), now=now)
    with database.atomic():
        for index in database.get_indexes("pr_commit"):
            if not index.name.endswith("_pkey"):
                database.execute_sql(f'DROP INDEX "{index.name}"')
        database.execute_sql('ALTER TABLE pr_commit RENAME TO "commit"')
        for name, columns in OLD_INDEXES.items():
            unique = "UNIQUE " if "oid" in columns else ""
            database.execute_sql(f'CREATE {unique}INDEX "{name}" ON "commit" ({columns})')
        if isinstance(database, pw.PostgresqlDatabase):
            database.execute_sql('ALTER SEQUENCE "pr_commit_id_seq" RENAME TO "commit_id_seq"')
            for column in ("cycle_seconds", "first_review_seconds"):
                database.execute_sql(f"ALTER TABLE pull_request ALTER COLUMN {column} TYPE REAL")
        SchemaInfo.update(value="2").where(SchemaInfo.key == "schema_version").execute()
    return report


def test_a_schema_2_database_gets_pr_commit_and_exact_durations(database_location: str) -> None:
    now = utc_now()
    report = make_schema_2(database_location, now)
    database = db_proxy.obj
    long_one = PullRequest.select().order_by(PullRequest.cycle_seconds.desc(nulls="LAST")).first()
    expected = (long_one.merged_at - long_one.created_at).total_seconds()
    commits = database.execute_sql('SELECT count(*) FROM "commit"').fetchone()[0]
    close_database()

    database = open_database(database_location)
    assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
    assert not database.table_exists("commit")
    assert database.execute_sql("SELECT count(*) FROM pr_commit").fetchone()[0] == commits > 0  # no quotes needed
    assert {index.name for index in database.get_indexes("pr_commit")} - {"pr_commit_pkey"} == {
        "pr_commit_pull_request_id",
        "pr_commit_pull_request_id_oid",
    }
    assert PullRequest.get_by_id(long_one.id).cycle_seconds == expected == 300 * 86_400 + 7
    assert compute_report(ReportFilter(), now=now) == report
    close_database()

    open_database(database_location)  # already upgraded: opens as it is, and a resync upserts into pr_commit
    assert asyncio.run(run_sync(awkward_fake(), [DOCS])).ok
    assert Commit.select().count() == commits
