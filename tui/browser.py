"""Opening a link in the person's browser, and knowing when that was not possible."""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping


def has_graphical_browser(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether a browser can open beside the terminal: not on a Linux box without a display.

    There ``webbrowser`` would fall back on a console browser (lynx, w3m), which would take over
    the terminal the app is drawing in. ``BROWSER`` is the person's explicit choice and is honoured.
    """
    env = os.environ if env is None else env
    if env.get("BROWSER"):
        return True
    if platform.startswith("linux") or "bsd" in platform:
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a graphical browser; False when none could be opened."""
    if not has_graphical_browser():
        return False
    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False
