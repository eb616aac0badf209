"""Keys do what they say: typing types, Esc goes back, arrows switch tabs, ``?`` shows the keys;
and the token screen's ways forward (the demo; a remembered token that is really used)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from tests.snapshot_apps.support import GOOD_TOKEN, app_for, copy_database, fake_github, services_for
from tests.tui_support import choose_only, of_type, open_dashboard, screen_text, settle, wait_for_screen
from tformance.core import paths
from tformance.tui import commands
from tformance.tui.messages import SyncCompleted
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.screens.token import TokenScreen
from tformance.tui.widgets.tick_box import TickBox


def active_tab(app) -> str:
    return app.screen.query_one(TabbedContent).active


async def test_typing_into_the_pr_filter_types_even_s_and_c(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "pr-filter", "opening the tab focuses the filter"
        await pilot.press(*"docs")
        await settle(pilot)
        assert app.screen is dashboard, "s and c typed into the filter, they did not re-sync or leave"
        assert app.focused.value == "docs"
        assert "matching “docs”" in screen_text(app)


async def test_slash_focuses_the_filter_and_arrows_switch_tabs(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        assert "←→ Tabs" in screen_text(app), "the footer shows the tab keys"
        await pilot.press("right")
        assert active_tab(app) == "ai"
        await pilot.press("right", "right")  # into the People table: the arrows still switch tabs
        assert active_tab(app) == "people"
        await pilot.press("left")
        assert active_tab(app) == "repos"

        await pilot.press("slash")
        await pilot.pause()
        assert active_tab(app) == "prs" and isinstance(app.focused, Input)
        await pilot.press("x", "left", "left")  # in the filter the arrows move the cursor
        assert active_tab(app) == "prs" and app.focused.cursor_position == 0


async def test_esc_goes_back_from_the_picker_and_the_token_screen_keeping_the_tab(
    tmp_path: Path, small_synced: Path
) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        await pilot.press("4", "c")
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        await pilot.press("i", "escape")  # the first Esc clears the filter, the second goes back
        assert isinstance(app.screen, RepoPickerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard and active_tab(app) == "people"

        app.post_message(commands.ShowTokenScreen())  # the palette's "Change token"
        await wait_for_screen(pilot, TokenScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard and active_tab(app) == "people"


async def test_question_mark_opens_the_keys_and_esc_closes_them(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        await pilot.press("3", "question_mark")
        await pilot.pause()
        assert dashboard.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert not dashboard.query("HelpPanel") and app.screen is dashboard


async def test_without_a_token_the_way_to_the_demo_is_shown_and_no_empty_dashboard_offered(
    tmp_path: Path,
) -> None:
    app = app_for(services_for(tmp_path / "t.db", fake_github(), demo=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, TokenScreen)
        await settle(pilot)
        assert "tformance --demo" in screen_text(app)
        provider = commands.TformanceCommands(app.screen)
        await provider.startup()
        titles = [hit.text async for hit in provider.discover()]
    assert "Re-sync" in titles and not {"Open dashboard", "Export report"} & set(titles)


async def remember_and_sync(pilot: Pilot) -> None:
    app = pilot.app
    await wait_for_screen(pilot, TokenScreen)
    box = app.screen.query_one(TickBox)
    assert "✓" not in box.render().plain, "unchecked reads as unchecked"
    app.screen.query_one("#token-input", Input).insert_text_at_cursor(GOOD_TOKEN)
    await pilot.click("#token-remember")
    assert box.value and "✓" in box.render().plain
    await pilot.click("#token-check")
    await settle(pilot)
    await pilot.click("#token-continue")
    await wait_for_screen(pilot, RepoPickerScreen)
    await settle(pilot)
    await choose_only(pilot, ["acme-robotics/docs"])
    await pilot.press("enter")
    await wait_for_screen(pilot, DashboardScreen)


async def resync_without_asking(pilot: Pilot, messages: list[Message]) -> None:
    """Press s on the dashboard; the sync must run to its end without the token screen showing."""
    await open_dashboard(pilot)
    before = len(of_type(messages, SyncCompleted))
    await pilot.press("s")
    for _ in range(200):
        assert not isinstance(pilot.app.screen, TokenScreen), "the remembered token was asked for again"
        if len(of_type(messages, SyncCompleted)) > before:
            return
        await settle(pilot)
    raise AssertionError("the re-sync never finished")


async def test_a_remembered_token_is_saved_and_used_by_the_next_resync(tmp_path: Path) -> None:
    fake = fake_github()
    fake.add_token(GOOD_TOKEN)
    database = tmp_path / "t.db"
    messages: list[Message] = []
    app = app_for(services_for(database, fake, demo=False))
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await remember_and_sync(pilot)
        await resync_without_asking(pilot, messages)
    assert paths.saved_token_path().read_text().strip() == GOOD_TOKEN

    later = app_for(services_for(database, fake, demo=False))  # the next launch, same config dir
    async with later.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await resync_without_asking(pilot, messages)
    assert later.token == GOOD_TOKEN and later.token_source == "saved"
