"""The one place a front end chooses the demo or production: every command and the app start here."""

from __future__ import annotations

from datetime import date

from tformance.core.settings import Settings
from tformance.core.workspace import Services, Workspace


def build_services(settings: Settings, *, demo_speed: float = 1.0, today: date | None = None) -> Services:
    """Production services, or the demo's (offline GitHub and LLM) when ``settings.demo`` is set."""
    if not settings.demo:
        return Services(settings, today=today)
    from tformance.fakes.demo import build_demo_services  # the fakes load only for --demo

    return build_demo_services(settings, speed=demo_speed, today=today)


def open_workspace(settings: Settings, *, demo_speed: float = 1.0, today: date | None = None) -> Workspace:
    """A workspace on ``settings`` (not opened yet: ``await workspace.open()`` or ``async with``)."""
    return Workspace(build_services(settings, demo_speed=demo_speed, today=today))


def local_workspace(settings: Settings) -> Workspace:
    """A workspace on the database alone (report, repos, rescan, config): no GitHub transport, and
    nothing of the demo built (``settings.demo`` still picks the demo's database)."""
    return Workspace(Services(settings))
