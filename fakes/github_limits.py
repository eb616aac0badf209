"""GitHub's secondary rate limits, as the fake GitHub enforces them.

GitHub documents three for GraphQL: at most 100 concurrent requests, at most 2,000 points a
minute, and at most 60 seconds of server time per 60 seconds of real time (estimated from response
times). Breaking one earns a 403 "secondary rate limit" with ``retry-after`` and a penalty period
during which every request of the token is refused; the fake counts the requests sent anyway.
Server time here is the fake's own simulated response time (its latency model).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class SecondaryLimits:
    """The limits and their state. ``time_budget`` None leaves the server-time budget off (the
    demo and most tests); concurrency and points are always enforced, as on GitHub."""

    time_budget: float | None = None  # seconds of server time allowed per ``window`` seconds
    window: float = 60.0
    penalty: float = 60.0  # how long a limited token is refused
    max_concurrent: int = 100
    points_per_minute: int = 2000
    penalty_until: float | None = None
    secondary_answers: int = 0  # every refusal, the first and those during the penalty
    requests_during_penalty: int = 0  # sent although GitHub had said to wait
    server_time_total: float = 0.0
    _spent: deque[tuple[float, float]] = field(default_factory=deque)  # (started, server seconds)
    _points: deque[tuple[float, int]] = field(default_factory=deque)

    def refusal(self, now: float, in_flight: int) -> int | None:
        """Seconds of ``retry-after`` if this request is refused, else None."""
        if self.penalty_until is not None and now < self.penalty_until:
            self.secondary_answers += 1
            self.requests_during_penalty += 1
            return max(1, math.ceil(self.penalty_until - now))
        self._expire(now)
        over_time = self.time_budget is not None and self.server_time_used(now) >= self.time_budget
        over_points = sum(points for _, points in self._points) >= self.points_per_minute
        if over_time or over_points or in_flight > self.max_concurrent:
            self.penalty_until = now + self.penalty
            self.secondary_answers += 1
            return math.ceil(self.penalty)
        return None

    def spend(self, now: float, seconds: float, points: int) -> None:
        """Record a served request: its server time (from its arrival) and its points."""
        self._spent.append((now, seconds))
        self._points.append((now, points))
        self.server_time_total += seconds

    def server_time_used(self, now: float) -> float:
        self._expire(now)
        return sum(seconds for _, seconds in self._spent)

    def _expire(self, now: float) -> None:
        while self._spent and self._spent[0][0] <= now - self.window:
            self._spent.popleft()
        while self._points and self._points[0][0] <= now - 60.0:
            self._points.popleft()
