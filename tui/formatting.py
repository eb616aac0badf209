"""Numbers, durations and times in the short forms the screens use.

Durations and shares are ``core.reports.figures``'s, so the screens and ``tformance report`` agree;
only "no data" is drawn as an em dash, which fits a table cell or a stat card. Tool names are
``core.detection.tools.display_name`` and estimate durations ``core.sync.estimate.rough_duration``,
called directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tformance.core.reports.figures import format_hours, format_share

NO_DATA = "—"


def count(value: int | None) -> str:
    """``1,234``; an em dash when unknown."""
    return NO_DATA if value is None else f"{value:,}"


def plural(value: int, word: str, words: str | None = None) -> str:
    """``1 repository``, ``3 repositories``."""
    return f"{value:,} {word if value == 1 else (words or word + 's')}"


def clock(seconds: float | None) -> str:
    """A countdown or ETA: ``0:42``, ``12:05``, ``1:02:03``; ``--:--`` when unknown."""
    if seconds is None:
        return "--:--"
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def hours(value: float | None) -> str:
    """A duration given in hours: ``45 min``, ``5.2 h``, ``3.1 d`` (``core.reports.figures.format_hours``)."""
    return NO_DATA if value is None else format_hours(value)


def ago(then: datetime | None, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``, ``4 mo ago``; ``never`` for None."""
    if then is None:
        return "never"
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days < 60:
        return f"{days} d ago"
    if days < 730:
        return f"{days // 30} mo ago"
    return f"{days // 365} y ago"


def percent(fraction: float | None) -> str:
    """A 0..1 share as ``23%`` (``core.reports.figures.format_share``)."""
    return NO_DATA if fraction is None else format_share(fraction)


def dollars(value: float) -> str:
    """Small costs stay visible: ``$0.004``, ``$0.12``, ``$3.40``."""
    if value < 0.01:
        return f"${value:.3f}" if value else "$0.00"
    return f"${value:,.2f}"


def short_repo_names(names: Iterable[str]) -> dict[str, str]:
    """``OWNER/NAME`` -> what to show: just ``NAME`` when every repo has the same owner."""
    names = list(names)
    owners = {name.partition("/")[0].lower() for name in names}
    if len(owners) == 1:
        return {name: name.partition("/")[2] or name for name in names}
    return {name: name for name in names}


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Iterable[float | None]) -> str:
    """One character a value, scaled to the largest; a blank where there is no value (not a zero)."""
    values = list(values)
    top = max((value for value in values if value), default=0)
    if not top:
        return "".join(" " if value is None else SPARK[0] for value in values)
    return "".join(
        " " if value is None else SPARK[max(0, min(len(SPARK) - 1, round(value / top * (len(SPARK) - 1))))]
        for value in values
    )
