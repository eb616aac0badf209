"""The database under stress, as a user meets it: a second sync, a reader during a sync, a full disk,
damaged and odd files. Each ends in one line a person can act on, an exit code, and nothing lost."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
import uuid

import pytest

from tests.cli_support import one_line, tformance
from tests.sync_helpers import cli_env, expected_in_range, lock_held_by_another_process, make_fake, run_sync
from tformance.core.errors import DatabaseFull
from tformance.core.store.database import close_database, open_database
from tformance.core.store.sync_lock import SyncLock, SyncLocked

DOCS = "acme-robotics/docs"
FLEET = "acme-robotics/fleet-console"


def _numbers(db_path) -> list[tuple[int, int]]:
    with sqlite3.connect(db_path) as connection:
        return list(connection.execute("select repo_id, number from pull_request order by 1, 2"))


def _synced_database(tmp_path, url: str, *repos: str):
    db = tmp_path / "t.db"
    args = [arg for repo in repos for arg in ("--repo", repo)]
    result = tformance("sync", *args, "--db", str(db), "--no-llm", env=cli_env(url))
    assert result.returncode == 0, result.stderr
    return db


# -- one sync per database -----------------------------------------------------------------


def test_a_second_sync_of_one_database_exits_2_naming_the_first_and_touches_nothing(tmp_path, served_fake):
    fake, url = served_fake
    db = _synced_database(tmp_path, url, DOCS)
    before = db.read_bytes()
    requests = len(fake.requests)
    with SyncLock(db):  # this test process is the sync "already running"
        second = tformance("sync", "--db", str(db), "--no-llm", env=cli_env(url))
    assert second.returncode == 2
    line = one_line(second)
    assert f"another sync of this database is running (pid {os.getpid()}, since " in line
    assert db.read_bytes() == before and len(fake.requests) == requests, "no state touched, nothing fetched"
    assert tformance("sync", "--db", str(db), "--no-llm", env=cli_env(url)).returncode == 0, "free again once released"


def test_two_syncs_started_together_do_the_work_once(tmp_path, served_fake):
    fake, url = served_fake
    fake.latency_per_request = 0.3  # the first sync runs for a few seconds
    db = tmp_path / "t.db"
    command = [sys.executable, "-m", "tformance", "sync", "--repo", FLEET, "--db", str(db), "--no-llm"]
    env = {**os.environ, **cli_env(url, TFORMANCE_PAGE_SIZE="20")}
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (db.parent / "t.db.sync-lock").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    reports = [tformance("report", "--db", str(db), "--format", "json") for _ in range(3)]  # while it writes
    still_syncing = first.poll() is None
    _, first_err = first.communicate(timeout=120)
    assert still_syncing, "the reports ran during the sync"
    assert all(report.returncode == 0 for report in reports), [report.stderr for report in reports]
    assert first.returncode == 0, first_err
    assert second.returncode == 2 and "another sync of this database is running (pid " in one_line(second)
    numbers = _numbers(db)
    assert len(numbers) == len(set(numbers)) == len(expected_in_range(fake, FLEET))
    assert "Traceback" not in first_err


def test_the_lock_works_on_postgresql(tmp_path):
    psycopg2 = pytest.importorskip("psycopg2", reason="PostgreSQL driver not installed")
    try:
        psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=2).close()
    except psycopg2.Error as error:
        pytest.skip(f"no PostgreSQL server answers on 127.0.0.1: {error}")
    name = f"tf_robust_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        script = (
            "import sys\nfrom tformance.core.store.sync_lock import SyncLock, SyncLocked\n"
            f"try:\n    SyncLock({url!r}).acquire()\nexcept SyncLocked as e:\n    print(e); sys.exit(2)\n"
        )
        with SyncLock(url):
            held = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
        assert held.returncode == 2 and f"(pid {os.getpid()}, since " in held.stdout
        free = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
        assert free.returncode == 0, free.stdout + free.stderr
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_a_killed_sync_leaves_no_stale_lock(tmp_path):
    db = tmp_path / "t.db"
    with lock_held_by_another_process(db) as holder, pytest.raises(SyncLocked, match=f"pid {holder.pid}"):
        SyncLock(db).acquire()
    # the holder was killed (SIGKILL): the kernel released its lock
    with SyncLock(db):
        pass


# -- readers never write -------------------------------------------------------------------


def test_a_report_reads_while_another_process_holds_the_write_lock(tmp_path, served_fake):
    _, url = served_fake
    db = _synced_database(tmp_path, url, DOCS)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a sync in the middle of storing a page
    writer.execute("update repository set sync_prs_completed = 42")
    try:
        for fmt in ("text", "json", "csv"):  # a report that wrote would wait, then fail "locked"
            result = tformance("report", "--db", str(db), "--format", fmt)
            assert result.returncode == 0, result.stderr
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# -- a full disk ---------------------------------------------------------------------------


async def test_a_full_database_stops_the_sync_in_one_error_and_resumes_exactly(tmp_path):
    fake = make_fake()
    database = open_database(tmp_path / "t.db")
    pragmas = list(database._pragmas)
    try:
        pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
        # The sync's database thread opens its own connection: give it a cap, so SQLITE_FULL comes
        # after a few pages of PRs, as on a full disk.
        database._pragmas = [*pragmas, ("max_page_count", pages + 40)]
        with pytest.raises(DatabaseFull, match=r"disk holding the database is full \(.*t\.db\)"):
            await run_sync(fake, [FLEET, DOCS], page_size=20)
        database._pragmas = pragmas
        finished = await run_sync(fake, [FLEET, DOCS], page_size=20)
    finally:
        close_database()
    assert finished.ok
    numbers = _numbers(tmp_path / "t.db")
    assert len(numbers) == len(set(numbers))
    assert len(numbers) == len(expected_in_range(fake, FLEET)) + len(expected_in_range(fake, DOCS))


@pytest.fixture
def small_filesystem(tmp_path):
    """A 600 KB tmpfs, where the machine allows mounting one (root on Linux); skipped elsewhere."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root on Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_small_filesystem_is_one_line_exit_1_and_the_sync_resumes_once_moved(
    tmp_path, served_fake, small_filesystem
):
    fake, url = served_fake
    db = small_filesystem / "t.db"
    full = tformance("sync", "--repo", FLEET, "--repo", DOCS, "--db", str(db), "--no-llm", env=cli_env(url))
    assert full.returncode == 1
    assert "Traceback" not in full.stderr and "cannot rollback" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if line.startswith("tformance:")]
    assert errors == [errors[0]] and f"disk holding the database is full ({db})" in errors[0]
    stored = _numbers(db)
    assert stored and len(stored) == len(set(stored))

    moved = tmp_path / "moved.db"
    for suffix in ("", "-wal", "-shm"):
        source = small_filesystem / f"t.db{suffix}"
        if source.exists():
            moved.with_name(f"moved.db{suffix}").write_bytes(source.read_bytes())
    resumed = tformance("sync", "--db", str(moved), "--no-llm", env=cli_env(url))
    assert resumed.returncode == 0, resumed.stderr
    numbers = _numbers(moved)
    assert len(numbers) == len(set(numbers))
    assert len(numbers) == len(expected_in_range(fake, FLEET)) + len(expected_in_range(fake, DOCS))


# -- damaged and odd files -----------------------------------------------------------------


def test_a_database_damaged_in_its_later_pages_is_one_line_and_exit_2(tmp_path, served_fake):
    _, url = served_fake
    db = _synced_database(tmp_path, url, FLEET)
    size = db.stat().st_size
    with open(db, "r+b") as handle:  # keep the header and schema pages, garble the data behind them
        handle.seek(size // 2)
        handle.write(os.urandom(size - size // 2))
    for fmt in ("text", "csv"):
        result = tformance("report", "--db", str(db), "--format", fmt)
        assert result.returncode == 2
        assert f"the database at {db} is damaged" in one_line(result) and "move it aside" in one_line(result)


def test_a_schema_version_that_is_not_a_number_is_one_line(tmp_path, served_fake):
    _, url = served_fake
    db = _synced_database(tmp_path, url, DOCS)
    with sqlite3.connect(db) as connection:
        connection.execute("update schema_info set value = 'two' where key = 'schema_version'")
    result = tformance("report", "--db", str(db))
    assert result.returncode == 2 and "schema version 'two', which is not a number" in one_line(result)


def test_a_db_path_under_a_file_names_the_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a directory")
    result = tformance("report", "--db", str(blocker / "sub" / "t.db"))
    assert result.returncode == 2 and f"{blocker} is a file, not a directory" in one_line(result)


def test_a_file_that_is_not_a_database(tmp_path):
    other = tmp_path / "report.csv"
    other.write_text("a,b\n1,2\n" * 200)
    result = tformance("report", "--db", str(other))
    assert result.returncode == 2 and f"the database at {other}" in one_line(result)
    assert other.read_text().startswith("a,b"), "the file is left as it was"


def test_report_onto_a_read_only_place_is_one_line_and_keeps_the_old_file(tmp_path, served_fake):
    _, url = served_fake
    db = _synced_database(tmp_path, url, DOCS)
    place = tmp_path / "readonly"
    place.mkdir()
    (place / "r.html").write_text("old report")
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(place), str(place)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip("root ignores permissions and this machine does not allow a read-only bind mount")
        subprocess.run(["mount", "-o", "remount,ro,bind", str(place)], check=False)
    else:
        place.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = tformance("report", "--db", str(db), "--format", "html", "-o", str(place / "r.html"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(place)], check=False)
        place.chmod(0o700)
    assert result.returncode == 2
    assert f"cannot write the report to {place / 'r.html'}" in one_line(result)
    assert (place / "r.html").read_text() == "old report"


# -- private data --------------------------------------------------------------------------


def test_a_new_database_is_private_to_its_user(tmp_path, served_fake):
    _, url = served_fake
    db = tmp_path / "private" / "t.db"
    assert tformance("sync", "--repo", DOCS, "--db", str(db), "--no-llm", env=cli_env(url)).returncode == 0
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for path in db.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_saving_the_token_replaces_a_planted_symlink_instead_of_writing_through_it(tmp_path):
    from tformance.core import paths
    from tformance.core.github.token_store import load_token, save_token

    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    config = paths.config_dir()
    (config / "github_token").symlink_to(victim)
    saved = save_token("ghp_secret")
    assert victim.read_text() == "someone else's file\n", "the symlink was not followed"
    assert not saved.is_symlink() and stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert load_token() == "ghp_secret"
    assert [p.name for p in config.iterdir()] == ["github_token"], "no temporary file left behind"


def test_an_existing_open_config_and_data_directory_is_tightened(tmp_path):
    import platformdirs

    from tformance.core import paths

    for where in (platformdirs.user_config_dir("tformance"), platformdirs.user_data_dir("tformance")):
        os.makedirs(where, mode=0o755, exist_ok=True)
        os.chmod(where, 0o755)
    assert stat.S_IMODE(paths.config_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.default_database_path().parent.stat().st_mode) == 0o700


# -- exports safe to open ------------------------------------------------------------------

HOSTILE_TITLE = '\x1b]0;owned\x07\x1b[2J=HYPERLINK("http://evil")\x00\x9b31m\x7f\x08 done'
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_exports_carry_no_terminal_controls_and_no_spreadsheet_formulas(tmp_path, served_fake):
    _, url = served_fake
    db = _synced_database(tmp_path, url, DOCS)
    with sqlite3.connect(db) as connection:
        connection.execute("update pull_request set title = ? where number = (select min(number) from pull_request)",
                           (HOSTILE_TITLE,))  # fmt: skip
        connection.execute("update pull_request set author_login = '+SUM(A1:A9)' where author_login is not null")
    outputs = {}
    for fmt in ("text", "csv", "html"):
        target = tmp_path / f"report.{fmt}"
        result = tformance("report", "--db", str(db), "--format", fmt, "-o", str(target))
        assert result.returncode == 0, result.stderr
        outputs[fmt] = target.read_bytes().decode("utf-8")
        assert not _UNSAFE.search(outputs[fmt]), f"a control byte reached the {fmt} report"
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    titles = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")31m done' in titles
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert "'+SUM(A1:A9)" in {row[4] for row in rows[1:]}
    assert "=HYPERLINK(&quot;http://evil&quot;)31m done" in outputs["html"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from pull_request where title = ?", (HOSTILE_TITLE,)).fetchone()[0]
