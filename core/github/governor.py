"""One governor per token for all GitHub traffic: GitHub's secondary limits, kept from our side.

GitHub allows at most 100 concurrent requests, 2,000 points a minute and 60 s of GraphQL server
time per 60 s of real time, which it says to estimate from response times. The governor keeps the
measured response times of its own requests in a sliding window, reserves an estimate for each
request in flight, and holds a request back until it fits: when the budget binds the sync runs at
it instead of earning a secondary-limit penalty. When GitHub still says to slow down, ``pause``
stops every request of the token until the wait is over: nothing is sent meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

GITHUB_TIME_BUDGET = 60.0  # seconds of server time per window
GITHUB_WINDOW = 60.0
GITHUB_POINTS_PER_MINUTE = 2000
GITHUB_MAX_CONCURRENT = 100
HEADROOM = 0.95  # stay this far under each limit: our estimates are estimates
# Before any measurement: a guess on the slow side of GitHub's usual answers (s, s per PR).
DEFAULT_SECONDS_PER_REQUEST = 0.5
DEFAULT_SECONDS_PER_NODE = 0.025
_IDLE_RECHECK = 1.0  # waiting for requests in flight to finish: look again at least this often

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Permit:
    """One request's place under the limits; the caller fills in what it measured."""

    estimate: float
    started: float
    seconds: float = 0.0  # measured response time
    nodes: int = 0  # items the answer held (the size that drives server time)
    points: int = 0  # rateLimit.cost of the answer


@dataclass(frozen=True)
class GovernorStats:
    requests: int
    server_seconds: float  # sum of measured response times
    secondary_pauses: int
    paced_seconds: float  # time requests spent held back by the budget


class GitHubGovernor:
    """Paces one token's requests under GitHub's secondary limits. ``time_budget`` None turns the
    server-time budget off (the demo's fake latency is theatre, not GitHub's server time)."""

    def __init__(
        self,
        *,
        max_in_flight: int = 32,
        time_budget: float | None = GITHUB_TIME_BUDGET,
        window: float = GITHUB_WINDOW,
        points_per_minute: int = GITHUB_POINTS_PER_MINUTE,
        headroom: float = HEADROOM,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_in_flight = max(1, min(max_in_flight, GITHUB_MAX_CONCURRENT))
        self.time_budget = time_budget
        self.window = window
        self.points_per_minute = points_per_minute
        self.headroom = headroom
        self._clock = clock
        self._spent: deque[tuple[float, float]] = deque()  # (started, measured seconds)
        self._points: deque[tuple[float, int]] = deque()
        self._reserved: dict[int, float] = {}
        self._samples: deque[tuple[int, float]] = deque(maxlen=64)  # (nodes, seconds)
        self._in_flight = 0
        self._urgent_waiting = 0
        self._pause: asyncio.Task[None] | None = None
        self._pause_ends = 0.0
        self._changed: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._requests = 0
        self._server_seconds = 0.0
        self._secondary_pauses = 0
        self._paced = 0.0

    # -- what callers use ---------------------------------------------------------------------

    @asynccontextmanager
    async def slot(self, expected_nodes: int = 0, urgent: bool = False) -> AsyncIterator[Permit]:
        """Hold a place for one request expected to return ``expected_nodes`` items; the block
        sends it and sets the permit's ``seconds``, ``nodes`` and ``points``. ``urgent`` requests
        (a repository's first page) go before the others waiting."""
        permit = await self.acquire(expected_nodes, urgent)
        try:
            yield permit
        finally:
            self.release(permit)

    async def acquire(self, expected_nodes: int = 0, urgent: bool = False) -> Permit:
        held_since = self._clock()
        if urgent:
            self._urgent_waiting += 1
        try:
            return await self._acquire(expected_nodes, urgent, held_since)
        finally:
            if urgent:
                self._urgent_waiting -= 1

    async def _acquire(self, expected_nodes: int, urgent: bool, held_since: float) -> Permit:
        while True:
            pause = self._pause
            if pause is not None and not pause.done() and pause.get_loop() is asyncio.get_running_loop():
                await asyncio.shield(pause)
                continue
            now = self._clock()
            estimate = self.estimate(expected_nodes)
            wait = self._wait_needed(now, estimate)
            if not urgent and self._urgent_waiting and wait == 0:
                wait = -1.0  # a repository's first page is waiting: let it go first
            if wait == 0 and self._in_flight < self.max_in_flight:
                self._in_flight += 1
                permit = Permit(estimate, now)
                self._reserved[id(permit)] = estimate
                self._paced += now - held_since
                return permit
            await self._wait_for_change(wait if wait > 0 else _IDLE_RECHECK)

    def release(self, permit: Permit) -> None:
        self._in_flight -= 1
        self._reserved.pop(id(permit), None)
        seconds = max(permit.seconds, 0.0)
        self._spent.append((permit.started, seconds))
        if permit.points:
            self._points.append((permit.started, permit.points))
        if seconds > 0:
            self._samples.append((permit.nodes, seconds))
        self._requests += 1
        self._server_seconds += seconds
        self._signal()

    def pause(self, seconds: float, sleep: Sleep) -> bool:
        """Stop every request of the token for ``seconds`` (GitHub asked). Returns False when a
        pause at least as long is already under way (that one is waited instead)."""
        now = self._clock()
        if self._pause is not None and not self._pause.done() and self._pause_ends >= now + seconds:
            return False
        self._secondary_pauses += 1
        self._pause_ends = now + seconds
        self._pause = asyncio.ensure_future(sleep(seconds))
        return True

    async def wait_for_pause(self) -> None:
        pause = self._pause
        if pause is not None and not pause.done():
            await asyncio.shield(pause)

    def estimate(self, nodes: int) -> float:
        """Server seconds a request returning ``nodes`` items is expected to take, on the safe side:
        a least-squares line through recent measurements, padded; a cautious guess before any."""
        samples = list(self._samples)
        if len(samples) < 3:
            return DEFAULT_SECONDS_PER_REQUEST + DEFAULT_SECONDS_PER_NODE * nodes
        count = len(samples)
        mean_n = sum(n for n, _ in samples) / count
        mean_s = sum(s for _, s in samples) / count
        spread = sum((n - mean_n) ** 2 for n, _ in samples)
        if spread > 0:
            slope = max(0.0, sum((n - mean_n) * (s - mean_s) for n, s in samples) / spread)
            intercept = max(0.0, mean_s - slope * mean_n)
        else:  # every answer the same size: no slope to learn yet, so keep the cautious guess for others
            guess = DEFAULT_SECONDS_PER_REQUEST + DEFAULT_SECONDS_PER_NODE * nodes
            return mean_s * 1.05 + 0.02 if nodes == round(mean_n) else max(guess, mean_s)
        return (intercept + slope * nodes) * 1.05 + 0.02

    def server_time_used(self) -> float:
        """Measured server seconds in the current window plus what requests in flight reserve."""
        self._expire(self._clock())
        return sum(seconds for _, seconds in self._spent) + sum(self._reserved.values())

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def stats(self) -> GovernorStats:
        return GovernorStats(self._requests, self._server_seconds, self._secondary_pauses, self._paced)

    # -- inside -------------------------------------------------------------------------------

    def _wait_needed(self, now: float, estimate: float) -> float:
        """0 when a request of ``estimate`` seconds fits now; else seconds until it may (or -1:
        until a request in flight finishes)."""
        self._expire(now)
        waits = [0.0]
        if self.points_per_minute and self._points:
            points = sum(p for _, p in self._points)
            if points + 1 > self.points_per_minute * self.headroom:
                waits.append(self._points[0][0] + 60.0 - now)
        if self.time_budget is not None:
            allowed = self.time_budget * self.headroom
            reserved = sum(self._reserved.values())
            spent = sum(seconds for _, seconds in self._spent)
            excess = spent + reserved + estimate - allowed
            if excess > 0 and (self._spent or self._reserved):
                freed = 0.0
                for started, seconds in self._spent:
                    freed += seconds
                    if freed >= excess:
                        waits.append(started + self.window - now)
                        break
                else:
                    return -1.0  # what is in flight must finish first
        return max(waits) if max(waits) > 0 else 0.0

    def _expire(self, now: float) -> None:
        while self._spent and self._spent[0][0] <= now - self.window:
            self._spent.popleft()
        while self._points and self._points[0][0] <= now - 60.0:
            self._points.popleft()

    def _event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._changed is None or self._loop is not loop:
            self._changed, self._loop = asyncio.Event(), loop
        return self._changed

    async def _wait_for_change(self, timeout: float) -> None:
        event = self._event()
        with suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=max(timeout, 0.001))

    def _signal(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None
