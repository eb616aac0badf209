"""Opening the database: SQLite file (WAL) by default, or any ``playhouse.db_url`` URL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import peewee as pw
from playhouse import db_url
from playhouse.migrate import SchemaMigrator, migrate

from tformance.core.errors import DatabaseError, DatabaseFull
from tformance.core.settings import expand_path
from tformance.core.store.models import (
    ALL_MODELS,
    DERIVED_COLUMNS,
    SCHEMA_VERSION,
    Commit,
    PullRequest,
    Repository,
    SchemaInfo,
    SyncSlice,
    db_proxy,
    derived_columns,
)

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
    _refill_derived_columns(database, fields)


def _refill_derived_columns(database: pw.Database, fields: Sequence[pw.Field]) -> None:
    """Recompute these derived columns of every PR from the columns they come from."""
    pr = PullRequest
    sources = (pr.id, pr.created_at, pr.merged_at, pr.first_review_at, pr.additions, pr.deletions, pr.signature_tools)
    last_id = 0
    while True:
        query = pr.select(*sources).where(pr.id > last_id).order_by(pr.id).limit(BACKFILL_BATCH)
        rows = list(cast("Iterable[tuple[Any, ...]]", query.tuples()))  # Peewee types rows as models
        if not rows:
            break
        _update_by_id(database, fields, ((row[0], derived_columns(*row[1:])) for row in rows))
        last_id = rows[-1][0]


def _add_signature_rules_version(database: pw.Database) -> None:
    """Schema 2 -> 3: ``PullRequest.signature_rules_version``, left empty: every stored PR is then
    judged again by the current rules, from its stored text, at the next sync or ``detect --rescan``."""
    table = PullRequest._meta.table_name
    field = PullRequest._meta.fields["signature_rules_version"]
    if field.column_name not in {column.name for column in database.get_columns(table)}:
        migrate(SchemaMigrator.from_database(database).add_column(table, field.column_name, field))


def _index_pull_request_node_ids(database: pw.Database) -> None:
    """Schema 3 -> 4: an index on PullRequest's node id, so storing a page can tell in one lookup
    whether its PRs already belong to another row (the same repository under its old name)."""
    table = PullRequest._meta.table_name
    if not any(index.columns == ["github_id"] for index in database.get_indexes(table)):
        migrate(SchemaMigrator.from_database(database).add_index(table, ("github_id",), False))


def _durations_in_double_precision(database: pw.Database) -> None:
    """Schema 4 -> 5: durations as double precision on PostgreSQL, recomputed from the timestamps.

    PostgreSQL's REAL keeps 6 significant digits (a 40-day cycle time lost up to half a minute);
    SQLite's REAL is already a double, so there is nothing to do there.
    """
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    table = PullRequest._meta.table_name
    fields = [PullRequest.cycle_seconds, PullRequest.first_review_seconds]
    types = {column.name: column.data_type for column in database.get_columns(table)}
    if all(types.get(field.column_name) == "double precision" for field in fields):
        return
    for field in fields:
        _execute(database, f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE DOUBLE PRECISION')
    _refill_derived_columns(database, fields)


def _rename_commit_table(database: pw.Database) -> None:
    """Schema 5 -> 6: table ``commit`` (an SQL keyword, so every query needed quotes) becomes ``pr_commit``.

    The old indexes go with their old names; ``open_database`` creates the model's under the new ones.
    """
    new_name = Commit._meta.table_name
    if not database.table_exists("commit"):
        return
    migrator = SchemaMigrator.from_database(database)
    migrate(migrator.rename_table("commit", new_name))
    for index in database.get_indexes(new_name):
        if index.name.startswith("commit_") and not index.name.endswith("_pkey"):
            migrate(migrator.drop_index(new_name, index.name))
    if isinstance(database, pw.PostgresqlDatabase):  # keep the id sequence's name in step with its table
        _execute(database, f'ALTER SEQUENCE IF EXISTS "commit_id_seq" RENAME TO "{new_name}_id_seq"')


def _add_sync_slices(database: pw.Database) -> None:
    """Schema 6 -> 7: the ``sync_slice`` table, where each backfill slice keeps its resume point."""
    database.create_tables([SyncSlice], safe=True)


def _drop_sync_progress(database: pw.Database) -> None:
    """Schema 7 -> 8: ``repository.sync_progress`` goes. It was only ever set to 100, at the end of
    a repo's sync: ``sync_status`` and the PR counts beside it already say that."""
    table = Repository._meta.table_name
    if "sync_progress" in {column.name for column in database.get_columns(table)}:
        migrate(SchemaMigrator.from_database(database).drop_column(table, "sync_progress"))


# Upgrade steps: version N -> N+1. Each takes the open database. Add one per schema change.
MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {
    1: _add_derived_columns,
    2: _add_signature_rules_version,
    3: _index_pull_request_node_ids,
    4: _durations_in_double_precision,
    5: _rename_commit_table,
    6: _add_sync_slices,
    7: _drop_sync_progress,
}


def _execute(database: pw.Database, sql: str, params: Sequence[Any] = ()) -> None:
    """Run one statement whose result is not needed."""
    database.execute_sql(sql, params)  # type: ignore[no-untyped-call]  # Peewee is unannotated


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
    context = database.get_sql_context()
    sql, order = context.sql(query).query()  # type: ignore[no-untyped-call]  # Peewee is unannotated
    id_slot = order.index(len(fields))
    converters = [(fields[slot].name, fields[slot].db_value) if slot != len(fields) else None for slot in order]
    params = []
    for row_id, values in rows:
        row = [None if entry is None else entry[1](values[entry[0]]) for entry in converters]
        row[id_slot] = row_id
        params.append(row)
    cursor = database.cursor()  # type: ignore[no-untyped-call]  # Peewee is unannotated
    cursor.executemany(sql, params)


class _SqliteDatabase(pw.SqliteDatabase):
    """SQLite whose ``ROLLBACK`` is a no-op once SQLite has already rolled the transaction back.

    On SQLITE_FULL (and some I/O errors) SQLite ends the transaction itself; Peewee's rollback then
    fails with "cannot rollback - no transaction is active", which would hide the real error.
    """

    def rollback(self) -> None:
        connection = self._state.conn  # type: ignore[attr-defined]  # Peewee sets it, unannotated
        if connection is not None and not connection.in_transaction:
            return
        super().rollback()


def open_database(location: str | Path) -> pw.Database:
    """Open (creating if needed) the database at a path or URL, bind the models, upgrade the schema.

    A database already at this schema version is only read, never written: reports and the app's
    dashboard open it safely while a sync writes. A new SQLite file is created 0600 in a
    directory created 0700 (SQLite gives its -wal and -shm files the database file's mode).
    """
    location = expand_path(str(location))
    try:
        if "://" in location:
            database: pw.Database = db_url.connect(location)
        else:
            _create_private_file(Path(location))
            database = _SqliteDatabase(location, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
        db_proxy.initialize(database)
        database.connect(reuse_if_open=True)
        if _schema_version(database) != SCHEMA_VERSION:
            with write_transaction(database):
                _serialise_schema_changes(database)
                # Upgrade the existing tables first: the models' indexes may need the new columns.
                # Then create what is missing, tables and indexes (in an upgrade: the new indexes).
                database.create_tables([SchemaInfo], safe=True)
                _upgrade(database, location)
                database.create_tables(ALL_MODELS, safe=True)
    except (pw.PeeweeException, sqlite3.Error) as error:
        raise database_failure(error, location, opening=True) from None
    return database


def write_transaction(database: pw.Database | None = None) -> Any:
    """A transaction that writes: on SQLite it begins as a writer (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes cannot wait for another writer: SQLite fails
    it at once with "database is locked". Taking the write lock first lets SQLite's busy timeout
    queue it behind the other writer instead. Read-only transactions stay deferred, never blocking.
    """
    database = database or db_proxy.obj
    if isinstance(database, pw.SqliteDatabase):
        return database.atomic("IMMEDIATE")
    return database.atomic()


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 (its directory 0700) if missing, so no other user can read PR text."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, NotADirectoryError):
        if not path.parent.is_dir():
            raise DatabaseError(_not_a_directory(path)) from None
    except OSError as error:
        raise DatabaseError(f"cannot create the database at {path}: {error.strerror or error}") from None


def _not_a_directory(path: Path) -> str:
    blocker = next((parent for parent in path.parents if parent.exists()), path.parent)
    return f"cannot create the database at {path}: {blocker} is a file, not a directory (pass --db elsewhere)"


def _schema_version(database: pw.Database) -> str | int | None:
    """The stored schema version, read without writing; None when there is no version row yet."""
    if not database.table_exists(SchemaInfo._meta.table_name):
        return None
    row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
    if row is None:
        return None
    try:
        return int(row.value)
    except ValueError:
        return row.value


def database_failure(error: BaseException, location: str | None = None, *, opening: bool = False) -> DatabaseError:
    """The one-line error a person can act on for a failure of the database (SQLite or PostgreSQL).

    A full disk is ``DatabaseFull`` (the sync stops and resumes exactly once space is freed); a
    damaged file says how to move it aside; anything else names the database and what went wrong.
    """
    if isinstance(error, DatabaseError):
        return error
    where = location or _location()
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    lowered = message.lower()
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
        return DatabaseFull(
            f"the disk holding the database is full ({where}): free some space, or move the database and "
            "pass --db, then run the same command again; it resumes where it stopped"
        )
    if "malformed" in lowered or "not a database" in lowered or "disk i/o error" in lowered:
        return DatabaseError(
            f"the database at {where} is damaged ({message}): move it aside (with its -wal file) and sync again"
        )
    if "database is locked" in lowered or "database is busy" in lowered:
        return DatabaseError(f"the database at {where} stayed locked by another process: try again when it is done")
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"the database at {where} is read-only for this user: check its permissions")
    verb = "open" if opening else "use"
    return DatabaseError(f"cannot {verb} the database at {where}: {message}")


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a Peewee or sqlite3 failure inside the block into ``database_failure``'s one-line error."""
    try:
        yield
    except (pw.PeeweeException, sqlite3.Error) as error:
        raise database_failure(error) from None


def _location() -> str:
    database = db_proxy.obj
    if isinstance(database, pw.SqliteDatabase):
        return str(database.database)
    if database is not None:
        return f"the {type(database).__name__.removesuffix('Database')} database {database.database}"
    return "the database"


# A transaction-scoped advisory lock: two people opening one PostgreSQL database at the same
# moment would otherwise both create the tables (and one fail) or both run an upgrade step.
SCHEMA_LOCK_KEY = 0x7466_5343  # "tfSC"


def _serialise_schema_changes(database: pw.Database) -> None:
    """On PostgreSQL, wait until no one else is creating or upgrading the schema (released at commit)."""
    if isinstance(database, pw.PostgresqlDatabase):
        _execute(database, "SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))


def _upgrade(database: pw.Database, location: str) -> None:
    row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
    if row is None:
        if not database.table_exists(PullRequest._meta.table_name):  # a new database
            SchemaInfo.create(key="schema_version", value=str(SCHEMA_VERSION))
            return
        row = SchemaInfo.create(key="schema_version", value="1")  # tables from before the version row
    try:
        version = int(row.value)
    except ValueError:
        raise DatabaseError(
            f"the database at {location} has schema version {row.value[:40]!r}, which is not a number: it is "
            "damaged or not tformance's; move it aside and sync again"
        ) from None
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
