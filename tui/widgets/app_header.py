"""The app's header: Textual's, with an icon every monospace font has."""

from __future__ import annotations

from textual.widgets import Header

# Textual's default icon (⭘, U+2B58) is in few fonts: most terminals' and every SVG viewer's fallback
# font draws it as a missing-glyph box. ≡ is in DejaVu, Liberation, Menlo, Consolas and Fira Code, and
# reads as a menu (a click on it opens the command palette).
ICON = "≡"


class AppHeader(Header):
    """The header every screen shows: the title, and an icon that opens the command palette."""

    def __init__(self) -> None:
        super().__init__(icon=ICON)
