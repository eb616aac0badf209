"""The app and its database under stress: removing a tracked repository (the command palette asks
first, then deletes its PRs) and syncing are refused while another process syncs it; a full disk is one
sentence, and the sync resumes exactly once space is freed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshot_apps.support import GOOD_TOKEN, TODAY, app_for, copy_database, fake_github, services_for, sync_into
from tests.sync_helpers import expected_in_range, lock_held_by_another_process
from tests.tui_support import choose_only, open_dashboard, palette_titles, screen_text, settle, wait_for_screen
from tformance.core.github.token_store import save_token
from tformance.core.store.models import PullRequest, Repository
from tformance.tui import commands
from tformance.tui.screens.confirm import ConfirmScreen
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.screens.sync import SyncScreen

DOCS = "acme-robotics/docs"
INFRA = "acme-robotics/infra"


@pytest.fixture
def two_repos(tmp_path: Path) -> Path:
    source = tmp_path / "synced.db"
    sync_into(source, fake_github(), [DOCS, INFRA])
    return source


async def test_remove_asks_first_then_untracks_and_deletes_the_prs(tmp_path: Path, two_repos: Path) -> None:
    database = copy_database(two_repos, tmp_path / "t.db")
    save_token(GOOD_TOKEN)
    app = app_for(services_for(database, fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        assert {f"Remove {DOCS}", f"Remove {INFRA}"} <= {title async for title in palette_titles(app)}

        commands.remove(app, DOCS)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert await app.workspace._db.run(lambda: Repository.select().count()) == 2

        with lock_held_by_another_process(database):
            commands.remove(app, DOCS)
            await pilot.pause()
            await pilot.click("#confirm")
            for _ in range(50):
                await pilot.pause(0.02)
        assert any("another sync of this database is running" in n.message for n in app._notifications)
        assert await app.workspace._db.run(lambda: Repository.select().count()) == 2

        commands.remove(app, DOCS)
        await pilot.pause()
        await pilot.click("#confirm")
        await open_dashboard(pilot)
        names = await app.workspace._db.run(lambda: [repo.full_name for repo in Repository.select()])
        orphans = await app.workspace._db.run(
            lambda: PullRequest.select().join(Repository).where(Repository.full_name == DOCS)
        )
        assert names == [INFRA] and not list(orphans) and app.tracked_repos == (INFRA,)
        assert any(f"Removed {DOCS}" in n.message for n in app._notifications)


async def test_the_app_does_not_sync_a_database_another_process_is_syncing(tmp_path: Path) -> None:
    fake = fake_github()
    database = tmp_path / "t.db"
    app = app_for(services_for(database, fake))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        await choose_only(pilot, [DOCS])
        with lock_held_by_another_process(database) as holder:
            await pilot.press("enter")
            await wait_for_screen(pilot, SyncScreen)
            await settle(pilot)
            text = screen_text(app)
        assert isinstance(app.screen, SyncScreen)
        assert f"another sync of this database is running (pid {holder.pid}" in text.replace("\n", " ")
    assert not [request for request in fake.requests if request.operation == "RepositoryPullRequests"]


async def test_a_full_disk_during_an_app_sync_is_one_sentence_and_keeps_what_was_stored(tmp_path: Path) -> None:
    from tformance.core.store.models import db_proxy

    fake = fake_github()
    app = app_for(services_for(tmp_path / "t.db", fake))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)

        def cap() -> None:  # SQLITE_FULL a few pages in, on the app's own database connection
            pages = db_proxy.obj.execute_sql("PRAGMA page_count").fetchone()[0]
            db_proxy.obj.execute_sql(f"PRAGMA max_page_count = {pages + 70}")  # room for a page of PRs, not all

        await app.workspace._db.run(cap)
        await choose_only(pilot, ["fleet-console"])
        await pilot.press("enter")
        await wait_for_screen(pilot, SyncScreen)
        await settle(pilot)
        text = screen_text(app).replace("\n", " ")
        assert "the disk holding the database is full" in text and "Traceback" not in text
        fleet = "acme-robotics/fleet-console"
        expected = sorted(expected_in_range(fake, fleet, today=TODAY))
        assert 0 < await app.workspace._db.run(lambda: PullRequest.select().count()) < len(expected)

        await app.workspace._db.run(
            lambda: db_proxy.obj.execute_sql("PRAGMA max_page_count = 1073741823")
        )  # space freed
        app.screen.rows[fleet].focus()
        await pilot.press("r")  # retry the failed repository
        await wait_for_screen(pilot, DashboardScreen)
        numbers = await app.workspace._db.run(lambda: sorted(pr.number for pr in PullRequest.select()))
        assert numbers == expected, "resumed exactly: nothing lost, nothing twice"
