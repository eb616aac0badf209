"""Numbers, durations and times in the short forms the screens use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def count(value: int | None) -> str:
    """``1,234``; an em dash when unknown."""
    return "—" if value is None else f"{value:,}"


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


def minutes(seconds: float) -> str:
    """A rough duration for an estimate: ``under a minute``, ``about 4 min``, ``about 2 h``."""
    if seconds < 60:
        return "under a minute"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"


def hours(value: float | None) -> str:
    """A duration given in hours: ``45 min``, ``5.2 h``, ``3.1 d``."""
    if value is None:
        return "—"
    if value < 1:
        return f"{round(value * 60)} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} d"


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


def percent(fraction: float | None, digits: int = 0) -> str:
    if fraction is None:
        return "—"
    return f"{fraction * 100:.{digits}f}%"


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
