"""Text as both databases store it: PostgreSQL refuses the NUL character that SQLite keeps.

GitHub does serve ``\\u0000`` in PR bodies and commit messages (pasted binary output, for
example). Every text we store passes through ``without_nul`` when its record is built, so the
two backends hold the same text: each NUL becomes U+FFFD (the replacement character), and
the rest of the text is kept as it was.
"""

from __future__ import annotations

from typing import overload

NUL = "\x00"
REPLACEMENT = "\ufffd"


@overload
def without_nul(text: str) -> str: ...
@overload
def without_nul(text: None) -> None: ...
def without_nul(text: str | None) -> str | None:
    """``text`` with every NUL replaced by U+FFFD (None stays None)."""
    if text is None or NUL not in text:
        return text
    return text.replace(NUL, REPLACEMENT)
