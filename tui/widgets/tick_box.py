"""A checkbox that reads as checked only when it is: a tick when on, an empty box when off."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """Textual's checkbox draws its ``X`` in both states (only the colour changes); this one does not."""

    def render(self) -> Content:
        # Textual draws BUTTON_INNER inside the box; a change of value repaints, so it follows the value.
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()
