"""Pacing requests to Groq: a model of the account's token bucket, and how long Groq asks us to wait.

``TokenGovernor`` decides how many requests may be in flight and when the next may start; it is
resynced from every response's ``x-ratelimit-*`` headers. ``retry_after`` reads the wait Groq asks
for (a header of any length, else the "try again in 7.5s" of the message), since the SDK would cap it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time

import httpx

from tformance.core.errors import LLMUnavailable

DEFAULT_MAX_CONCURRENCY = 16
INITIAL_CONCURRENCY = 4

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|\u00b5s|ns|h|m|s)")
_TRY_AGAIN = re.compile(r"try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)", re.IGNORECASE)


def parse_duration(value: str | None) -> float | None:
    """Seconds in a Go-style duration as Groq sends them (``7.66s``, ``2m59.5s``, ``120ms``) or a number."""
    if value is None:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "\u00b5s": 1e-6, "ns": 1e-9}
    return sum(float(number) * scale[unit] for number, unit in parts)


def _header_int(headers: httpx.Headers | None, name: str) -> int | None:
    raw = headers.get(name) if headers is not None else None
    try:
        return int(float(raw)) if raw is not None else None
    except ValueError:
        return None


class TokenGovernor:
    """How many requests may be in flight and when: a mirror of Groq's token bucket.

    Every request reserves its estimated tokens; each response's headers resync the estimate
    (minus what later, still unanswered requests reserved, since the server may not count them yet).
    The concurrency cap grows by one per success and halves on 429, 498 and 5xx.
    """

    def __init__(self, initial_concurrency: int = INITIAL_CONCURRENCY, max_concurrency: int = DEFAULT_MAX_CONCURRENCY):
        self.limit: int | None = None  # tokens per minute, from x-ratelimit-limit-tokens
        self.available: float | None = None  # tokens in the bucket at ``stamp``; None: unknown yet
        self.refill: float | None = None  # tokens per second
        self.stamp = time.monotonic()
        self.blocked_until = 0.0
        self.concurrency = max(1, min(initial_concurrency, max_concurrency))
        self.max_concurrency = max(1, max_concurrency)
        self.stopped: LLMUnavailable | None = None
        self.peak_in_flight = 0
        self._in_flight: dict[int, int] = {}
        self._sequence = 0
        self._synced = 0
        self._answered = False
        self._changed: asyncio.Future[None] | None = None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def estimate(self, now: float) -> float:
        """Tokens we believe the bucket holds at ``now``."""
        if self.available is None:
            return math.inf
        if self.refill and self.limit:
            return min(float(self.limit), self.available + self.refill * (now - self.stamp))
        return self.available

    async def acquire(self, cost: int) -> int:
        """Wait until a request of ``cost`` tokens may go; returns its ticket for ``release``."""
        while True:
            if self.stopped is not None:
                raise self.stopped
            now = time.monotonic()
            wait = self._wait_needed(cost, now)
            if wait == 0:
                break
            await self._wait(wait)
        self._sequence += 1
        self._in_flight[self._sequence] = cost
        self.peak_in_flight = max(self.peak_in_flight, len(self._in_flight))
        if self.available is not None:
            self.available, self.stamp = self.estimate(now) - cost, now
        return self._sequence

    def release(self, ticket: int, headers: httpx.Headers | None, outcome: str) -> None:
        """A request ended: ``outcome`` is ok, rate_limited, overloaded or error."""
        cost = self._in_flight.pop(ticket, 0)
        now = time.monotonic()
        self._answered = self._answered or headers is not None
        if not self._sync(ticket, headers, now) and outcome != "ok" and self.available is not None:
            self.available += cost  # a refused request is not charged
        if outcome == "ok":
            self.concurrency = min(self.max_concurrency, self.concurrency + 1)
        elif outcome in ("rate_limited", "overloaded"):
            self.concurrency = max(1, self.concurrency // 2)
        self._notify()

    def block(self, seconds: float) -> None:
        """No request starts for ``seconds`` (retry-after, back-off)."""
        self.blocked_until = max(self.blocked_until, time.monotonic() + seconds)
        self._notify()

    def stop(self, error: LLMUnavailable) -> None:
        if self.stopped is None:
            self.stopped = error
        self._notify()

    def _wait_needed(self, cost: int, now: float) -> float | None:
        """0 to go now, seconds to wait, or None to wait for the next response."""
        if now < self.blocked_until:
            return self.blocked_until - now
        if len(self._in_flight) >= self.concurrency:
            return None
        if not self._answered and self._in_flight:
            return None  # one probe first: its headers tell the account's limits before a burst
        need = float(cost if self.limit is None else min(cost, self.limit))
        available = self.estimate(now)
        if available >= need:
            return 0
        if self.refill:
            return max(0.005, (need - available) / self.refill)
        # Nothing tells when tokens come back: wait for a response, or go and let a 429 say.
        return None if self._in_flight else 0

    def _sync(self, ticket: int, headers: httpx.Headers | None, now: float) -> bool:
        limit = _header_int(headers, "x-ratelimit-limit-tokens")
        remaining = _header_int(headers, "x-ratelimit-remaining-tokens")
        if limit:
            self.limit = limit
        if remaining is None or ticket <= self._synced:
            return False  # no news, or older news than we have
        self._synced = ticket
        reset = parse_duration(headers.get("x-ratelimit-reset-tokens")) if headers is not None else None
        if reset and self.limit and remaining < self.limit:
            self.refill = (self.limit - remaining) / reset
        elif self.refill is None and self.limit:
            self.refill = self.limit / 60.0
        later = sum(cost for other, cost in self._in_flight.items() if other > ticket)
        self.available, self.stamp = float(remaining - later), now
        return True

    async def _wait(self, timeout: float | None) -> None:
        if self._changed is None or self._changed.done():
            self._changed = asyncio.get_running_loop().create_future()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._changed), timeout)

    def _notify(self) -> None:
        if self._changed is not None and not self._changed.done():
            self._changed.set_result(None)
        self._changed = None


def retry_after(headers: httpx.Headers | None, message: str, default: float = 2.0) -> float:
    """Seconds to wait: ``retry-after`` (any length), else the "try again in 7.5s" in the message."""
    if headers is not None:
        for name in ("retry-after-ms", "retry-after"):
            value = headers.get(name)
            seconds = parse_duration(value) if value else None
            if seconds is not None:
                return seconds / 1000 if name == "retry-after-ms" else seconds
    match = _TRY_AGAIN.search(message)
    if match:
        seconds = parse_duration(match.group(1))
        if seconds is not None:
            return seconds
    return default


def format_wait(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
