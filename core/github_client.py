"""Async GitHub GraphQL client (httpx): token check, repo listing, PR counts and PR pages.

It owns every rule about talking to GitHub politely: a bounded number of requests in flight,
waiting out the primary rate limit (trusting the body over the headers), backing off from
secondary limits, and retrying 502s, timeouts and ``data: null`` with exponential backoff and jitter.
The token lives only in the Authorization header: never in a message, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from . import github_queries as q
from .dates import parse_github_datetime, utc_now
from .errors import (
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
from .network import tls_context

log = logging.getLogger(__name__)

USER_AGENT = "tformance (+https://github.com/tformance)"
MIN_PAGE_SIZE = 5
SECONDARY_DEFAULT_WAIT = 60.0  # GitHub's advice when no retry-after comes with a secondary limit
REQUIRED_SCOPES = ("repo", "read:org")
UNREACHABLE_RETRIES = 2  # no route to GitHub rarely heals in seconds: say so quickly
# No answer at all (timeouts) for this long since the first failed attempt: give up on the call.
# With the 20 s read timeout a GitHub that never answers fails in about 40 s instead of minutes.
SILENCE_DEADLINE = 15.0

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class TokenInfo:
    login: str
    name: str | None
    scopes: tuple[str, ...] | None  # None: a fine-grained token (GitHub sends no x-oauth-scopes)
    rate_limit_remaining: int | None
    rate_limit_limit: int | None
    rate_limit_reset: datetime | None

    @property
    def is_fine_grained(self) -> bool:
        return self.scopes is None

    def missing_scopes(self) -> list[str]:
        """Classic scopes we need that this token lacks (``repo`` also covers ``read:org``'s repos)."""
        if self.scopes is None:
            return []
        have = set(self.scopes)
        missing = [scope for scope in REQUIRED_SCOPES if scope not in have]
        if "read:org" in missing and {"admin:org", "write:org"} & have:
            missing.remove("read:org")
        return missing

    def warnings(self) -> list[str]:
        """What this token cannot do, in words a team lead can act on."""
        notes = []
        if self.is_fine_grained:
            notes.append("fine-grained token: it sees only the repositories of the one owner it was made for")
        for scope in self.missing_scopes():
            if scope == "repo":
                notes.append("this token cannot read private repos: it lacks `repo`")
            else:
                notes.append("this token cannot list organisation repos: it lacks `read:org`")
        return notes


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    owner: str
    name: str
    github_id: str
    is_private: bool
    is_archived: bool
    pushed_at: datetime | None


@dataclass(frozen=True)
class PullRequestPage:
    nodes: list[dict[str, Any]]
    end_cursor: str | None
    has_next_page: bool
    total_count: int
    page_size: int  # the size that worked (may be smaller than asked, after 502s)


@dataclass(frozen=True)
class WaitNotice:
    """The client is waiting: a rate limit pause, a secondary-limit back-off or a retry."""

    kind: str  # "rate_limit", "secondary", "retry"
    until: datetime
    reason: str
    label: str | None = None
    attempt: int = 0


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


class GitHubClient:
    """One client per token. Use as an async context manager, or call ``aclose``."""

    silence_deadline = SILENCE_DEADLINE
    _silent_since: float | None = None  # the first failed attempt with no answer from GitHub since

    def __init__(
        self,
        token: str,
        url: str = "https://api.github.com/graphql",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = 10,
        max_retries: int = 6,
        timeout: float = 20.0,  # GitHub kills a query at 10 s: an answer taking twice that is not coming
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        on_wait: Callable[[WaitNotice], None] | None = None,
    ) -> None:
        if not token:
            raise GitHubAuthError("no GitHub token: set GITHUB_TOKEN or paste one in the app")
        self.url = url
        self.max_retries = max_retries
        self.rate_limit = RateLimitState()
        self.on_wait = on_wait
        self._sleep = sleep
        self._backoff = _Backoff(backoff_base, backoff_cap)
        self._slots = asyncio.Semaphore(max_in_flight)
        self._paused_until: datetime | None = None
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
        return f"GitHubClient(url={self.url!r})"

    async def __aenter__(self) -> GitHubClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the public operations --------------------------------------------------------------

    async def viewer(self) -> TokenInfo:
        """Validate the token: who it belongs to, its scopes and the rate limit left."""
        data = await self.execute(q.VIEWER, {})
        viewer = data["viewer"]
        self._read_rate_limit_body(data)
        return TokenInfo(
            login=viewer["login"],
            name=viewer.get("name") or None,
            scopes=self.last_scopes,
            rate_limit_remaining=self.rate_limit.remaining,
            rate_limit_limit=self.rate_limit.limit,
            rate_limit_reset=self.rate_limit.reset_at,
        )

    async def list_repositories(self, limit: int | None = None) -> list[RepoInfo]:
        """Every repo the token can see (own, collaborator, organisation member), last pushed first."""
        repos: list[RepoInfo] = []
        cursor = None
        while True:
            data = await self.execute(q.VIEWER_REPOSITORIES, {"first": 100, "cursor": cursor})
            connection = data["viewer"]["repositories"]
            for node in connection["nodes"] or []:
                if node is None:
                    continue
                repos.append(
                    RepoInfo(
                        full_name=node["nameWithOwner"],
                        owner=node["owner"]["login"],
                        name=node["name"],
                        github_id=node["id"],
                        is_private=bool(node["isPrivate"]),
                        is_archived=bool(node["isArchived"]),
                        pushed_at=parse_github_datetime(node.get("pushedAt")),
                    )
                )
            page = connection["pageInfo"]
            if not page["hasNextPage"] or (limit is not None and len(repos) >= limit):
                return repos[:limit] if limit is not None else repos
            cursor = page["endCursor"]

    async def count_pull_requests(self, searches: list[str]) -> list[int]:
        """Exact ``issueCount`` for each search string, batched many to a request."""
        counts: list[int] = []
        for start in range(0, len(searches), 30):
            chunk = searches[start : start + 30]
            variables = {f"q{i}": search for i, search in enumerate(chunk)}
            data = await self.execute(q.pull_request_counts(len(chunk)), variables)
            counts.extend(int(data[f"c{i}"]["issueCount"]) for i in range(len(chunk)))
        return counts

    async def pull_request_page(
        self,
        owner: str,
        name: str,
        *,
        cursor: str | None,
        order: str,
        page_size: int,
        label: str | None = None,
    ) -> PullRequestPage:
        """One page of PRs, newest first by ``order`` (CREATED_AT or UPDATED_AT).

        A 502/504 or timeout usually means the page was too heavy: halve the page size and
        retry the same cursor, backing off between attempts. The size that worked is returned
        so the caller can remember it for that repo.
        """
        if not 1 <= page_size <= 100:
            raise ValueError("page_size must be between 1 and 100 (GitHub's limit)")
        attempt = 0
        while True:
            variables = {"owner": owner, "name": name, "first": page_size, "cursor": cursor, "order": order}
            try:
                data = await self.execute(q.REPOSITORY_PULL_REQUESTS, variables, label=label, shrink_on_transient=True)
            except GitHubUnreachable:
                raise  # execute() already retried; a smaller page will not help
            except GitHubTransientError as error:
                attempt += 1
                if attempt > self.max_retries:
                    raise
                page_size = max(MIN_PAGE_SIZE, page_size // 2)
                await self._wait_retry(attempt, f"{error}; retrying with {page_size} PRs a page", label)
                continue
            repository = data.get("repository")
            if repository is None:
                raise GitHubNotFound(f"{owner}/{name} was not found, or this token cannot see it")
            connection = repository["pullRequests"]
            return PullRequestPage(
                nodes=[node for node in connection["nodes"] or [] if node is not None],
                end_cursor=connection["pageInfo"]["endCursor"],
                has_next_page=bool(connection["pageInfo"]["hasNextPage"]),
                total_count=int(connection["totalCount"]),
                page_size=page_size,
            )

    async def remaining_reviews(self, pr_id: str, cursor: str | None, label: str | None = None) -> list[dict]:
        """The reviews of a PR after ``cursor`` (for PRs with more than the nested page holds)."""
        return await self._follow_up(q.PULL_REQUEST_REVIEWS, "reviews", pr_id, cursor, label)

    async def remaining_commits(self, pr_id: str, cursor: str | None, label: str | None = None) -> list[dict]:
        return await self._follow_up(q.PULL_REQUEST_COMMITS, "commits", pr_id, cursor, label)

    async def _follow_up(
        self, document: str, connection_name: str, pr_id: str, cursor: str | None, label: str | None
    ) -> list[dict]:
        nodes: list[dict] = []
        while True:
            variables = {"id": pr_id, "first": q.FOLLOW_UP_PAGE, "cursor": cursor}
            data = await self.execute(document, variables, label=label)
            connection = (data.get("node") or {}).get(connection_name)
            if connection is None:
                return nodes
            nodes.extend(node for node in connection["nodes"] or [] if node is not None)
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes
            cursor = connection["pageInfo"]["endCursor"]

    # -- transport, errors and waiting ------------------------------------------------------

    async def execute(
        self,
        document: str,
        variables: dict[str, Any],
        *,
        label: str | None = None,
        shrink_on_transient: bool = False,
    ) -> dict[str, Any]:
        """Send one GraphQL request and return its ``data``, waiting and retrying as GitHub asks.

        Rate limits are waited out (never a failure); secondary limits and transient errors are
        retried up to ``max_retries`` times; anything else raises a ``GitHubError``. With
        ``shrink_on_transient`` a 502 or timeout goes straight back to the caller, who retries with
        a lighter query; a lost connection is still retried here.
        """
        attempt = 0
        secondary = 0
        while True:
            await self._respect_pause(label)
            try:
                return await self._send(document, variables)
            except GitHubRateLimited as error:
                self._paused_until = max(error.reset_at, self._paused_until or error.reset_at)
            except GitHubSecondaryRateLimited as error:
                secondary += 1
                if secondary > self.max_retries:
                    raise
                until = utc_now() + timedelta(seconds=error.retry_after)
                self._notify(WaitNotice("secondary", until, str(error), label, secondary))
                await self._sleep(error.retry_after)
            except GitHubTransientError as error:
                attempt += 1
                limit = UNREACHABLE_RETRIES if isinstance(error, GitHubUnreachable) else self.max_retries
                if attempt > limit or (shrink_on_transient and not isinstance(error, GitHubUnreachable)):
                    raise
                await self._wait_retry(attempt, str(error), label)

    async def _send(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with self._slots:
            self.requests_sent += 1
            try:
                response = await self._http.post(self.url, json={"query": document, "variables": variables})
            except httpx.TimeoutException:
                raise GitHubTransientError("GitHub did not answer in time") from None
            except httpx.ConnectError:
                host = httpx.URL(self.url).host
                raise GitHubUnreachable(f"cannot reach GitHub at {host}: check the network or proxy") from None
            except httpx.TransportError as error:
                raise GitHubTransientError(f"cannot reach GitHub ({type(error).__name__})") from None
        self._read_rate_limit_headers(response.headers)
        return self._parse(response)

    def _parse(self, response: httpx.Response) -> dict[str, Any]:
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
            if "secondary rate limit" in message.lower() or "retry-after" in response.headers:
                raise GitHubSecondaryRateLimited(_retry_after(response.headers))
            if response.headers.get("x-ratelimit-remaining") == "0":
                raise GitHubRateLimited(self.rate_limit.reset_at or utc_now() + timedelta(minutes=1))
            raise GitHubForbidden(f"GitHub refused the request (HTTP {status}): {message or 'forbidden'}")
        if status in (500, 502, 503, 504):
            raise GitHubTransientError(f"GitHub answered HTTP {status}")
        if status != 200 or not isinstance(body, dict):
            if status == 200:
                raise _not_json(response, self.url)
            raise GitHubQueryError(f"GitHub answered HTTP {status}: {message or 'unexpected response'}")

        data = body.get("data")
        if isinstance(data, dict):
            self._read_rate_limit_body(data)
        errors = body.get("errors") or []
        if not errors:
            if data is None:
                raise GitHubTransientError("GitHub sent no data")
            return data
        return self._raise_for_errors(errors, data, response.headers)

    def _raise_for_errors(self, errors: list[dict], data: Any, headers: httpx.Headers) -> dict[str, Any]:
        types = {error.get("type") for error in errors}
        messages = "; ".join(str(error.get("message", "")) for error in errors)
        if types & {"RATE_LIMITED", "RATE_LIMIT"}:
            # The body is the authority; headers tell when the window resets.
            raise GitHubRateLimited(self.rate_limit.reset_at or utc_now() + timedelta(minutes=1))
        if "secondary rate limit" in messages.lower():
            raise GitHubSecondaryRateLimited(_retry_after(headers))
        if "NOT_FOUND" in types:
            raise GitHubNotFound(_first_message(errors, "NOT_FOUND") + " (was it renamed, deleted, or made private?)")
        if "FORBIDDEN" in types:
            hint = _forbidden_hint(_first_message(errors, "FORBIDDEN"))
            raise GitHubForbidden(hint)
        if data is None:
            # GitHub kills queries over 10 s and answers data: null with a generic message.
            raise GitHubTransientError(f"GitHub could not finish the query: {messages[:200]}")
        raise GitHubQueryError(f"GitHub rejected the query: {messages[:300]}")

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

    def _read_rate_limit_body(self, data: dict[str, Any]) -> None:
        block = data.get("rateLimit")
        if not isinstance(block, dict):
            return
        state = self.rate_limit
        state.limit = block.get("limit", state.limit)
        state.remaining = block.get("remaining", state.remaining)
        state.used = block.get("used", state.used)
        state.reset_at = parse_github_datetime(block.get("resetAt")) or state.reset_at
        state.points_spent += int(block.get("cost") or 0)

    async def _respect_pause(self, label: str | None) -> None:
        """While the primary limit is exhausted, every request waits for the reset."""
        while self._paused_until is not None:
            until = self._paused_until
            seconds = (until - utc_now()).total_seconds()
            if seconds <= 0:
                self._paused_until = None
                return
            self._notify(WaitNotice("rate_limit", until, f"rate limit: paused until {until:%H:%M} UTC", label))
            await self._sleep(seconds + 1)
            if self._paused_until == until:
                self._paused_until = None

    async def _wait_retry(self, attempt: int, reason: str, label: str | None) -> None:
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
        self._notify(WaitNotice("retry", utc_now() + timedelta(seconds=delay), reason, label, attempt))
        await self._sleep(delay)

    def _notify(self, notice: WaitNotice) -> None:
        log.info("github wait: %s %s", notice.kind, notice.reason)
        if self.on_wait is not None:
            try:
                self.on_wait(notice)
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


def _retry_after(headers: httpx.Headers) -> float:
    value = headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return SECONDARY_DEFAULT_WAIT


def _first_message(errors: list[dict], error_type: str) -> str:
    for error in errors:
        if error.get("type") == error_type:
            return str(error.get("message", error_type))
    return error_type


def _forbidden_hint(message: str) -> str:
    if "SAML" in message or "SSO" in message:
        return f"{message} Authorise the token for SSO in GitHub's token settings."
    return f"{message} Check the token's scopes (`repo`, `read:org`)."


__all__ = [
    "GitHubClient",
    "GitHubError",
    "PullRequestPage",
    "RepoInfo",
    "TokenInfo",
    "WaitNotice",
    "MIN_PAGE_SIZE",
]
