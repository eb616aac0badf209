"""Text from GitHub made safe to write where a terminal or a spreadsheet will read it.

The database keeps every title and body byte-exact; what leaves through an export (text, CSV,
HTML) or reaches the app's screen is cleaned at that edge. The app's ``tui.safe_text`` uses the
same two patterns, so both front ends agree on what a control sequence is.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks), DCS/SOS/PM/APC
# strings, and two-character escapes. The 8-bit C1 forms are covered by the control class below.
ESCAPE_SEQUENCES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                      # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?         # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?              # DCS, SOS, PM, APC ... ST
    | \x1b[@-Z\\-_]                              # other two-character escapes
    | \x1b                                       # a lone ESC
    """,
    re.VERBOSE,
)
# C0 controls but tab and newline, DEL and C1, bidirectional overrides and isolates (they can
# reorder what follows on the line), and the line/paragraph separators some terminals treat as newlines.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Spreadsheets run a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences or control characters; tabs and newlines stay (CRLF becomes LF)."""
    text = ESCAPE_SEQUENCES.sub("", text).replace("\r\n", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def spreadsheet_cell(value: object) -> object:
    """A CSV cell safe to open: text without controls, and a leading ``'`` where a spreadsheet would
    see a formula. Numbers pass through untouched."""
    if not isinstance(value, str):
        return value
    text = strip_controls(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
