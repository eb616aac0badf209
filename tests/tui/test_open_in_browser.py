"""``o`` on a pull request opens it in the browser, or says why it could not."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from tests.snapshot_apps.support import app_for, copy_database, fake_github, services_for, sync_into
from tests.tui_support import open_dashboard
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import PullRequest
from tformance.tui.browser import has_graphical_browser
from tformance.tui.screens.pr_detail import PullRequestScreen
from tformance.tui.widgets.pr_list import PRList

DOCS = "acme-robotics/docs"


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synced") / "docs.db"
    sync_into(path, fake_github(), [DOCS])
    return path


async def press_o_on_a_pr(tmp_path: Path, synced: Path) -> tuple[list[str], str]:
    database = copy_database(synced, tmp_path / "t.db")
    open_database(database)
    try:
        number = PullRequest.select(PullRequest.number).order_by(PullRequest.number).first().number
    finally:
        close_database()
    app = app_for(services_for(database, fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(pilot)
        dashboard.query_one(PRList).post_message(PRList.Opened(DOCS, number))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PullRequestScreen) and app.screen.detail is not None
        url = app.screen.detail.url
        await pilot.press("o")
        await pilot.pause()
        return [notification.message for notification in app._notifications], url


async def test_without_a_browser_the_link_is_given_instead(tmp_path: Path, synced: Path, monkeypatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    messages, url = await press_o_on_a_pr(tmp_path, synced)
    assert not opened, "no console browser takes over the terminal"
    assert any("No browser could be opened here" in message and url in message for message in messages), messages


async def test_a_browser_that_fails_to_start_is_reported(tmp_path: Path, synced: Path, monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: False)
    messages, _ = await press_o_on_a_pr(tmp_path, synced)
    assert any("No browser could be opened here" in message for message in messages), messages


async def test_with_a_browser_the_pr_opens_quietly(tmp_path: Path, synced: Path, monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    messages, url = await press_o_on_a_pr(tmp_path, synced)
    assert opened == [url] and url.startswith(f"https://github.com/{DOCS}/pull/")
    assert not any("No browser" in message for message in messages)


def test_a_display_or_an_explicit_browser_counts_as_a_browser() -> None:
    assert not has_graphical_browser({}, "linux")
    assert has_graphical_browser({"DISPLAY": ":0"}, "linux") and has_graphical_browser({"BROWSER": "w3m"}, "linux")
    assert has_graphical_browser({}, "darwin") and has_graphical_browser({}, "win32")
