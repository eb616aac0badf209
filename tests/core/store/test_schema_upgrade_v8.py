"""Schema 7 databases (with ``repository.sync_progress``) upgrade in place, on both backends."""

from __future__ import annotations

import asyncio

from tests.sync_helpers import DOCS, make_fake, run_sync
from tformance.core.store import database as database_module
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import SCHEMA_VERSION, Repository, SchemaInfo


def repository_columns(database: object) -> set[str]:
    return {column.name for column in database.get_columns("repository")}  # type: ignore[attr-defined]


def test_a_schema_7_database_loses_sync_progress_and_keeps_its_repositories(database_location: str) -> None:
    database = open_database(database_location)
    assert asyncio.run(run_sync(make_fake(), [DOCS])).ok
    before = [(r.full_name, r.sync_status, r.sync_prs_completed, r.last_synced_at) for r in Repository.select()]
    with database.atomic():  # back to schema 7's shape: the column, set as the sync used to set it
        database.execute_sql("ALTER TABLE repository ADD COLUMN sync_progress INTEGER NOT NULL DEFAULT 0")
        database.execute_sql("UPDATE repository SET sync_progress = 100")
        SchemaInfo.update(value="7").where(SchemaInfo.key == "schema_version").execute()
    assert "sync_progress" in repository_columns(database)
    close_database()

    database = open_database(database_location)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION) == "8"
        assert "sync_progress" not in repository_columns(database)
        after = [(r.full_name, r.sync_status, r.sync_prs_completed, r.last_synced_at) for r in Repository.select()]
        assert after == before and after, "nothing else lost in the upgrade"
        database_module._drop_sync_progress(database)  # idempotent: a second run changes nothing
        assert asyncio.run(run_sync(make_fake(), [DOCS])).ok, "and the sync runs on the upgraded schema"
    finally:
        close_database()
