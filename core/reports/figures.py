"""Numbers, shares and durations in words: the one spelling the reports and the screens share.

The text, HTML and dashboard print the same figure the same way because they all call these;
a missing figure is ``NO_DATA`` here (the screens draw it as an em dash instead).
"""

from __future__ import annotations

NO_DATA = "no data"


def format_hours(hours: float | None) -> str:
    """A duration for people: minutes under an hour, hours under two days, else days."""
    if hours is None:
        return NO_DATA
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def format_share(share: float | None) -> str:
    """A 0..1 share as a percentage, or "no data"."""
    return NO_DATA if share is None else f"{share * 100:.0f}%"


def format_number(value: float | None, digits: int = 0) -> str:
    return NO_DATA if value is None else f"{value:,.{digits}f}"
