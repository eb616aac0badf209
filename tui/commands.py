"""The command palette's tformance commands: re-sync, export, forget the token, data folder, demo speed,
and removing a tracked repository."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .error_text import explain
from .messages import ShowDashboard, ShowRepoPicker, ShowTokenScreen, StartSync
from .screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from .app import TformanceApp


class TformanceCommands(Provider):
    """Every command works from any screen; each one says what it did in a notification.

    With nothing synced yet, the commands that would open an empty dashboard are not offered.
    """

    has_data = False

    @property
    def tformance(self) -> TformanceApp:
        return cast("TformanceApp", self.app)  # a provider of TformanceApp.COMMANDS: only ever on it

    async def startup(self) -> None:
        try:
            self.has_data = (await self.tformance.workspace.overview()).has_data
        except Exception:  # the database is not open (yet): nothing to show either
            self.has_data = False

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.tformance
        yield "Re-sync", "Fetch what changed since the last sync, for the tracked repositories", partial(resync, app)
        yield (
            "Choose repositories",
            "Pick which repositories to track and sync",
            partial(app.post_message, ShowRepoPicker()),
        )
        if self.has_data:
            yield "Open dashboard", "The figures for what is synced", partial(app.post_message, ShowDashboard())
            yield "Export report", "Write the dashboard's report to a file in the data folder", partial(export, app)
        yield "Change token", "Use another GitHub token", partial(app.post_message, ShowTokenScreen())
        yield "Forget token", "Delete the GitHub token saved on this computer", partial(forget, app)
        yield "Open data folder", "Show where tformance keeps its database and reports", partial(data_folder, app)
        if app.workspace.demo:
            yield "Toggle demo speed", "Make the demo faster: 1x, 2x, 4x, 8x, then 1x again", partial(toggle_speed, app)
        for name in app.tracked_repos:
            yield f"Remove {name}", "Untrack it and delete its PRs (asks first)", partial(remove, app, name)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)


def resync(app: TformanceApp) -> None:
    if app.tracked_repos:
        app.post_message(StartSync(list(app.tracked_repos)))
    else:
        app.notify("Nothing is tracked yet: choose repositories first.")
        app.post_message(ShowRepoPicker())


def remove(app: TformanceApp, name: str) -> None:
    """Ask, then untrack ``name`` and delete its PRs; never while a sync runs (here or elsewhere)."""
    if any(worker.group == "sync" and worker.is_running for worker in app.workers):
        app.notify("A sync is running: remove repositories once it is done.", severity="warning")
        return

    async def answered(confirmed: bool | None) -> None:
        if not confirmed:
            return
        try:
            # Under the sync lock: another process syncing this database refuses it, saying who.
            deleted = await app.workspace.remove_repository(name)
        except Exception as error:
            app.notify(f"Could not remove {name}: {explain(error)}", severity="error", markup=False)
            return
        app.tracked_repos = tuple(repo for repo in app.tracked_repos if repo.lower() != name.lower())
        app.notify(f"Removed {name}: {deleted or 0:,} PRs deleted.", markup=False)
        app.post_message(ShowDashboard() if app.tracked_repos else ShowRepoPicker())

    question = f"Untrack {name} and delete its pull requests from this computer?\nA later sync can fetch them again."
    app.push_screen(ConfirmScreen(question), answered)


async def export(app: TformanceApp) -> None:
    """Write the whole report as an HTML page into the data folder's ``reports``."""
    try:
        path = await app.workspace.export_report(app.clock())
    except Exception as error:
        app.notify(f"Could not export the report: {explain(error)}", severity="error", markup=False)
        return
    app.notify(f"Report saved to {path}", title="Exported", markup=False, timeout=10)


async def forget(app: TformanceApp) -> None:
    removed = await asyncio.to_thread(app.workspace.forget_token)
    if removed:
        app.notify("The saved token is deleted. The app keeps using it until you quit.", title="Token forgotten")
    else:
        app.notify("No token was saved on this computer.")


def data_folder(app: TformanceApp) -> None:
    # Shown and copied, not opened: a file manager means nothing over SSH, and tests must not launch one.
    folder = app.workspace.data_folder()  # where the database lives
    app.copy_to_clipboard(str(folder))
    app.notify(f"{folder}\n(copied to the clipboard)", title="Data folder", markup=False, timeout=10)


def toggle_speed(app: TformanceApp) -> None:
    speed = app.toggle_demo_speed()
    app.notify(f"Demo speed: {speed:g}×", title="Demo")
