"""The command palette's tformance commands: re-sync, export, forget the token, data folder, demo speed,
and removing a tracked repository."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tformance.core import paths
from tformance.core.github.token_store import forget_token
from tformance.core.store.pr_store import remove_repository
from tformance.core.store.sync_lock import SyncLock

from . import store_queries
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

    async def startup(self) -> None:
        app: TformanceApp = self.app  # type: ignore[assignment]
        try:
            self.has_data = (await app.db.run(store_queries.overview)).has_data
        except Exception:  # the database is not open (yet): nothing to show either
            self.has_data = False

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app: TformanceApp = self.app  # type: ignore[assignment]
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
        if app.services.demo:
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
            deleted = await app.db.run(_remove_locked, app.services.database_location(), name)
        except Exception as error:
            app.notify(f"Could not remove {name}: {explain(error)}", severity="error", markup=False)
            return
        app.tracked_repos = tuple(repo for repo in app.tracked_repos if repo.lower() != name.lower())
        app.notify(f"Removed {name}: {deleted or 0:,} PRs deleted.", markup=False)
        app.post_message(ShowDashboard() if app.tracked_repos else ShowRepoPicker())

    question = f"Untrack {name} and delete its pull requests from this computer?\nA later sync can fetch them again."
    app.push_screen(ConfirmScreen(question), answered)


def _remove_locked(location: str, name: str) -> int | None:
    with SyncLock(location):  # another process syncing this database: refuse, say who
        return remove_repository(name)


async def export(app: TformanceApp) -> None:
    try:
        path = await app.db.run(write_report, _reports_dir(app), app.clock(), app.services.demo)
    except Exception as error:
        app.notify(f"Could not export the report: {explain(error)}", severity="error", markup=False)
        return
    app.notify(f"Report saved to {path}", title="Exported", markup=False, timeout=10)


def write_report(folder: Path, now: datetime, demo: bool) -> Path:
    """Write the report as HTML (``core.report_formats``) or, without it, as JSON; return the file."""
    from tformance.core.metrics.report import ReportFilter, compute_report, list_prs
    from tformance.core.reports.json_export import report_to_json

    report = compute_report(ReportFilter(), now=now)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{'demo-' if demo else ''}tformance-report-{now:%Y%m%d-%H%M%S}"
    try:
        from tformance.core.reports import html_page as report_formats  # written alongside; optional until it lands
    except ImportError:
        report_formats = None
    render_html = getattr(report_formats, "render_html", None)
    if render_html is not None:
        path = folder / f"{stem}.html"
        path.write_text(render_html(report, list(list_prs(ReportFilter()))), encoding="utf-8")
    else:
        path = folder / f"{stem}.json"
        path.write_text(json.dumps(report_to_json(report), indent=2), encoding="utf-8")
    return path


def _reports_dir(app: TformanceApp) -> Path:
    return data_folder_path(app) / "reports"


def data_folder_path(app: TformanceApp) -> Path:
    """Where the database lives: the user data dir, or the folder of a ``--db`` file."""
    location = app.services.database_location()
    if "://" in location:
        return paths.data_dir()
    return Path(location).expanduser().resolve().parent


async def forget(app: TformanceApp) -> None:
    removed = await asyncio.to_thread(forget_token)
    if removed:
        app.notify("The saved token is deleted. The app keeps using it until you quit.", title="Token forgotten")
    else:
        app.notify("No token was saved on this computer.")


def data_folder(app: TformanceApp) -> None:
    # Shown and copied, not opened: a file manager means nothing over SSH, and tests must not launch one.
    folder = data_folder_path(app)
    app.copy_to_clipboard(str(folder))
    app.notify(f"{folder}\n(copied to the clipboard)", title="Data folder", markup=False, timeout=10)


def toggle_speed(app: TformanceApp) -> None:
    speed = app.toggle_demo_speed()
    app.notify(f"Demo speed: {speed:g}×", title="Demo")
