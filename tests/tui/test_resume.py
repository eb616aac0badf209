"""A resumed sync looks like one: bars start at what is stored and finished repos stay done; a
dashboard on a partial sync shades the range not synced yet instead of drawing it as a trend."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.snapshot_apps.support import NOW, app_for, copy_database, fake_github, services_for
from tests.tui_support import open_dashboard, screen_text, settle, wait_for_screen
from tformance.core.events import Stage
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import PullRequest, Repository, SyncStatus
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.screens.sync import SyncScreen
from tformance.tui.widgets.column_chart import WeeklyMergedChart


def stored_counts(path: Path) -> dict[str, int]:
    open_database(path)
    try:
        return {repo.full_name: repo.pull_requests.count() for repo in Repository.select()}
    finally:
        close_database()


async def test_resume_starts_the_bars_at_what_is_stored_and_keeps_finished_repos_done(tmp_path: Path) -> None:
    # Slow enough that Esc lands with one repo done and others mid-way (slices fetch in parallel).
    fake = fake_github(latency_per_request=0.15, latency_per_pr=0.02)
    app = app_for(services_for(tmp_path / "t.db", fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, SyncScreen)
        screen = app.screen
        for _ in range(500):  # until one repo is done and another is half-way
            await pilot.pause(0.02)
            rows = list(screen.rows.values())
            if any(r.stage is Stage.DONE for r in rows) and any(r.stage is Stage.FETCHING and r.fetched for r in rows):
                break
        await pilot.press("escape")
        await settle(pilot)
        done = {name for name, row in screen.rows.items() if row.stage is Stage.DONE}
        stored = stored_counts(tmp_path / "t.db")
        assert done and len(done) < len(screen.rows)
        places = [getattr(row, "repo", "") for row in screen.query_one("#sync-repos").children]

        await pilot.press("s")
        for _ in range(200):  # until the resumed run's plan is shown
            await pilot.pause(0.02)
            if any(row.base for row in screen.rows.values()):
                break
        for name, row in screen.rows.items():
            if name in done:
                assert row.stage is Stage.DONE and "done" in row.render().plain, f"{name} is not fetched again"
            else:
                assert row.shown >= stored[name], f"{name}'s bar starts at the {stored[name]} PRs stored"
        assert any(row.base for name, row in screen.rows.items() if name not in done)
        resumed = sum(count for name, count in stored.items() if name not in done)
        assert screen.query_one("#sync-overall").fetched >= resumed, "the overall bar starts there too"

        for _ in range(200):  # until the resumed run's pre-flight is shown
            await pilot.pause(0.02)
            if all(row.in_range for name, row in screen.rows.items() if name not in done):
                break
        assert [getattr(row, "repo", "") for row in screen.query_one("#sync-repos").children] == places

        fake.latency_per_request = 0
        await wait_for_screen(pilot, DashboardScreen)


async def test_a_partial_sync_shades_the_weeks_not_synced_yet(tmp_path: Path, small_synced: Path) -> None:
    database = copy_database(small_synced, tmp_path / "t.db")
    cut = NOW - timedelta(days=120)
    open_database(database)
    try:  # what a backfill stopped at 120 days back leaves: the newest PRs, an unfinished repo
        infra = Repository.get(Repository.full_name == "acme-robotics/infra")
        PullRequest.delete().where((PullRequest.repo == infra) & (PullRequest.created_at < cut)).execute()
        Repository.update(backfill_complete=False, sync_status=SyncStatus.PENDING).where(
            Repository.id == infra.id
        ).execute()
    finally:
        close_database()
    app = app_for(services_for(database, fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        text = screen_text(app)
        chart = screen.query_one(WeeklyMergedChart)
        assert screen.synced_from is not None and screen.synced_from >= cut
        assert "Not fully synced yet: acme-robotics/infra (history from" in text
        assert chart.unsynced > 10 and "not synced yet" in text and "░" in text
