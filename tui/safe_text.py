"""Text from GitHub made safe to show: no markup, no terminal escapes, no layout-breaking characters.

The database keeps every title and body byte-exact; only what reaches the screen is cleaned.
Everything from GitHub (titles, bodies, logins, repo names, error messages) goes through ``safe``
or ``clean`` and is rendered as ``rich.text.Text``, so ``[bold]`` in a PR title is just text.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

from tformance.core.safe_text import CONTROL_CHARACTERS, ESCAPE_SEQUENCES

_ESCAPES = ESCAPE_SEQUENCES
# Unlike an export, the screen shows where a control character was (U+FFFD); tabs become spaces.
_CONTROLS = CONTROL_CHARACTERS
_NEWLINES = re.compile(r"\r\n?|\n")
_SPACES = re.compile(r"[ \t]+")
REPLACEMENT = "\ufffd"


def clean(value: object, *, single_line: bool = True, limit: int | None = None) -> str:
    """Return ``value`` as plain printable text: escapes removed, controls replaced by U+FFFD.

    With ``single_line`` newlines and tabs collapse to one space; otherwise newlines stay and tabs
    become spaces. ``limit`` truncates to that many characters with an ellipsis.
    """
    if value is None:
        return ""
    text = _ESCAPES.sub("", str(value))
    text = _NEWLINES.sub(" " if single_line else "\n", text)
    text = text.replace("\t", " ")
    text = _CONTROLS.sub(REPLACEMENT, text)
    if single_line:
        text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text


def safe(value: object, style: str = "", *, single_line: bool = True, limit: int | None = None) -> Text:
    """``clean`` text as a ``Text``: never parsed as markup, optionally styled."""
    return Text(clean(value, single_line=single_line, limit=limit), style=style, no_wrap=single_line)


def safe_content(value: object, style: str = "", *, single_line: bool = True, limit: int | None = None) -> Content:
    """``clean`` text as Textual ``Content``: never parsed as markup; ``style`` may use theme variables."""
    return Content.styled(clean(value, single_line=single_line, limit=limit), style)
