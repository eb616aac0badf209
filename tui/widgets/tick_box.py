"""A checkbox that reads as checked only when it is: a tick when on, an empty box when off."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """Textual's checkbox draws its ``X`` in both states (only the colour changes); this one does not."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - the name Textual's ToggleButton reads
        return "✓" if self.value else " "
