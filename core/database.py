"""Opening the database: SQLite file (WAL) by default, or any ``playhouse.db_url`` URL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import peewee as pw
from playhouse import db_url
from playhouse.migrate import SchemaMigrator, migrate

from .errors import DatabaseError
from .models import (
    ALL_MODELS,
    DERIVED_COLUMNS,
    SCHEMA_VERSION,
    PullRequest,
    SchemaInfo,
    SyncSlice,
    db_proxy,
    derived_columns,
)
from .settings import expand_path

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",  # safe with WAL: a crash loses at most the last transaction
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,
}

BACKFILL_BATCH = 2_000  # rows read and rewritten per statement batch by data migrations


def _add_derived_columns(database: pw.Database) -> None:
    """Schema 1 -> 2: PullRequest's derived metric columns, added and filled from each row.

    Their indexes (``models.METRICS_INDEXES``) are created right after, by ``open_database``,
    like any index the models declare: a step only does what later models cannot redo.
    """
    table = PullRequest._meta.table_name
    existing = {column.name for column in database.get_columns(table)}
    migrator = SchemaMigrator.from_database(database)
    fields = [PullRequest._meta.fields[name] for name in DERIVED_COLUMNS]
    migrate(
        *(migrator.add_column(table, field.column_name, field) for field in fields if field.column_name not in existing)
    )
    pr = PullRequest
    sources = (pr.id, pr.created_at, pr.merged_at, pr.first_review_at, pr.additions, pr.deletions, pr.signature_tools)
    last_id = 0
    while True:
        rows = list(pr.select(*sources).where(pr.id > last_id).order_by(pr.id).limit(BACKFILL_BATCH).tuples())
        if not rows:
            break
        _update_by_id(database, fields, ((row[0], derived_columns(*row[1:])) for row in rows))
        last_id = rows[-1][0]


def _add_sync_slices(database: pw.Database) -> None:
    """Schema 2 -> 3: the ``sync_slice`` table, where each backfill slice keeps its resume point."""
    database.create_tables([SyncSlice], safe=True)


# Upgrade steps: version N -> N+1. Each takes the open database. Add one per schema change.
MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {1: _add_derived_columns, 2: _add_sync_slices}


def _update_by_id(
    database: pw.Database, fields: Sequence[pw.Field], rows: Iterable[tuple[int, dict[str, Any]]]
) -> None:
    """``UPDATE ... SET fields WHERE id = ?`` for many rows: one statement, run with ``executemany``.

    Peewee writes the statement (so it suits the database in use); numbered markers in
    place of the values tell in which order it wants them.
    """
    model = fields[0].model
    marked = {field: pw.Value(index, unpack=False) for index, field in enumerate(fields)}
    query = model.update(marked).where(model._meta.primary_key == pw.Value(len(fields), unpack=False))
    sql, order = database.get_sql_context().sql(query).query()
    id_slot = order.index(len(fields))
    converters = [(fields[slot].name, fields[slot].db_value) if slot != len(fields) else None for slot in order]
    params = []
    for row_id, values in rows:
        row = [None if entry is None else entry[1](values[entry[0]]) for entry in converters]
        row[id_slot] = row_id
        params.append(row)
    database.cursor().executemany(sql, params)


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
            # Upgrade the existing tables first: the models' indexes may need the new columns.
            # Then create what is missing, tables and indexes (in an upgrade: the new indexes).
            database.create_tables([SchemaInfo], safe=True)
            _upgrade(database)
            database.create_tables(ALL_MODELS, safe=True)
    except pw.PeeweeException as error:
        raise DatabaseError(f"cannot open the database at {location}: {error}") from None
    return database


def _upgrade(database: pw.Database) -> None:
    row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
    if row is None:
        if not database.table_exists(PullRequest._meta.table_name):  # a new database
            SchemaInfo.create(key="schema_version", value=str(SCHEMA_VERSION))
            return
        row = SchemaInfo.create(key="schema_version", value="1")  # tables from before the version row
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
        step(database)
        version += 1
    SchemaInfo.update(value=str(SCHEMA_VERSION)).where(SchemaInfo.key == "schema_version").execute()


def close_database() -> None:
    database = db_proxy.obj
    if database is not None and not database.is_closed():
        database.close()
