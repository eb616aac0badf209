"""The fake GitHub's answers when things go wrong: injected faults and the primary rate limit.

``Fault`` describes a failure to serve (401, 403 SAML, 404, 502, 504, a GraphQL timeout, rate
limits, a dropped connection); ``FakeGitHub.inject`` queues it. ``GitHubFaultsAndLimits`` is the
part of ``FakeGitHub`` that picks the fault a request gets, keeps the hourly point budget and
writes the envelope every answer shares (status, GitHub's headers, the ``x-ratelimit-*`` ones).
The secondary limits live in ``github_limits``.
"""

from __future__ import annotations

import email.utils
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tformance.fakes.http_serving import FakeResponse

DOCS_URL = "https://docs.github.com/graphql"
USER_ID = 1  # GitHub names the user in rate-limit messages

FAULT_KINDS = frozenset(
    {"unauthorized", "not_found", "forbidden", "rate_limited", "secondary_rate_limit"}
    | {"bad_gateway", "gateway_timeout", "timeout", "disconnect"}
)
SAML_MESSAGE = (
    "Resource protected by organization SAML enforcement. "
    "You must grant your Personal Access token access to this organization."
)
SECONDARY_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, "
    "or it could be a GitHub bug. Please include `{request_id}` when reporting this issue."
)
GATEWAY_TIMEOUT_MESSAGE = (
    "We couldn't respond to your request in time. Sorry about that. "
    "Please try resubmitting your request and contact us if the problem persists."
)
BAD_GATEWAY_HTML = (
    "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
    "<h1>Unicorn! &middot; GitHub</h1>\n<p>We're having a really bad day.</p>\n"
    "<p>The unicorns have taken over. We're doing our best to get them under control.</p>\n"
    "</body>\n</html>\n"
)


@dataclass
class Fault:
    """A failure to serve instead of (or inside) the next matching answer(s).

    ``times`` is how many requests it hits (None: every one until ``clear_faults``); ``operation``
    and ``repo`` (OWNER/NAME) narrow which requests. ``variant``: ``"RATE_LIMIT"`` gives the newer
    rate-limit error type, ``"200"`` a secondary rate limit as HTTP 200 instead of 403.
    """

    kind: str
    times: int | None = 1
    operation: str | None = None
    repo: str | None = None
    reset_in: float = 60.0  # rate_limited: seconds until the budget resets
    retry_after: float | None = 60.0  # secondary_rate_limit: the retry-after header (None: not sent)
    variant: str | None = None
    message: str | None = None  # replaces the standard message
    delay: float = 0.0  # extra seconds before the answer, e.g. a slow 504

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")


class GitHubFaultsAndLimits:
    """Fault injection, the hourly point budget and the answer envelope; mixed into ``FakeGitHub``,
    whose ``__init__`` sets the attributes below."""

    rate_limit: int
    rate_limit_window: float
    scopes: str | None
    latency_per_request: float
    clock_offset: float
    _clock: Callable[[], float]
    _lock: threading.RLock
    _faults: list[Fault]
    _used: int
    _reset_at: float | None
    _limited_type: str
    _sequence: int

    def inject(self, fault: Fault) -> Fault:
        """Serve ``fault`` to the next matching request(s); returns it (its ``times`` counts down)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def rate_limit_remaining(self) -> int:
        with self._lock:
            self._roll_window(self._clock() + self.clock_offset)
            return max(0, self.rate_limit - self._used)

    def exhaust_rate_limit(self, reset_in: float, error_type: str = "RATE_LIMITED") -> None:
        """Use up the whole budget until ``reset_in`` seconds from now."""
        with self._lock:
            self._used = self.rate_limit
            self._reset_at = self._clock() + self.clock_offset + reset_in
            self._limited_type = error_type

    def _request_id(self) -> str:
        n = self._sequence
        return f"C3D8:2D7E:{0x1A2B3C + n:X}:{0x4D5E6F + 7 * n:X}:{0x65F0A1B2 + n:08X}"

    def _json(
        self, status: int, payload: Any, now: float, *, rate_headers: bool = False, extra: dict[str, str] | None = None
    ) -> FakeResponse:
        headers = {
            "content-type": "application/json; charset=utf-8",
            "x-github-media-type": "github.v4; format=json",
            "x-github-request-id": self._request_id(),
        }
        if rate_headers:
            headers.update(self._rate_headers(now))
            if self.scopes is not None:
                headers["x-oauth-scopes"] = self.scopes
                headers["x-accepted-oauth-scopes"] = "repo"
        headers["date"] = email.utils.formatdate(now, usegmt=True)
        headers.update(extra or {})
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return FakeResponse(status, headers, body, self.latency_per_request)

    def _roll_window(self, now: float) -> None:
        if self._reset_at is None or now >= self._reset_at:
            self._used = 0
            self._reset_at = now + self.rate_limit_window
            self._limited_type = "RATE_LIMITED"

    def _rate_headers(self, now: float) -> dict[str, str]:
        self._roll_window(now)
        assert self._reset_at is not None
        return {
            "x-ratelimit-limit": str(self.rate_limit),
            "x-ratelimit-remaining": str(max(0, self.rate_limit - self._used)),
            "x-ratelimit-used": str(min(self._used, self.rate_limit)),
            "x-ratelimit-reset": str(math.ceil(self._reset_at)),
            "x-ratelimit-resource": "graphql",
        }

    def _rate_limited(self, now: float, message: str | None = None) -> FakeResponse:
        if self._limited_type == "RATE_LIMIT":
            error = {
                "type": "RATE_LIMIT",
                "code": "graphql_rate_limit",
                "message": f"API rate limit already exceeded for user ID {USER_ID}.",
            }
        else:
            error = {"type": "RATE_LIMITED", "message": f"API rate limit exceeded for user ID {USER_ID}."}
        if message:
            error["message"] = message
        return self._json(200, {"data": None, "errors": [error]}, now, rate_headers=True)

    def _take_fault(self, operation: str | None, repos: set[str], repo_scoped: bool) -> Fault | None:
        for fault in self._faults:
            if fault.operation is not None and fault.operation != operation:
                continue
            if fault.repo is not None and fault.repo.lower() not in repos:
                continue
            if fault.kind == "not_found" and not repo_scoped:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    def _unauthorized(self, now: float) -> FakeResponse:
        body = {"message": "Bad credentials", "documentation_url": DOCS_URL, "status": "401"}
        return self._json(401, body, now)

    def _bad_gateway(self) -> FakeResponse:
        headers = {
            "content-type": "text/html; charset=utf-8",
            "x-github-request-id": self._request_id(),
            "date": email.utils.formatdate(self._clock() + self.clock_offset, usegmt=True),
        }
        return FakeResponse(502, headers, BAD_GATEWAY_HTML.encode(), self.latency_per_request)

    def _fault_response(self, fault: Fault, now: float, repo_scoped: bool) -> FakeResponse | None:
        """The answer for ``fault``, or None when it acts inside execution (not_found, forbidden on a repo)."""
        kind = fault.kind
        if kind == "unauthorized":
            return self._unauthorized(now)
        if kind == "disconnect":
            return FakeResponse(0, {}, b"", self.latency_per_request, disconnect=True)
        if kind == "bad_gateway":
            return self._bad_gateway()
        if kind == "gateway_timeout":
            message = fault.message or GATEWAY_TIMEOUT_MESSAGE
            return self._json(504, {"message": message, "documentation_url": DOCS_URL}, now)
        if kind == "timeout":
            message = fault.message or TIMEOUT_MESSAGE.format(request_id=self._request_id())
            return self._json(200, {"data": None, "errors": [{"message": message}]}, now, rate_headers=True)
        if kind == "rate_limited":
            self.exhaust_rate_limit(fault.reset_in, "RATE_LIMIT" if fault.variant == "RATE_LIMIT" else "RATE_LIMITED")
            return self._rate_limited(now, fault.message)
        if kind == "secondary_rate_limit":
            return self._secondary_limited(fault, now)
        if kind == "forbidden" and not repo_scoped:
            error = {
                "type": "FORBIDDEN",
                "extensions": {"saml_failure": True},
                "message": fault.message or SAML_MESSAGE,
            }
            return self._json(200, {"data": None, "errors": [error]}, now, rate_headers=True)
        return None

    def _secondary_limited(self, fault: Fault, now: float) -> FakeResponse:
        """A secondary rate limit: 403 with ``retry-after`` (or HTTP 200 for the ``"200"`` variant)."""
        message = fault.message or (
            f"{SECONDARY_MESSAGE} If you reach out to GitHub Support for help, please include the request ID "
            f"{self._request_id()}."
        )
        extra = {} if fault.retry_after is None else {"retry-after": str(math.ceil(fault.retry_after))}
        if fault.variant == "200":
            return self._json(
                200, {"data": None, "errors": [{"message": message}]}, now, rate_headers=True, extra=extra
            )
        body = {
            "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/"
            "rate-limits-for-the-rest-api#about-secondary-rate-limits",
            "message": message,
        }
        return self._json(403, body, now, rate_headers=True, extra=extra)
