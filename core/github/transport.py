"""How tformance talks to GitHub's GraphQL API politely: every request goes through here.

Every request goes through the token's ``GitHubGovernor`` (concurrency, points a minute and the
server-time budget), the primary rate limit is waited out (trusting the body over the headers,
timing the wait by GitHub's ``Date``), a secondary limit pauses every request of the token, and
502s, timeouts and ``data: null`` are retried with exponential backoff and jitter. Answers with
both data and errors keep the data. Each wait is told, as a ``WaitNotice``, to the listener the
call passed (``on_wait``): the client itself holds no listener, so one client serves any caller.
The token lives only in the Authorization header: never in a message, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self, cast

import httpx

from tformance.core.dates import parse_github_datetime, utc_now
from tformance.core.errors import (
    GitHubAuthError,
    GitHubError,
    GitHubForbidden,
    GitHubNotFound,
    GitHubQueryError,
    GitHubRateLimited,
    GitHubSecondaryRateLimited,
    GitHubTransientError,
    GitHubUnreachable,
)
from tformance.core.events import SLOW_DOWN
from tformance.core.github.governor import GitHubGovernor, Permit
from tformance.core.network import tls_context

log = logging.getLogger(__name__)

GITHUB_GRAPHQL_URL = "https://api.github.com/graphql"
USER_AGENT = "tformance (+https://github.com/tformance)"
SECONDARY_DEFAULT_WAIT = 60.0  # GitHub's advice when no retry-after comes: then doubled each time
MIN_WAIT = 1.0  # no wait is shorter, whatever a skewed clock says: a storm of retries is worse
UNREACHABLE_RETRIES = 2  # no route to GitHub rarely heals in seconds: say so quickly
# No answer at all (timeouts) for this long since the first failed attempt: give up on the call.
# With the 20 s read timeout a GitHub that never answers fails in about 40 s instead of minutes.
SILENCE_DEADLINE = 15.0

Sleep = Callable[[float], Awaitable[None]]
Json = dict[str, Any]  # a GraphQL answer's object, as parsed


TOKEN_KINDS = (
    ("github_pat_", "fine-grained"),
    ("ghp_", "classic"),
    ("gho_", "oauth"),
    ("ghu_", "user-to-server"),
    ("ghs_", "server-to-server"),
)


def token_kind(token: str) -> str:
    """The kind of a GitHub token by its prefix (GitHub's documented formats); ``unknown`` else."""
    for prefix, kind in TOKEN_KINDS:
        if token.startswith(prefix):
            return kind
    return "unknown"


@dataclass(frozen=True)
class WaitNotice:
    """The client is waiting: a rate limit pause, a secondary-limit back-off or a retry."""

    kind: str  # "rate_limit", "secondary", "retry"
    until: datetime
    reason: str
    label: str | None = None
    attempt: int = 0


WaitListener = Callable[[WaitNotice], None]  # hears a call's waits; passed per call, never stored


@dataclass
class RateLimitState:
    limit: int | None = None
    remaining: int | None = None
    used: int | None = None
    reset_at: datetime | None = None
    points_spent: int = 0  # by this client, from rateLimit.cost


@dataclass
class _Backoff:
    base: float
    cap: float
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Full jitter: spread retries so concurrent workers do not stampede together."""
        return self.rng.uniform(self.base / 2, min(self.cap, self.base * 2**attempt))


class GraphQLTransport:
    """One per token: GraphQL requests with GitHub's limits, retries and errors handled."""

    silence_deadline = SILENCE_DEADLINE
    _silent_since: float | None = None  # the first failed attempt with no answer from GitHub since

    def __init__(
        self,
        token: str,
        url: str = GITHUB_GRAPHQL_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = 10,
        max_retries: int = 6,
        timeout: float = 20.0,  # GitHub kills a query at 10 s: an answer taking twice that is not coming
        deadline: float = 55.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        governor: GitHubGovernor | None = None,
    ) -> None:
        if not token:
            raise GitHubAuthError("no GitHub token: set GITHUB_TOKEN or paste one in the app")
        self.url = url
        self.max_retries = max_retries
        # Seconds one call may spend on failing attempts before it gives up with a reason: a dead
        # endpoint fails in under a minute instead of retrying for many.
        self.deadline = deadline
        self._timeout = timeout
        self.rate_limit = RateLimitState()
        self.token_kind = token_kind(token)
        self.governor = governor or GitHubGovernor(max_in_flight=max_in_flight)
        self._sleep = sleep
        self._backoff = _Backoff(backoff_base, backoff_cap)
        self._paused_until: datetime | None = None  # in GitHub's clock
        self._clock_skew = timedelta(0)  # GitHub's clock minus ours, from each answer's Date
        self._secondary_streak = 0
        # Organisation IDs whose repos GitHub left out of a listing or search (SSO not authorised).
        self.sso_hidden_organizations: set[str] = set()
        self.secondary_answers = 0
        self._http = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(),  # SSL_CERT_FILE, else the OS store (core/network.py)
            trust_env=True,  # HTTPS_PROXY and NO_PROXY
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"Authorization": f"bearer {token}", "User-Agent": USER_AGENT},
        )
        self.last_scopes: tuple[str, ...] | None = None
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def execute(
        self,
        document: str,
        variables: Json,
        *,
        label: str | None = None,
        shrink_on_transient: bool = False,
        partial: list[Json] | None = None,
        expected_nodes: int = 0,
        urgent: bool = False,
        on_wait: WaitListener | None = None,
    ) -> Json:
        """Send one GraphQL request and return its ``data``, waiting and retrying as GitHub asks.

        Rate limits are waited out (each wait at least 1 s); a secondary limit pauses every
        request of the token, then this one is retried; transient errors are retried up to
        ``max_retries`` times; anything else raises a ``GitHubError``. With ``shrink_on_transient``
        a 502 or timeout goes straight back to the caller, who retries with a lighter query. With
        ``partial`` (a list), an answer holding data and field errors returns the data and appends
        the errors there instead of failing. ``expected_nodes`` sizes the governor's estimate; ``urgent``
        (a repository's first page) goes before other waiting requests. ``on_wait`` hears each wait,
        as a ``WaitNotice`` naming ``label``.
        """
        attempt = 0
        limited = 0
        failing_since: float | None = None
        while True:
            await self._respect_pause(label, on_wait)
            attempt_started = time.monotonic()
            try:
                data = await self._send(document, variables, partial, expected_nodes, urgent)
                self._secondary_streak = 0
                return data
            except GitHubRateLimited as error:
                # Waited out, never a failure: each wait lasts at least MIN_WAIT, so no storm.
                self._paused_until = max(error.reset_at, self._paused_until or error.reset_at)
            except GitHubSecondaryRateLimited as error:
                limited += 1
                if limited > self.max_retries:
                    raise
                await self._secondary_pause(error, label, on_wait)
            except GitHubTransientError as error:
                attempt += 1
                limit = UNREACHABLE_RETRIES if isinstance(error, GitHubUnreachable) else self.max_retries
                if attempt > limit or (shrink_on_transient and not isinstance(error, GitHubUnreachable)):
                    raise
                failing_since = failing_since or attempt_started
                if self._past_deadline(failing_since):
                    seconds = time.monotonic() - failing_since
                    raise type(error)(f"{error}; gave up after {attempt} attempts in {seconds:.0f} s") from None
                await self._wait_retry(attempt, str(error), label, on_wait)

    async def _send(
        self, document: str, variables: Json, partial: list[Json] | None, expected_nodes: int, urgent: bool
    ) -> Json:
        async with self.governor.slot(expected_nodes, urgent) as permit:
            self.requests_sent += 1
            started = time.perf_counter()
            try:
                request = self._http.build_request("POST", self.url, json={"query": document, "variables": variables})
                response = await self._http.send(request, stream=True)
                # Server time is estimated from the response time: until the answer starts, not
                # until our busy event loop has read the whole body.
                permit.seconds = time.perf_counter() - started
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.TimeoutException:
                raise GitHubTransientError("GitHub did not answer in time") from None
            except httpx.ConnectError:
                host = httpx.URL(self.url).host
                raise GitHubUnreachable(f"cannot reach GitHub at {host}: check the network or proxy") from None
            except httpx.TransportError as error:
                raise GitHubTransientError(f"cannot reach GitHub ({type(error).__name__})") from None
            finally:
                permit.seconds = permit.seconds or time.perf_counter() - started
            self._read_clock(response.headers)
            self._read_rate_limit_headers(response.headers)
            self._read_sso_partial(response.headers)
            return self._parse(response, partial, permit)

    def _parse(self, response: httpx.Response, partial: list[Json] | None, permit: Permit) -> Json:
        status = response.status_code
        if status == 401:
            raise GitHubAuthError()
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            body = None
        message = body.get("message", "") if isinstance(body, dict) else ""
        if status in (403, 429):
            if _is_secondary(message) or "retry-after" in response.headers:
                raise GitHubSecondaryRateLimited(_retry_after(response.headers))
            if response.headers.get("x-ratelimit-remaining") == "0":
                raise GitHubRateLimited(self.rate_limit.reset_at or self._github_now() + timedelta(minutes=1))
            raise GitHubForbidden(f"GitHub refused the request (HTTP {status}): {message or 'forbidden'}")
        if status in (500, 502, 503, 504):
            raise GitHubTransientError(f"GitHub answered HTTP {status}")
        if status != 200 or not isinstance(body, dict):
            if status == 200:
                raise _not_json(response, self.url)
            raise GitHubQueryError(f"GitHub answered HTTP {status}: {message or 'unexpected response'}")

        data = body.get("data")
        if isinstance(data, dict):
            self._read_rate_limit_body(data, permit)
            permit.nodes = _count_nodes(data)
        errors = body.get("errors") or []
        if not errors:
            if data is None:
                raise GitHubTransientError("GitHub sent no data")
            return cast(Json, data)  # GraphQL's ``data`` is an object
        return self._raise_for_errors(errors, data, response.headers, partial)

    def _raise_for_errors(
        self, errors: list[Json], data: Any, headers: httpx.Headers, partial: list[Json] | None
    ) -> Json:
        types = {error.get("type") for error in errors}
        messages = "; ".join(str(error.get("message", "")) for error in errors)
        if types & {"RATE_LIMITED", "RATE_LIMIT"}:
            # The body is the authority; headers tell when the window resets.
            raise GitHubRateLimited(self.rate_limit.reset_at or self._github_now() + timedelta(minutes=1))
        if _is_secondary(messages):
            raise GitHubSecondaryRateLimited(_retry_after(headers))
        field_errors = all(error.get("path") for error in errors)
        if (
            partial is not None
            and isinstance(data, dict)
            and field_errors
            and any(v is not None for v in data.values())
        ):
            partial.extend(errors)  # partial results are data: keep what came, report the rest
            return data
        if "NOT_FOUND" in types:
            raise GitHubNotFound(_first_message(errors, "NOT_FOUND") + " (was it renamed, deleted, or made private?)")
        if "FORBIDDEN" in types:
            raise GitHubForbidden(_forbidden_hint(_first_message(errors, "FORBIDDEN"), headers))
        if data is None:
            # GitHub kills queries over 10 s and answers data: null with a generic message.
            raise GitHubTransientError(f"GitHub could not finish the query: {messages[:200]}")
        raise GitHubQueryError(f"GitHub rejected the query: {messages[:300]}")

    def _read_clock(self, headers: httpx.Headers) -> None:
        """GitHub's clock from the ``Date`` header: every wait is timed by it, not by ours."""
        value = headers.get("date")
        if not value:
            return
        try:
            server = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        self._clock_skew = server - utc_now()

    def _github_now(self) -> datetime:
        return utc_now() + self._clock_skew

    def _read_sso_partial(self, headers: httpx.Headers) -> None:
        value = headers.get("x-github-sso", "")
        kind, _, rest = value.partition(";")
        if kind.strip() == "partial-results":
            ids = rest.strip().removeprefix("organizations=")
            self.sso_hidden_organizations.update(part.strip() for part in ids.split(",") if part.strip())

    def _read_rate_limit_headers(self, headers: httpx.Headers) -> None:
        self._silent_since = None  # an answer came (even a 502): GitHub is there
        state = self.rate_limit
        if "x-oauth-scopes" in headers:
            self.last_scopes = tuple(s.strip() for s in headers["x-oauth-scopes"].split(",") if s.strip())
        for attr, header in (
            ("limit", "x-ratelimit-limit"),
            ("remaining", "x-ratelimit-remaining"),
            ("used", "x-ratelimit-used"),
        ):
            value = headers.get(header)
            if value is not None and value.isdigit():
                setattr(state, attr, int(value))
        reset = headers.get("x-ratelimit-reset")
        if reset and reset.isdigit():
            state.reset_at = datetime.fromtimestamp(int(reset), UTC)

    def _read_rate_limit_body(self, data: Json, permit: Permit | None = None) -> None:
        block = data.get("rateLimit")
        if not isinstance(block, dict):
            return
        state = self.rate_limit
        state.limit = block.get("limit", state.limit)
        state.remaining = block.get("remaining", state.remaining)
        state.used = block.get("used", state.used)
        state.reset_at = parse_github_datetime(block.get("resetAt")) or state.reset_at
        cost = int(block.get("cost") or 0)
        state.points_spent += cost
        if permit is not None:
            permit.points = cost

    def _past_deadline(self, failing_since: float) -> bool:
        """True when another attempt (up to a full timeout) would end past the call's deadline."""
        return time.monotonic() - failing_since + self._timeout > self.deadline

    async def _respect_pause(self, label: str | None, on_wait: WaitListener | None) -> None:
        """While the primary limit is exhausted, every request waits for the reset (GitHub's clock)."""
        while self._paused_until is not None:
            until = self._paused_until
            seconds = (until - self._github_now()).total_seconds()
            if seconds <= 0:
                self._paused_until = None
                return
            local_until = utc_now() + timedelta(seconds=seconds)
            reason = f"rate limit: paused until {local_until:%H:%M} UTC"
            _notify(on_wait, WaitNotice("rate_limit", local_until, reason, label))
            await self._sleep(max(MIN_WAIT, seconds + 1))
            if self._paused_until == until:
                self._paused_until = None

    async def _secondary_pause(
        self, error: GitHubSecondaryRateLimited, label: str | None, on_wait: WaitListener | None
    ) -> None:
        """GitHub asked us to slow down: every request of the token stops until the wait is over."""
        self.secondary_answers += 1
        if error.retry_after is None:
            seconds = SECONDARY_DEFAULT_WAIT * 2 ** min(self._secondary_streak, 4)
        else:
            seconds = error.retry_after
        seconds = max(MIN_WAIT, seconds)
        self._secondary_streak += 1
        if self.governor.pause(seconds, self._sleep):
            until = utc_now() + timedelta(seconds=seconds)
            reason = f"{SLOW_DOWN}: resuming at {until.astimezone():%H:%M:%S}"
            _notify(on_wait, WaitNotice("secondary", until, reason, label, self._secondary_streak))
        await self.governor.wait_for_pause()

    async def _wait_retry(self, attempt: int, reason: str, label: str | None, on_wait: WaitListener | None) -> None:
        now = time.monotonic()
        self._silent_since = self._silent_since or now
        if now - self._silent_since > self.silence_deadline:
            # The whole call's deadline: attempts with no answer at all are not retried for minutes.
            host = httpx.URL(self.url).host
            raise GitHubUnreachable(
                f"GitHub at {host} has not answered for {now - self._silent_since:.0f} s ({reason}): "
                "check TFORMANCE_GITHUB_URL, the network or the proxy"
            )
        delay = self._backoff.delay(attempt)
        _notify(on_wait, WaitNotice("retry", utc_now() + timedelta(seconds=delay), reason, label, attempt))
        await self._sleep(delay)


def _notify(on_wait: WaitListener | None, notice: WaitNotice) -> None:
    log.info("github wait: %s %s", notice.kind, notice.reason)
    if on_wait is not None:
        try:
            on_wait(notice)
        except Exception:
            log.exception("wait listener failed")


def _not_json(response: httpx.Response, url: str) -> GitHubError:
    """A 200 that is not JSON: a web page (a portal, a proxy's login, a wrong URL) is not retried."""
    if "html" in response.headers.get("content-type", "") or response.text.lstrip()[:1] == "<":
        return GitHubQueryError(
            f"{httpx.URL(url).host} answered with a web page, not GitHub's GraphQL API: check "
            "TFORMANCE_GITHUB_URL (it ends in /graphql) or sign in to the network's portal or proxy"
        )
    return GitHubTransientError("GitHub sent an answer that is not JSON")


def _is_secondary(message: str) -> bool:
    lowered = message.lower()
    return "secondary rate limit" in lowered or "abuse detection" in lowered


def _count_nodes(data: Json) -> int:
    """PRs (or other items) an answer's top-level connections returned: what drives server time."""
    total = 0
    for value in data.values():
        if not isinstance(value, dict):
            continue
        nodes = value.get("nodes")
        if isinstance(nodes, list):
            total += len(nodes)
        inner = value.get("pullRequests")
        if isinstance(inner, dict) and isinstance(inner.get("nodes"), list):
            total += len(inner["nodes"])
    return total


def _retry_after(headers: httpx.Headers) -> float | None:
    """GitHub's ``retry-after`` in seconds, or None when it sent none (then we back off from 60 s)."""
    value = headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _first_message(errors: list[Json], error_type: str) -> str:
    for error in errors:
        if error.get("type") == error_type:
            return str(error.get("message", error_type))
    return error_type


def _forbidden_hint(message: str, headers: httpx.Headers) -> str:
    sso = headers.get("x-github-sso", "")
    kind, _, rest = sso.partition(";")
    if kind.strip() == "required" and "url=" in rest:
        url = rest.split("url=", 1)[1].strip()
        return f"this organisation enforces SAML SSO: authorise the token at {url}"
    if "SAML" in message or "SSO" in message:
        return f"{message} Authorise the token for SSO in GitHub's token settings."
    return f"{message} Check the token's scopes (`repo`, `read:org`)."
