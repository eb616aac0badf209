"""Managing tracked repositories: `tformance repos`, `repos remove`, and a renamed repository stored once."""

from __future__ import annotations

import sqlite3

from tests.cli_support import one_line, tformance
from tests.sync_helpers import cli_env, expected_in_range, make_fake, run_sync
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import Commit, PullRequest, Repository, Review
from tformance.core.store.sync_lock import SyncLock

DOCS = "acme-robotics/docs"
INFRA = "acme-robotics/infra"


def _synced(tmp_path, url: str):
    db = tmp_path / "t.db"
    result = tformance("sync", "--repo", DOCS, "--repo", INFRA, "--db", str(db), "--no-llm", env=cli_env(url))
    assert result.returncode == 0, result.stderr
    return db


def _rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute(sql))


def test_repos_lists_each_tracked_repository_with_status_and_pr_count(tmp_path, served_fake):
    fake, url = served_fake
    db = _synced(tmp_path, url)
    result = tformance("repos", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "acme-robotics/" in line}
    assert set(lines) == {DOCS, INFRA}
    for name in (DOCS, INFRA):
        assert "completed" in lines[name] and f" {len(expected_in_range(fake, name))} " in lines[name]


def test_repos_remove_untracks_and_deletes_its_prs_reviews_and_commits_only(tmp_path, served_fake):
    fake, url = served_fake
    db = _synced(tmp_path, url)
    not_confirmed = tformance("repos", "remove", DOCS, "--db", str(db))  # stdin is not a terminal
    assert not_confirmed.returncode == 2 and "--yes" in one_line(not_confirmed)
    assert len(_rows(db, "select * from repository")) == 2, "nothing removed without a confirmation"

    removed = tformance("repos", "remove", DOCS.upper(), "--db", str(db), "--yes")
    assert removed.returncode == 0, removed.stderr
    assert f"removed {DOCS}: {len(expected_in_range(fake, DOCS))} PRs deleted" in removed.stdout
    assert _rows(db, "select full_name from repository") == [(INFRA,)]
    assert _rows(db, "select count(*) from pull_request where repo_id not in (select id from repository)") == [(0,)]
    for table in (Review._meta.table_name, Commit._meta.table_name):
        orphans = f'select count(*) from "{table}" where pull_request_id not in (select id from pull_request)'
        assert _rows(db, orphans) == [(0,)], f"{table} rows of the removed PRs are gone"
    assert _rows(db, "select count(*) from pull_request") == [(len(expected_in_range(fake, INFRA)),)]

    unknown = tformance("repos", "remove", "acme-robotics/nope", "--db", str(db), "--yes")
    assert unknown.returncode == 2 and "is not tracked" in one_line(unknown)


def test_repos_remove_waits_for_no_sync_and_changes_nothing_while_one_runs(tmp_path, served_fake):
    _, url = served_fake
    db = _synced(tmp_path, url)
    with SyncLock(db):
        result = tformance("repos", "remove", DOCS, "--db", str(db), "--yes")
    assert result.returncode == 2 and "another sync of this database is running" in one_line(result)
    assert len(_rows(db, "select * from repository")) == 2


async def test_a_repository_stored_under_its_old_name_is_folded_into_the_new_one(tmp_path):
    fake = make_fake()
    open_database(tmp_path / "t.db")
    try:
        assert (await run_sync(fake, [DOCS])).ok
        # Renamed on GitHub since: the row holds the old name, the user now syncs the new one.
        Repository.update(full_name="acme-robotics/handbook", name="handbook").execute()
        assert (await run_sync(fake, [DOCS])).ok
        assert [repo.full_name for repo in Repository.select()] == [DOCS]
        numbers = [pr.number for pr in PullRequest.select()]
        assert sorted(numbers) == sorted(expected_in_range(fake, DOCS)), "stored once, nothing lost"
    finally:
        close_database()
