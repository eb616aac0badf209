"""A demo PR while it is being generated, and the random shapes its numbers take.

``Draft`` is the mutable record ``demo_generator`` fills in (author, text, commits, reviews,
outcome) before freezing it into a ``PullRequestData``. The helpers draw times that grow denser
towards ``today`` and fall in working hours, log-normal durations, version bumps and branch slugs.
"""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tformance.fakes.demo_content import Person
from tformance.fakes.demo_model import Actor

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def sample_created(rng: random.Random, start: datetime, end: datetime, growth: float, human: bool) -> datetime:
    """A creation time, denser towards ``end`` when ``growth`` > 0, in working hours for humans."""
    moment = start + (end - start) * rising(rng.random(), growth)
    if human:
        day = moment.date()
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)  # weekend work mostly lands on Friday
        hour = min(21, max(6, int(rng.gauss(14, 3))))
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    moment = moment.replace(minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    return min(max(moment, start), end - timedelta(hours=1))


def minutes_around(rng: random.Random, median: float, sigma: float) -> timedelta:
    """A log-normal duration around ``median`` minutes, never under 30 seconds."""
    # exp(gauss) rather than lognormvariate: same distribution, and much faster for big datasets.
    return timedelta(seconds=int(60 * math.exp(rng.gauss(math.log(median), sigma))) + 30)


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:40]


def random_hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def bump_versions(rng: random.Random) -> tuple[str, str]:
    major, minor, patch = rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 12)
    if rng.random() < 0.7:
        return f"{major}.{minor}.{patch}", f"{major}.{minor}.{patch + rng.randint(1, 3)}"
    return f"{major}.{minor}.{patch}", f"{major}.{minor + 1}.0"


@dataclass
class Draft:
    """A PR being generated; numbered and frozen into ``PullRequestData`` at the end."""

    created_at: datetime
    kind: str  # human, dependabot, renovate, github-actions, copilot_agent, devin
    author: Actor | None
    person: Person | None = None
    requester: Person | None = None  # who assigned an agent
    title: str = ""
    body: str = ""
    head_ref: str = ""
    base_ref: str = "main"
    labels: list[str] = field(default_factory=list)
    additions: int = 0
    deletions: int = 0
    changed_files: int = 1
    state: str = "OPEN"
    is_draft: bool = False
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    # (time, author, state, body)
    reviews: list[tuple[datetime, Actor | None, str, str]] = field(default_factory=list)
    # (time, message, name, email, login)
    commits: list[tuple[datetime, str, str, str, str | None]] = field(default_factory=list)
    ai_tools: list[str] = field(default_factory=list)
    special: bool = False


def rising(u: float, growth: float) -> float:
    """Inverse CDF of a density rising linearly from 1 to 1 + ``growth`` over [0, 1]."""
    return u if growth == 0 else (-1 + math.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth
