"""Opening the database: SQLite file (WAL) by default, or any ``playhouse.db_url`` URL."""

from __future__ import annotations

from pathlib import Path

import peewee as pw
from playhouse import db_url

from .errors import DatabaseError
from .models import ALL_MODELS, SCHEMA_VERSION, SchemaInfo, db_proxy
from .settings import expand_path

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",  # safe with WAL: a crash loses at most the last transaction
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,
}

# Upgrade steps: version N -> N+1. Each takes the open database. Add one per schema change.
MIGRATIONS: dict[int, object] = {}


def open_database(location: str | Path) -> pw.Database:
    """Open (creating if needed) the database at a path or URL, bind the models, upgrade the schema."""
    location = expand_path(str(location))
    try:
        if "://" in location:
            database: pw.Database = db_url.connect(location)
        else:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
            database = pw.SqliteDatabase(location, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
        db_proxy.initialize(database)
        database.connect(reuse_if_open=True)
        with database.atomic():
            database.create_tables(ALL_MODELS, safe=True)
            _upgrade(database)
    except pw.PeeweeException as error:
        raise DatabaseError(f"cannot open the database at {location}: {error}") from None
    return database


def _upgrade(database: pw.Database) -> None:
    row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
    if row is None:
        SchemaInfo.create(key="schema_version", value=str(SCHEMA_VERSION))
        return
    version = int(row.value)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"this database was written by a newer tformance (schema {version}, this one knows "
            f"{SCHEMA_VERSION}): upgrade tformance, or pass --db with another file"
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise DatabaseError(
                f"cannot upgrade database schema {version} to {SCHEMA_VERSION}: move the file aside and sync again"
            )
        step(database)  # type: ignore[operator]
        version += 1
    SchemaInfo.update(value=str(SCHEMA_VERSION)).where(SchemaInfo.key == "schema_version").execute()


def close_database() -> None:
    database = db_proxy.obj
    if database is not None and not database.is_closed():
        database.close()
