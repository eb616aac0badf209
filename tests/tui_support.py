"""Driving the app in Pilot tests: waiting for screens, reading what the screen shows, the palette.

``screen_text`` reads the screen through Textual's public screenshot export, not the private
compositor: it is the same picture a person sees, notifications and modal backgrounds included.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from rich.cells import cell_len
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot

from tformance.tui import commands
from tformance.tui.screens.dashboard import DashboardScreen

SMALL_REPOS = ["acme-robotics/docs", "acme-robotics/infra"]

MessageType = TypeVar("MessageType", bound=Message)

# Rich's SVG export writes each run of text as one <text> element, clipped to its line:
# <text class="..." x="24.4" y="20" textLength="36.6" clip-path="url(#terminal-123-line-0)">abc</text>
_SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>([^<]*)</text>')
_SVG_CHAR_WIDTH = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?textLength="([0-9.]+)"[^>]*>([^<]*)</text>')


def screen_text(app: App[Any]) -> str:
    """What a person reads on the current screen (notifications included), as plain text, one
    line of the terminal a line, each as wide as the terminal."""
    svg = app.export_screenshot()
    char_width = _char_width(svg)
    runs: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for x, line, escaped in _SVG_TEXT.findall(svg):
        text = html.unescape(escaped).replace("\xa0", " ").rstrip("\n")  # spaces come as &#160;, lines end in \n
        if text:
            runs[int(line)].append((round(float(x) / char_width), text))
    width, height = app.size
    lines = []
    for number in range(height):
        line, at = "", 0
        for column, text in sorted(runs.get(number, [])):
            line += " " * (column - at) + text
            at = column + cell_len(text)
        lines.append(line + " " * (width - at))
    return "\n".join(lines)


def _char_width(svg: str) -> float:
    """One cell's width in the SVG's units, from the first run: its textLength over its length."""
    match = _SVG_CHAR_WIDTH.search(svg)
    if match is None:
        raise AssertionError("the screenshot holds no text")
    return float(match.group(2)) / len(html.unescape(match.group(3)))


def of_type(messages: list[Message], kind: type[MessageType]) -> list[MessageType]:
    return [message for message in messages if isinstance(message, kind)]


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for_screen(pilot: Pilot[Any], kind: type, *, rounds: int = 400) -> None:
    """Let the app run (workers included) until ``kind`` is the current screen."""
    for _ in range(rounds):
        if isinstance(pilot.app.screen, kind):
            return
        await settle(pilot)
    raise AssertionError(f"{kind.__name__} never showed; the screen is {pilot.app.screen!r}")


async def open_dashboard(pilot: Pilot[Any]) -> DashboardScreen:
    """Let the app run until the dashboard shows with its report loaded."""
    for _ in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, DashboardScreen) and pilot.app.screen.report is not None:
            return pilot.app.screen
    raise AssertionError("the dashboard never loaded")


async def choose_only(pilot: Pilot[Any], repos: list[str]) -> None:
    """In the picker: select nothing, then exactly ``repos`` through the filter and space."""
    await pilot.press("ctrl+n")
    for repo in repos:
        await pilot.press(*repo.partition("/")[2])
        await pilot.pause()
        await pilot.press("space", "escape")


async def palette_titles(app: App[Any]) -> AsyncIterator[str | None]:
    """The titles the command palette offers on the current screen."""
    provider = commands.TformanceCommands(app.screen)
    await provider.startup()
    async for hit in provider.discover():
        yield hit.text
