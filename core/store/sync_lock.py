"""One sync per database at a time, across processes, on SQLite and PostgreSQL.

SQLite: an OS file lock (``flock``) on ``<database>.sync-lock`` beside the database. The kernel
releases it when the process ends, even on ``kill -9``, so a stale lock never blocks anyone. The
file holds the holder's pid and start time, for the message the second process shows.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own,
released by the server when that connection closes (or the process dies). The holder names itself
in ``application_name``, so the second process can say who holds it and since when.

The lock is re-entrant within one process (the app may run a retry beside the main sync).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tformance.core.errors import TformanceError
from tformance.core.settings import expand_path

# pg_try_advisory_lock(bigint): a fixed key, since advisory locks are already per database.
ADVISORY_KEY = 0x7466_5359  # "tfSY"
_APPLICATION_PREFIX = "tformance sync pid="


class SyncLocked(TformanceError):
    """Another process is syncing this database; nothing was touched."""

    def __init__(self, pid: int | None, since: datetime | None) -> None:
        who = f"pid {pid}" if pid else "another process"
        when = f", since {since.astimezone():%H:%M}" if since else ""
        super().__init__(
            f"another sync of this database is running ({who}{when}): wait for it to finish, it does the same work"
        )
        self.pid = pid
        self.since = since


@dataclass
class _Held:
    handle: Any  # an open file (SQLite) or a Peewee database with its own connection (PostgreSQL)
    count: int = 1


_held: dict[str, _Held] = {}
_guard = threading.Lock()


class SyncLock:
    """Hold with ``with SyncLock(location):``; raises ``SyncLocked`` if another process holds it."""

    def __init__(self, location: str | Path) -> None:
        location = expand_path(str(location))
        if location.startswith("sqlite") and "://" in location:
            location = location.split("://", 1)[1][1:]  # sqlite:///rel.db or sqlite:////abs.db: a file
        self.location = location
        self._acquired = False

    def acquire(self) -> None:
        with _guard:
            held = _held.get(self.location)
            if held is not None:
                held.count += 1
            else:
                handle = _lock_url(self.location) if "://" in self.location else _lock_file(self.location)
                _held[self.location] = _Held(handle)
        self._acquired = True

    def release(self) -> None:
        if not self._acquired:
            return
        self._acquired = False
        with _guard:
            held = _held[self.location]
            held.count -= 1
            if held.count:
                return
            del _held[self.location]
        handle = held.handle
        if hasattr(handle, "fileno"):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
        else:
            handle.close()  # the server drops a session's advisory locks with the session

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_path(database_path: str | Path) -> Path:
    """The lock file beside an SQLite database."""
    path = Path(database_path)
    return path.with_name(path.name + ".sync-lock")


def _lock_file(database_path: str) -> Any:
    path = lock_path(database_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        # No place for a lock file (read-only directory, parent is a file): opening the database
        # reports the real problem in one line, so do not hide it behind a lock error here.
        return open(os.devnull, "rb")  # noqa: SIM115 (closed by release)
    handle = os.fdopen(descriptor, "r+", encoding="utf-8")
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(handle)
        handle.close()
        raise SyncLocked(*holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "since": datetime.now().astimezone().isoformat()}))
    handle.flush()
    return handle


def _read_holder(handle: Any) -> tuple[int | None, datetime | None]:
    try:
        handle.seek(0)
        data = json.loads(handle.read() or "{}")
        return int(data["pid"]), datetime.fromisoformat(data["since"])
    except (ValueError, KeyError, TypeError, OSError):
        return None, None


def _lock_url(url: str) -> Any:
    from playhouse import db_url

    database = db_url.connect(url)
    database.connect()
    try:
        database.execute_sql("SET application_name = %s", (f"{_APPLICATION_PREFIX}{os.getpid()}",))
        (got,) = database.execute_sql("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
        if got:
            return database
        row = database.execute_sql(
            "SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.objid = %s AND l.granted AND l.database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1",
            (ADVISORY_KEY,),
        ).fetchone()
    except BaseException:
        database.close()
        raise
    database.close()
    pid = None
    since = None
    if row is not None:
        name, since = row
        if isinstance(name, str) and name.startswith(_APPLICATION_PREFIX):
            pid = int(name.removeprefix(_APPLICATION_PREFIX) or 0) or None
    raise SyncLocked(pid, since)
