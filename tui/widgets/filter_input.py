"""A filter box for names that never contain spaces (GitHub repo names), so space can mean "toggle"."""

from __future__ import annotations

from textual.widgets import Input


class FilterInput(Input):
    """Leaves the space key to the screen's bindings; everything else types into the filter."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and super().check_consume_key(key, character)
