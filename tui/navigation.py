"""How the screens stack: the start screen at the bottom, one step of the flow over it, then visits.

A screen asks whether Esc has somewhere to go back to here, and posts ``GoBack`` to go there; the
app owns the stack and does the popping.
"""

from __future__ import annotations

from textual.app import App

FLOW_DEPTH = 2  # the start screen and the current step of the flow (token, repositories, sync, dashboard)


def can_go_back(app: App[None]) -> bool:
    """Whether a visited screen lies over another step of the flow."""
    return len(app.screen_stack) > FLOW_DEPTH
