"""The main screens as scenes (an app, a terminal size, steps to get there): shared by the snapshot
tests and ``scripts/make_screenshots.py``, so the README's pictures are what the tests check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tformance.fakes.demo_org import build_empty_org
from tformance.tui.app import TformanceApp
from tformance.tui.messages import EnrichmentUpdated
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.pr_detail import PullRequestScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.screens.sync import SyncScreen
from tformance.tui.screens.token import TokenScreen

from . import scripted_sync
from .support import TODAY, app_for, copy_database, enrich, fake_github, services_for

WIDE, SMALL = (110, 32), (80, 24)
RunBefore = Callable[[Pilot], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    app: TformanceApp
    size: tuple[int, int]
    run_before: RunBefore


def until(kind: type, ready: Callable[[object], bool] = lambda screen: True) -> RunBefore:
    """Run the app (workers included) until a ``kind`` screen is showing and ``ready``."""

    async def run_before(pilot: Pilot) -> None:
        for _ in range(200):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(pilot.app.screen, kind) and ready(pilot.app.screen):
                return
        raise AssertionError(f"{kind.__name__} never showed")

    return run_before


def picker_loaded(screen: object) -> bool:
    return isinstance(screen, RepoPickerScreen) and screen._loaded and not screen.table.counting


def report_loaded(screen: object) -> bool:
    return isinstance(screen, DashboardScreen) and screen.report is not None


def then(first: RunBefore, *keys: str) -> RunBefore:
    async def run_before(pilot: Pilot) -> None:
        await first(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def token_screen(folder: Path, size: tuple[int, int] = WIDE) -> Scene:
    return Scene(app_for(services_for(folder / "t.db", fake_github(), demo=False)), size, until(TokenScreen))


def token_rejected(folder: Path, size: tuple[int, int] = WIDE) -> Scene:
    async def run_before(pilot: Pilot) -> None:
        await until(TokenScreen)(pilot)
        pilot.app.screen.query_one("#token-input", Input).insert_text_at_cursor("ghp_" + "this_token_was_revoked")
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return Scene(app_for(services_for(folder / "t.db", fake_github(), demo=False)), size, run_before)


def repositories(folder: Path, size: tuple[int, int] = WIDE, *keys: str) -> Scene:
    app = app_for(services_for(folder / "t.db", fake_github()))
    return Scene(app, size, then(until(RepoPickerScreen, picker_loaded), *keys))


def empty_account(folder: Path, size: tuple[int, int] = WIDE) -> Scene:
    app = app_for(services_for(folder / "t.db", fake_github(build_empty_org(TODAY))))
    return Scene(app, size, until(RepoPickerScreen, lambda screen: screen._loaded))


def sync(folder: Path, size: tuple[int, int] = WIDE, *, trouble: bool = False) -> Scene:
    """The sync screen at a fixed moment, from scripted events (the real sync is timing-dependent)."""

    async def run_before(pilot: Pilot) -> None:
        await until(RepoPickerScreen, picker_loaded)(pilot)
        app = pilot.app
        assert isinstance(app, TformanceApp) and app.token is not None
        app.navigate(app.sync_screen([name for name, _ in scripted_sync.REPOS], app.token, autostart=False))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        screen.show_events(scripted_sync.with_trouble() if trouble else scripted_sync.in_progress())
        if not trouble:
            screen.post_message(EnrichmentUpdated(scripted_sync.enrichment_in_progress()))
        await pilot.pause()

    return Scene(app_for(services_for(folder / "t.db", fake_github())), size, run_before)


def dashboard(
    folder: Path, synced: Path, size: tuple[int, int] = WIDE, *keys: str, enriched_every: int | None = 1
) -> Scene:
    """The dashboard on a copy of ``synced``; ``enriched_every`` PR has its AI summary (None: none)."""
    database = copy_database(synced, folder / "t.db")
    if enriched_every:
        enrich(database, enriched_every)
    app = app_for(services_for(database, fake_github()))
    return Scene(app, size, then(until(DashboardScreen, report_loaded), *keys))


def pull_request(folder: Path, synced: Path, size: tuple[int, int] = WIDE, find: str = "1570") -> Scene:
    """One PR's detail, found through the PR list's filter (an AI-assisted one, so its evidence shows)."""
    scene = dashboard(folder, synced, size)

    async def run_before(pilot: Pilot) -> None:
        await scene.run_before(pilot)
        await pilot.press("5")  # the tab opens with its filter focused
        await pilot.pause()
        await pilot.press(*find, "enter", "enter")
        await until(PullRequestScreen)(pilot)

    return Scene(scene.app, size, run_before)
