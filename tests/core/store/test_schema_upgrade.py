"""Opening a schema-1 database (from before the derived metric columns) upgrades it in place."""

from __future__ import annotations

import sqlite3

import pytest
from playhouse.migrate import SchemaMigrator, migrate

from tests.factories import NOW, seed_random_team, seed_team
from tformance.core.metrics import scan as metrics_queries
from tformance.core.metrics.report import ReportFilter, compute_report
from tformance.core.store import database as database_module
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import (
    DERIVED_COLUMNS,
    METRICS_INDEXES,
    SCHEMA_VERSION,
    PullRequest,
    SchemaInfo,
    derived_columns,
)

FILTERS = (ReportFilter(), ReportFilter(repo="acme/web"), ReportFilter(author="bob"))


def make_schema_1(path, seed) -> list:
    """A database in schema 1's shape, holding ``seed``'s PRs; the reports on the current schema.

    Schema 1 is the current one without the derived columns and the metrics indexes: the
    current tables, less those, give exactly the version-1 table.
    """
    database = open_database(path)
    seed()
    reports = [compute_report(filters, now=NOW) for filters in FILTERS]
    table = PullRequest._meta.table_name
    migrator = SchemaMigrator.from_database(database)
    with database.atomic():
        migrate(
            *(migrator.drop_index(table, name) for name in METRICS_INDEXES),
            *(migrator.drop_column(table, column) for column in DERIVED_COLUMNS),
        )
        SchemaInfo.update(value="1").where(SchemaInfo.key == "schema_version").execute()
    close_database()
    return reports


def columns_and_indexes(path) -> tuple[set[str], set[str]]:
    connection = sqlite3.connect(path)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(pull_request)")}
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(pull_request)")}
    finally:
        connection.close()
    return columns, indexes


@pytest.mark.parametrize("engine", ["values", "indexes"])
@pytest.mark.parametrize("seed", [seed_team, seed_random_team])
def test_a_schema_1_database_is_upgraded_and_reports_as_a_new_one(tmp_path, monkeypatch, seed, engine):
    monkeypatch.setattr(metrics_queries, "SMALL_SELECTION", 10**9 if engine == "values" else -1)
    path = tmp_path / "v1.db"
    fresh_reports = make_schema_1(path, seed)
    columns, indexes = columns_and_indexes(path)
    assert not columns & set(DERIVED_COLUMNS) and not indexes & set(METRICS_INDEXES)

    monkeypatch.setattr(database_module, "BACKFILL_BATCH", 7)  # several batches
    open_database(path)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
        columns, indexes = columns_and_indexes(path)
        assert set(DERIVED_COLUMNS) <= columns and set(METRICS_INDEXES) <= indexes
        stored = list(PullRequest.select())
        assert stored
        for pr in stored:  # every row backfilled from its own columns
            sources = (pr.created_at, pr.merged_at, pr.first_review_at, pr.additions, pr.deletions, pr.signature_tools)
            assert {name: getattr(pr, name) for name in DERIVED_COLUMNS} == derived_columns(*sources)
        assert [compute_report(filters, now=NOW) for filters in FILTERS] == fresh_reports
    finally:
        close_database()


def test_tables_without_a_version_row_are_schema_1(tmp_path):
    path = tmp_path / "v1.db"
    make_schema_1(path, seed_team)
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM schema_info")
    connection.commit()
    connection.close()
    open_database(path)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
        assert PullRequest.select().where(PullRequest.created_day.is_null()).count() == 0
    finally:
        close_database()


def test_an_upgraded_database_opens_without_upgrading_again(tmp_path):
    path = tmp_path / "t.db"
    open_database(path)
    close_database()
    open_database(path)  # already at the current version: no step runs (none is registered for it)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
    finally:
        close_database()


def test_reopening_an_upgraded_database_runs_no_step_again(tmp_path):
    """Each step runs once: a derived column changed after the upgrade from schema 1 stays as it is
    when the database opens again, though step 1 (the backfill) would recompute it; put the version
    back to 1 and the next open does recompute it."""
    path = tmp_path / "v1.db"
    make_schema_1(path, seed_team)
    open_database(path)  # the upgrade: every step from schema 1 runs, the backfill among them
    row_id = PullRequest.select(PullRequest.id).order_by(PullRequest.id).first().id
    backfilled = PullRequest.get_by_id(row_id).cycle_seconds
    close_database()
    assert backfilled is not None

    def set_on_disk(statement: str) -> None:
        connection = sqlite3.connect(path)
        connection.execute(statement)
        connection.commit()
        connection.close()

    def stored() -> tuple[str, float | None]:
        open_database(path)
        try:
            version = SchemaInfo.get(SchemaInfo.key == "schema_version").value
            return version, PullRequest.get_by_id(row_id).cycle_seconds
        finally:
            close_database()

    set_on_disk(f"UPDATE pull_request SET cycle_seconds = -1 WHERE id = {row_id}")
    assert stored() == (str(SCHEMA_VERSION), -1)
    assert stored() == (str(SCHEMA_VERSION), -1), "nor on the open after that"

    set_on_disk("UPDATE schema_info SET value = '1' WHERE key = 'schema_version'")
    assert stored() == (str(SCHEMA_VERSION), backfilled), "the steps from schema 1 rewrite it when they are due"


def test_a_schema_2_database_gets_the_pr_node_id_index(tmp_path):
    path = tmp_path / "v2.db"
    open_database(path)
    seed_team()
    close_database()
    connection = sqlite3.connect(path)
    connection.execute("DROP INDEX pull_request_github_id")
    connection.execute("UPDATE schema_info SET value = '2' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    assert "pull_request_github_id" not in columns_and_indexes(path)[1]
    open_database(path)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
    finally:
        close_database()
    assert "pull_request_github_id" in columns_and_indexes(path)[1]


def test_a_schema_2_database_gains_the_sync_slice_table(tmp_path):
    path = tmp_path / "v2.db"
    database = open_database(path)
    seed_team()
    stored = PullRequest.select().count()
    with database.atomic():
        database.execute_sql("DROP TABLE sync_slice")
        SchemaInfo.update(value="2").where(SchemaInfo.key == "schema_version").execute()
    close_database()

    database = open_database(path)
    try:
        assert database.table_exists("sync_slice")
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
        assert PullRequest.select().count() == stored, "nothing lost in the upgrade"
        database_module._add_sync_slices(database)  # idempotent: a second run changes nothing
    finally:
        close_database()
