"""The dashboard and the command palette's commands, on a database synced from the fakes."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from tests.snapshot_apps.support import GOOD_TOKEN, app_for, copy_database, fake_github, services_for, sync_into
from tests.tui_support import open_dashboard, palette_titles, screen_text
from tformance.core import paths
from tformance.core.github.token_store import save_token
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import PullRequest
from tformance.fakes.demo import DEMO_LATENCY_PER_PR
from tformance.tui import commands
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.pr_detail import PullRequestScreen
from tformance.tui.widgets.pr_list import PRList

HOSTILE_TITLE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x1b]0;retitled\x07done"


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synced") / "docs.db"
    sync_into(path, fake_github(), ["acme-robotics/docs"])
    return path


async def test_pr_text_is_shown_as_text(tmp_path: Path, synced: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = copy_database(synced, tmp_path / "t.db")
    open_database(database)
    try:
        newest = PullRequest.select().order_by(PullRequest.created_at.desc()).first()
        newest.title = HOSTILE_TITLE
        newest.body = "Line one\n\x1b[2J\x1b[Hcleared?\n[link=https://evil.example]click[/link]"
        newest.save()
        number = newest.number
    finally:
        close_database()

    app = app_for(services_for(database, fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        await pilot.press("5")
        await pilot.pause()
        assert "[bold red]pwned[/] red" in screen_text(app), "markup stays literal, escapes are removed"
        assert "retitled" not in screen_text(app)

        dashboard.query_one(PRList).post_message(PRList.Opened("acme-robotics/docs", number))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PullRequestScreen)
        text = screen_text(app)
        assert "[bold red]pwned[/] red" in text and "[link=https://evil.example]click[/link]" in text
        assert "cleared?" in text and "https://github.com/acme-robotics/docs/pull/" in text

        monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: False)  # a machine with no browser
        await pilot.press("o")
        await pilot.pause()
        (notice,) = app._notifications
        assert notice.title == "Open in browser" and "No browser could be opened here" in notice.message
        assert notice.message.endswith(f"https://github.com/acme-robotics/docs/pull/{number}")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_tabs_show_repos_people_and_ai(tmp_path: Path, synced: Path) -> None:
    app = app_for(services_for(copy_database(synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        report = dashboard.report
        assert report is not None and report.totals.prs > 0
        assert "synced 3 h ago" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert "AI-assisted share by month" in screen_text(app) and "Without AI" in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert "docs" in screen_text(app)
        await pilot.press("4")
        await pilot.pause()
        assert report.authors[0].login in screen_text(app)


async def test_commands_export_forget_folder_and_demo_speed(tmp_path: Path, synced: Path) -> None:
    database = copy_database(synced, tmp_path / "t.db")
    fake = fake_github()
    save_token(GOOD_TOKEN)
    app = app_for(services_for(database, fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        await commands.export(app)
        reports = list((tmp_path / "reports").iterdir())
        assert len(reports) == 1 and reports[0].suffix in (".html", ".json")
        assert reports[0].stat().st_size > 0

        await commands.forget(app)
        assert not paths.saved_token_path().exists()

        commands.data_folder(app)
        assert any(str(tmp_path) in notification.message for notification in app._notifications)

        steps = []
        for _ in range(4):
            commands.toggle_speed(app)
            steps.append(app.demo_speed)
        assert steps == [2.0, 4.0, 8.0, 1.0], "up in steps, then back to normal"
        commands.toggle_speed(app)
        assert fake.latency_per_pr == pytest.approx(DEMO_LATENCY_PER_PR / 2), "the fake GitHub's pace follows"

        titles = [title async for title in palette_titles(app)]
    assert {"Re-sync", "Export report", "Forget token", "Open data folder", "Toggle demo speed"} <= set(titles)


async def test_overview_leaves_bots_out_and_the_ai_tab_says_if_the_difference_is_clear(
    tmp_path: Path, synced: Path
) -> None:
    app = app_for(services_for(copy_database(synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(160, 50)) as pilot:
        dashboard = await open_dashboard(pilot)
        report = dashboard.report
        assert report is not None and report.bots_left_out > 0
        assert report.headline.prs == report.totals.prs - report.bots_left_out
        text = screen_text(app)
        assert f"bots left out: {report.bots_left_out} PRs" in text
        cards = next(line for line in text.splitlines() if "PRs" in line and "Merged" in line)
        prs_row = text.splitlines()[text.splitlines().index(cards) + 1]
        assert prs_row.split()[0] == f"{report.headline.prs:,}"
        assert "Cycle time: " in text  # the overview's verdict line
        await pilot.press("2")
        await pilot.pause()
        difference = report.ai_vs_human.cycle_time_difference
        expected = "No clear difference" if difference.enough_data and not difference.clear else "AI-assisted PRs merge"
        if not difference.enough_data:
            expected = "Too few merged PRs to compare"
        assert expected in screen_text(app)
