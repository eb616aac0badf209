"""A local fake of GitHub's GraphQL API, answering with GitHub's real shapes, pagination, limits and errors.

It parses each document with a small GraphQL parser, checks it against a miniature of GitHub's schema
(the types and fields our client uses), and executes it over a ``DemoOrg``: so it answers exactly the
fields asked, with aliases and fragments, and a query drifting from what the fake knows fails loudly.
Costs follow GitHub's rule; faults (401, 403, 502, rate limits, timeouts, dropped connections) are
injected at run time with ``FakeGitHub.inject``.

``FakeGitHub.handle`` is the synchronous core; ``transport()`` serves it in-process to httpx and
``github_server.serve_in_thread`` over a real socket.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from tformance.fakes.demo_org import (
    DEMO_TOKEN,
    Actor,
    CommitData,
    DemoOrg,
    PullRequestData,
    RepoData,
    ReviewData,
    node_id,
    pr_node_id,
    review_node_id,
)
from tformance.fakes.github_cursors import (
    _connection_obj,
    _iso,
    _keyset_cursor,
    _keyset_page,
    _list_connection,
    _page_info,
    _sort_key,
)
from tformance.fakes.github_limits import SecondaryLimits
from tformance.fakes.github_search import _parse_search
from tformance.fakes.graphql_execute import MAX_PAGE as MAX_PAGE  # re-exported: it lived here
from tformance.fakes.graphql_execute import _Analysis, _Context, _execute, _FieldError, _Obj, _variable_errors
from tformance.fakes.graphql_parse import _OPERATION_RE, _Document, _location, _Operation, _parse, _SyntaxError
from tformance.fakes.http_serving import CountsInFlight, FakeResponse, FakeSyncTransport, FakeTransport

log = logging.getLogger(__name__)

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


SEARCH_RESULT_CAP = 1000  # GitHub's search serves at most 1,000 results of any query


class _HeavyPage(Exception):
    """A listed PR whose nested data is too heavy: the whole answer becomes a 502."""


def _search_cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:{offset}".encode()).decode()


def _search_offset(cursor: Any) -> int:
    if not isinstance(cursor, str):
        return 0
    try:
        text = base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(0, int(text.removeprefix("cursor:")))
    except ValueError:
        raise _FieldError(f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS") from None


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


@dataclass
class RecordedRequest:
    """What the fake saw, for assertions. The Authorization value is never kept."""

    method: str
    path: str
    operation: str | None
    variables: dict[str, Any]
    first: int | None
    headers: dict[str, str]
    status: int = 0
    cost: int = 0
    pr_nodes: int = 0
    fault: str | None = None


class _RepoState:
    """One repository as the fake serves it: its PRs by number and sorted indexes, rebuilt after changes."""

    def __init__(self, data: RepoData) -> None:
        self.data = data
        self.prs: dict[int, PullRequestData] = {pr.number: pr for pr in data.pull_requests}
        self.pushed_at = data.pushed_at
        self._orders: dict[str, tuple[list[tuple[str, int]], list[PullRequestData]]] = {}

    def ordered(self, order: str) -> tuple[list[tuple[str, int]], list[PullRequestData]]:
        cached = self._orders.get(order)
        if cached is None:
            attribute = "created_at" if order == "CREATED_AT" else "updated_at"
            pairs = sorted(((_sort_key(getattr(pr, attribute)), pr.number), pr) for pr in self.prs.values())
            cached = ([key for key, _ in pairs], [pr for _, pr in pairs])
            self._orders[order] = cached
        return cached

    def changed(self) -> None:
        self._orders.clear()


def _token_hash(token: str) -> str:
    # Tokens are kept only as hashes: nothing the fake holds or records can leak one.
    return hashlib.sha256(token.encode()).hexdigest()


class FakeGitHub(CountsInFlight):
    """GitHub's GraphQL API over a ``DemoOrg``, for tests, the offline demo and the benchmark.

    The org is never mutated: the fake keeps its own copy-on-write view, changed through
    ``add_pr``, ``merge_pr``, ``close_pr``, ``update_pr`` and ``add_review``.
    """

    def __init__(
        self,
        org: DemoOrg,
        tokens: Iterable[str] = (DEMO_TOKEN,),
        viewer_login: str = "demo-lead",
        viewer_name: str | None = "Demo Lead",
        scopes: str | None = "repo, read:org",
        *,
        rate_limit: int = 5000,
        rate_limit_window: float = 3600.0,
        latency_per_request: float = 0.0,
        latency_per_pr: float = 0.0,
        max_first_before_502: int | None = None,
        clock: Callable[[], float] = time.time,
        limits: SecondaryLimits | None = None,
        clock_offset: float = 0.0,
    ) -> None:
        self.org = org
        self.viewer_login = viewer_login
        self.viewer_name = viewer_name
        self.scopes = scopes  # None: a fine-grained token, which gets no x-oauth-scopes header
        self.rate_limit = rate_limit
        self.rate_limit_window = rate_limit_window
        self.latency_per_request = latency_per_request
        self.latency_per_pr = latency_per_pr
        self.max_first_before_502 = max_first_before_502
        self.limits = limits or SecondaryLimits()
        self.clock_offset = clock_offset  # GitHub's clock minus ours: its Date and reset times are skewed
        self.sso_orgs: dict[str, int] = {}  # organisations enforcing SAML SSO the token is not authorised for
        self.heavy_prs: set[tuple[str, int]] = set()  # PRs whose nested data makes any page holding them 502
        self.search_hidden: dict[str, int] = {}  # repo -> its newest N PRs not yet in the search index (lag)
        self.search_stop_after: dict[str, int] = {}  # repo -> results a search returns before it stops early
        self._response_headers: dict[str, str] = {}
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._clock = clock
        self._lock = threading.RLock()
        self._token_hashes = {_token_hash(token) for token in tokens}
        self._faults: list[Fault] = []
        self._used = 0
        self._reset_at: float | None = None
        self._limited_type = "RATE_LIMITED"
        self._sequence = 0
        self._repos: dict[str, _RepoState] = {repo.full_name.lower(): _RepoState(repo) for repo in org.repos}
        self._nodes: dict[str, tuple[str, int | None]] = {}
        for key, state in self._repos.items():
            self._nodes[state.data.id] = (key, None)
            for number, pr in state.prs.items():
                self._nodes[pr.id] = (key, number)

    # Configuration at run time

    def inject(self, fault: Fault) -> Fault:
        """Serve ``fault`` to the next matching request(s); returns it (its ``times`` counts down)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def add_token(self, token: str) -> None:
        with self._lock:
            self._token_hashes.add(_token_hash(token))

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._token_hashes.discard(_token_hash(token))

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

    # Changing the data between (or during) runs

    def pull_request(self, repo: str, number: int) -> PullRequestData:
        with self._lock:
            return self._state(repo).prs[number]

    def add_pr(
        self,
        repo: str,
        *,
        title: str,
        author: str | Actor | None = "demo-lead",
        created_at: datetime | None = None,
        body: str = "",
        is_draft: bool = False,
        head_ref: str | None = None,
        base_ref: str = "main",
        additions: int = 10,
        deletions: int = 2,
        changed_files: int = 1,
        labels: Sequence[str] = (),
        number: int | None = None,
    ) -> PullRequestData:
        """Open a new PR in ``repo`` (created now unless ``created_at``), numbered after the last one."""
        with self._lock:
            state = self._state(repo)
            created = created_at or self._now()
            number = number or max(state.prs, default=0) + 1
            actor = Actor(author) if isinstance(author, str) else author
            pr = PullRequestData(
                number=number,
                id=pr_node_id(state.data.database_id, number),
                title=title,
                body=body,
                state="OPEN",
                is_draft=is_draft,
                created_at=created,
                updated_at=created,
                merged_at=None,
                closed_at=None,
                additions=additions,
                deletions=deletions,
                changed_files=changed_files,
                head_ref=head_ref or f"feature/pr-{number}",
                base_ref=base_ref,
                author=actor,
                labels=tuple(labels),
                commits=(
                    CommitData(
                        hashlib.sha1(f"{state.data.full_name}#{number}".encode()).hexdigest(),
                        title,
                        created,
                        actor.login if actor else "ghost",
                        f"{actor.login if actor else 'ghost'}@example.com",
                        actor.login if actor and not actor.is_bot else None,
                    ),
                ),
            )
            self._store(state, pr)
            self._nodes[pr.id] = (state.data.full_name.lower(), number)
            return pr

    def merge_pr(self, repo: str, number: int, at: datetime | None = None) -> PullRequestData:
        at = at or self._now()
        return self.update_pr(repo, number, state="MERGED", merged_at=at, closed_at=at, updated_at=at, is_draft=False)

    def close_pr(self, repo: str, number: int, at: datetime | None = None) -> PullRequestData:
        at = at or self._now()
        return self.update_pr(repo, number, state="CLOSED", closed_at=at, updated_at=at)

    def update_pr(self, repo: str, number: int, **changes: Any) -> PullRequestData:
        """Replace fields of a PR (``PullRequestData`` names); ``updated_at`` moves to now unless given."""
        with self._lock:
            state = self._state(repo)
            changes.setdefault("updated_at", self._now())
            pr = replace(state.prs[number], **changes)
            self._store(state, pr)
            return pr

    def add_review(
        self, repo: str, number: int, author: str | Actor, state: str = "APPROVED", at: datetime | None = None
    ) -> PullRequestData:
        with self._lock:
            at = at or self._now()
            pr = self._state(repo).prs[number]
            actor = Actor(author) if isinstance(author, str) else author
            # Indexes from 0x8000 up never clash with generated reviews.
            review_id = review_node_id(self._state(repo).data.database_id, number, 0x8000 + len(pr.reviews))
            review = ReviewData(review_id, state, at, actor)
            return self.update_pr(repo, number, reviews=(*pr.reviews, review), updated_at=max(at, pr.updated_at))

    def _store(self, state: _RepoState, pr: PullRequestData) -> None:
        state.prs[pr.number] = pr
        state.pushed_at = max(state.pushed_at, pr.updated_at)
        state.changed()

    def _state(self, repo: str) -> _RepoState:
        try:
            return self._repos[repo.lower()]
        except KeyError:
            raise KeyError(f"no repository {repo!r} in the fake") from None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(int(self._clock() + self.clock_offset), UTC)

    def require_sso(self, org: str) -> None:
        """Make ``org`` enforce SAML SSO for which the token is not authorised."""
        with self._lock:
            self.sso_orgs[org.lower()] = 1000 + len(self.sso_orgs)

    def make_heavy(self, repo: str, number: int) -> None:
        """Any page listing this PR with its nested connections answers 502, whatever its size."""
        with self._lock:
            self.heavy_prs.add((repo.lower(), number))

    @property
    def secondary_answers(self) -> int:
        return self.limits.secondary_answers

    def _sso_blocked(self, owner: str) -> bool:
        return owner.lower() in self.sso_orgs

    def _sso_required(self, owner: str) -> None:
        url = f"https://github.com/orgs/{owner}/sso?authorization_request=A1B2C3{self._sequence:04d}"
        self._response_headers["x-github-sso"] = f"required; url={url}"

    def _sso_partial(self, owners: Iterable[str]) -> None:
        ids = sorted({self.sso_orgs[owner.lower()] for owner in owners if self._sso_blocked(owner)})
        if ids:
            self._response_headers["x-github-sso"] = "partial-results; organizations=" + ",".join(map(str, ids))

    # Serving

    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport; latency is slept with ``asyncio.sleep``."""
        return FakeTransport(self)

    def sync_transport(self) -> httpx.BaseTransport:
        return FakeSyncTransport(self)

    def handle(
        self, method: str, path: str, headers: dict[str, str] | Iterable[tuple[str, str]], body: bytes
    ) -> FakeResponse:
        """Answer one HTTP request. Thread-safe; never sleeps: the caller waits ``response.delay``."""
        pairs = headers.items() if isinstance(headers, dict) else headers
        lowered = {key.lower(): value for key, value in pairs}
        with self._lock:
            self._sequence += 1
            now = self._clock() + self.clock_offset
            self._response_headers = {}
            recorded_headers = dict(lowered)
            if "authorization" in recorded_headers:
                scheme = recorded_headers["authorization"].partition(" ")[0]
                recorded_headers["authorization"] = f"{scheme} <redacted>"
            record = RecordedRequest(method.upper(), path, None, {}, None, recorded_headers)
            self.requests.append(record)
            try:
                response = self._answer(method.upper(), lowered, body, record, now)
            except Exception:  # a bug in the fake must show as an answer, not a hung client
                log.exception("fake GitHub failed on %s", record.operation)
                response = self._json(500, {"message": "Server Error", "documentation_url": DOCS_URL}, now)
            record.status = response.status
            if record.fault != "secondary_rate_limit":
                self.limits.spend(now, response.delay, record.cost)
            return response

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

    def _request_repos(self, variables: dict[str, Any]) -> set[str]:
        """The repositories a request is about, so faults can target one repo."""
        repos = set()
        if isinstance(variables.get("owner"), str) and isinstance(variables.get("name"), str):
            repos.add(f"{variables['owner']}/{variables['name']}".lower())
        if isinstance(variables.get("id"), str) and variables["id"] in self._nodes:
            repos.add(self._nodes[variables["id"]][0])
        for value in variables.values():
            if isinstance(value, str):
                repos.update(match.lower() for match in re.findall(r"\brepo:(\S+)", value))
        return repos

    def _answer(
        self, method: str, headers: dict[str, str], body: bytes, record: RecordedRequest, now: float
    ) -> FakeResponse:
        if method != "POST":
            return self._json(404, {"message": "Not Found", "documentation_url": DOCS_URL}, now)
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
        query = payload.get("query") if isinstance(payload, dict) else None
        variables = payload.get("variables") if isinstance(payload, dict) else None
        variables = variables if isinstance(variables, dict) else {}
        operation_name = payload.get("operationName") if isinstance(payload, dict) else None
        if not operation_name and isinstance(query, str):
            match = _OPERATION_RE.search(query)
            operation_name = match.group(1) if match else None
        record.operation = operation_name
        record.variables = variables
        record.first = variables.get("first") if isinstance(variables.get("first"), int) else None

        authorization = headers.get("authorization", "")
        if not authorization:
            message = "This endpoint requires you to be authenticated."
            return self._json(401, {"message": message, "documentation_url": DOCS_URL}, now)
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("bearer", "token") or _token_hash(token.strip()) not in self._token_hashes:
            return self._unauthorized(now)

        retry_after = self.limits.refusal(now, self.in_flight)
        if retry_after is not None:
            record.fault = "secondary_rate_limit"
            return self._fault_response(Fault("secondary_rate_limit", retry_after=retry_after), now, False)

        repos = self._request_repos(variables)
        repo_scoped = "id" in variables or ("owner" in variables and "name" in variables)
        fault = self._take_fault(operation_name, repos, repo_scoped)
        if fault is not None:
            record.fault = fault.kind
            early = self._fault_response(fault, now, repo_scoped)
            if early is not None:
                early.delay += fault.delay
                return early

        if payload is None:
            return self._json(400, {"message": "Problems parsing JSON", "documentation_url": DOCS_URL}, now)
        if not isinstance(query, str):
            message = "A query attribute must be specified and must be a string."
            return self._json(200, {"errors": [{"message": message}]}, now, rate_headers=True)

        self._roll_window(now)
        if self._used >= self.rate_limit:
            return self._rate_limited(now)

        try:
            document = _parse(query)
        except _SyntaxError as error:
            location = _location(query, error.pos)
            message = f"{error} at [{location['line']}, {location['column']}]"
            return self._json(200, {"errors": [{"message": message, "locations": [location]}]}, now, rate_headers=True)
        operation = self._pick_operation(document, operation_name)
        if isinstance(operation, dict):
            return self._json(200, {"errors": [operation]}, now, rate_headers=True)
        if operation.kind != "query":
            message = f"The fake GitHub answers queries only, not a {operation.kind}."
            return self._json(200, {"errors": [{"message": message}]}, now, rate_headers=True)
        variable_errors = _variable_errors(document, operation, variables)
        if variable_errors:
            return self._json(200, {"errors": variable_errors}, now, rate_headers=True)
        variables = {name: variables.get(name, definition.default) for name, definition in operation.variables.items()}
        analysis = _Analysis(document, operation, variables)
        if analysis.errors:
            return self._json(200, {"errors": analysis.errors}, now, rate_headers=True)
        if analysis.limits:
            return self._json(200, {"data": None, "errors": analysis.limits}, now, rate_headers=True)

        # A big page times out at GitHub's edge: the client must retry with a smaller one.
        threshold = self.max_first_before_502
        if threshold is not None and analysis.max_first.get("pullRequests", 0) > threshold:
            return self._bad_gateway()

        cost = analysis.cost
        if self.rate_limit - self._used < cost:
            return self._rate_limited(now)
        self._used += cost
        record.cost = cost

        ctx = _Context(document, variables, cost, fault)
        try:
            data = _execute(self._root(), operation.selections, ctx, [])
        except _HeavyPage:
            return self._bad_gateway()
        record.pr_nodes = ctx.pr_nodes
        result: dict[str, Any] = {"data": data}
        if ctx.errors:
            result["errors"] = ctx.errors
        response = self._json(200, result, now, rate_headers=True, extra=self._response_headers)
        response.delay += self.latency_per_pr * ctx.pr_nodes + (fault.delay if fault else 0.0)
        return response

    def _pick_operation(self, document: _Document, name: str | None) -> _Operation | dict[str, Any]:
        if not document.operations:
            return {"message": "No operations in the document"}
        if name:
            for operation in document.operations:
                if operation.name == name:
                    return operation
            if len(document.operations) > 1 or document.operations[0].name:
                return {"message": f'No operation named "{name}"'}
        if len(document.operations) > 1:
            return {"message": "An operation name is required"}
        return document.operations[0]

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
        if kind == "forbidden" and not repo_scoped:
            error = {
                "type": "FORBIDDEN",
                "extensions": {"saml_failure": True},
                "message": fault.message or SAML_MESSAGE,
            }
            return self._json(200, {"data": None, "errors": [error]}, now, rate_headers=True)
        return None

    # The object graph

    def _root(self) -> _Obj:
        return _Obj(
            "Query",
            {
                "viewer": self._user(self.viewer_login, viewer=True),
                "repository": self._repository_field,
                "search": self._search_field,
                "node": self._node_field,
                "rateLimit": lambda _args, ctx: self._rate_limit_obj(ctx),
            },
        )

    def _check_fault(self, ctx: _Context, missing: _FieldError) -> None:
        fault = ctx.fault
        if fault is None:
            return
        if fault.kind == "not_found":
            raise missing
        if fault.kind == "forbidden":
            raise _FieldError(fault.message or SAML_MESSAGE, "FORBIDDEN", extensions={"saml_failure": True})

    def _repository_field(self, args: dict[str, Any], ctx: _Context) -> _Obj:
        full_name = f"{args.get('owner')}/{args.get('name')}"
        missing = _FieldError(f"Could not resolve to a Repository with the name '{full_name}'.", "NOT_FOUND")
        self._check_fault(ctx, missing)
        state = self._repos.get(full_name.lower())
        if state is None:
            raise missing
        if self._sso_blocked(state.data.owner):
            self._sso_required(state.data.owner)
            raise _FieldError(SAML_MESSAGE, "FORBIDDEN", extensions={"saml_failure": True})
        return self._repo_obj(state)

    def _node_field(self, args: dict[str, Any], ctx: _Context) -> _Obj:
        node = args.get("id")
        missing = _FieldError(f"Could not resolve to a node with the global id of '{node}'", "NOT_FOUND")
        self._check_fault(ctx, missing)
        found = self._nodes.get(node) if isinstance(node, str) else None
        if found is None:
            raise missing
        state = self._repos[found[0]]
        if self._sso_blocked(state.data.owner):
            self._sso_required(state.data.owner)
            raise _FieldError(SAML_MESSAGE, "FORBIDDEN", extensions={"saml_failure": True})
        return self._repo_obj(state) if found[1] is None else self._pr_obj(state, state.prs[found[1]], ctx)

    def _search_field(self, args: dict[str, Any], ctx: _Context) -> _Obj:
        """Issue search over PRs, newest created first: ``issueCount`` exact, at most 1,000 results
        reachable, results lagging the index (``search_hidden``) or stopping early (``search_stop_after``)."""
        query = args.get("query") or ""
        search = _parse_search(query)
        found: list[tuple[_RepoState, PullRequestData]] = []
        skipped_owners: set[str] = set()
        stop_after: int | None = None
        if args.get("type") == "ISSUE" and not search.issues_only:
            for key, state in self._repos.items():
                if search.repos and key not in search.repos:
                    continue
                if search.owners and state.data.owner.lower() not in search.owners:
                    continue
                if self._sso_blocked(state.data.owner):
                    skipped_owners.add(state.data.owner)
                    continue
                hidden = self.search_hidden.get(key, 0)
                indexed: Iterable[PullRequestData] = state.prs.values()
                if hidden:
                    newest = sorted(indexed, key=lambda pr: (pr.created_at, pr.number), reverse=True)
                    indexed = newest[hidden:]
                found.extend((state, pr) for pr in indexed if all(test(pr) for test in search.tests))
                if key in self.search_stop_after:
                    stop_after = min(stop_after or 10**9, self.search_stop_after[key])
        self._sso_partial(skipped_owners)
        reachable = min(len(found), SEARCH_RESULT_CAP, stop_after if stop_after is not None else SEARCH_RESULT_CAP)
        start = _search_offset(args.get("after"))
        first = int(args.get("first") or 0)
        page: list[tuple[_RepoState, PullRequestData]] = []
        if first and start < reachable:
            found.sort(key=lambda item: (item[1].created_at, item[1].number), reverse=True)
            page = found[start : min(start + first, reachable)]
        end = start + len(page)
        cursors = [_search_cursor(index + 1) for index in range(start, end)]

        def nodes(_args: dict[str, Any], ctx: _Context) -> list[_Obj]:
            ctx.pr_nodes += len(page)  # only PRs actually returned cost server time
            return [self._pr_obj(state, pr, ctx, listed=True) for state, pr in page]

        page_info = _page_info(cursors, end < reachable, start > 0)
        return _Obj("SearchResultItemConnection", {"issueCount": len(found), "pageInfo": page_info, "nodes": nodes})

    def _rate_limit_obj(self, ctx: _Context) -> _Obj:
        assert self._reset_at is not None
        reset = datetime.fromtimestamp(math.ceil(self._reset_at), UTC)
        return _Obj(
            "RateLimit",
            {
                "limit": self.rate_limit,
                "cost": ctx.cost,
                "remaining": max(0, self.rate_limit - self._used),
                "resetAt": _iso(reset),
                "used": self._used,
            },
        )

    def _user(self, login: str, viewer: bool = False) -> _Obj:
        name = self.viewer_name if viewer else self.org.people.get(login)

        def repositories(args: dict[str, Any], _ctx: _Context) -> _Obj:
            # GitHub's default affiliations leave organisation repos out.
            affiliations = args.get("ownerAffiliations") or ["OWNER", "COLLABORATOR"]
            visible = [
                state
                for state in self._repos.values()
                if state.data.owner == login or (viewer and "ORGANIZATION_MEMBER" in affiliations)
            ]
            # Repos of an SSO organisation the token is not authorised for are left out, and said so.
            self._sso_partial(state.data.owner for state in visible)
            visible = [state for state in visible if not self._sso_blocked(state.data.owner)]
            order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
            by = order.get("field", "CREATED_AT")
            if by not in ("PUSHED_AT", "CREATED_AT", "UPDATED_AT", "NAME"):
                raise _FieldError(f"The fake GitHub cannot order repositories by {by}.")

            def sort_key(state: _RepoState) -> str:
                if by == "NAME":
                    return state.data.name.lower()
                return _sort_key(state.data.created_at if by == "CREATED_AT" else state.pushed_at)

            pairs = sorted(((sort_key(state), state.data.database_id), state) for state in visible)
            keys, states = [key for key, _ in pairs], [state for _, state in pairs]
            page, page_keys, has_next, has_previous = _keyset_page(
                keys, states, int(args["first"]), args.get("after"), order.get("direction") == "DESC"
            )
            return _connection_obj(
                "Repository",
                [self._repo_obj(state) for state in page],
                [_keyset_cursor(*key) for key in page_keys],
                len(visible),
                has_next,
                has_previous,
            )

        return _Obj(
            "User",
            {
                "id": node_id("U", login),
                "login": login,
                "name": name,
                "url": f"https://github.com/{login}",
                "avatarUrl": f"https://avatars.githubusercontent.com/{login}",
                "repositories": repositories,
            },
        )

    def _actor(self, actor: Actor | None) -> _Obj | None:
        if actor is None:
            return None
        if not actor.is_bot:
            return self._user(actor.login)
        return _Obj(
            "Bot",
            {
                "id": node_id("BOT", actor.login),
                "login": actor.login,
                "url": f"https://github.com/apps/{actor.login}",
                "avatarUrl": f"https://avatars.githubusercontent.com/in/{actor.login}",
            },
        )

    def _repo_obj(self, state: _RepoState) -> _Obj:
        data = state.data
        owner_type = "User" if data.owner == self.viewer_login else "Organization"
        owner = _Obj(
            owner_type,
            {
                "id": node_id("O", data.owner),
                "login": data.owner,
                "name": data.owner,
                "url": f"https://github.com/{data.owner}",
                "avatarUrl": f"https://avatars.githubusercontent.com/{data.owner}",
                "repositories": lambda _args, _ctx: _connection_obj("Repository", [], [], 0, False, False),
            },
        )
        return _Obj(
            "Repository",
            {
                "id": data.id,
                "name": data.name,
                "nameWithOwner": data.full_name,
                "owner": owner,
                "description": data.description,
                "url": f"https://github.com/{data.full_name}",
                "isPrivate": data.is_private,
                "isArchived": data.is_archived,
                "isFork": False,
                "createdAt": _iso(data.created_at),
                "pushedAt": _iso(state.pushed_at),
                "pullRequests": lambda args, ctx: self._pull_requests(state, args, ctx),
            },
        )

    def _pull_requests(self, state: _RepoState, args: dict[str, Any], ctx: _Context) -> _Obj:
        order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
        by = order.get("field")
        if by not in ("CREATED_AT", "UPDATED_AT"):
            raise _FieldError(f"The fake GitHub cannot order pull requests by {by}.")
        keys, prs = state.ordered(by)
        states = args.get("states")
        if states:
            kept = [index for index, pr in enumerate(prs) if pr.state in states]
            keys, prs = [keys[index] for index in kept], [prs[index] for index in kept]
        page, page_keys, has_next, has_previous = _keyset_page(
            keys, prs, int(args["first"]), args.get("after"), order.get("direction") == "DESC"
        )
        ctx.pr_nodes += len(page)
        return _connection_obj(
            "PullRequest",
            [self._pr_obj(state, pr, ctx, listed=True) for pr in page],
            [_keyset_cursor(*key) for key in page_keys],
            len(prs),
            has_next,
            has_previous,
        )

    def _pr_obj(self, state: _RepoState, pr: PullRequestData, ctx: _Context, listed: bool = False) -> _Obj:
        full_name = state.data.full_name
        url = f"https://github.com/{full_name}/pull/{pr.number}"
        heavy = listed and (full_name.lower(), pr.number) in self.heavy_prs

        def nested(make: Callable[[dict[str, Any], _Context], _Obj]) -> Callable[[dict[str, Any], _Context], _Obj]:
            def resolve(args: dict[str, Any], ctx: _Context) -> _Obj:
                if heavy:
                    raise _HeavyPage  # this PR's nested data is what times out at GitHub's edge
                return make(args, ctx)

            return resolve

        def label(name: str) -> _Obj:
            color = hashlib.sha1(name.encode()).hexdigest()[:6]
            return _Obj("Label", {"id": node_id("LA", full_name, name), "name": name, "color": color})

        def review(item: ReviewData) -> _Obj:
            return _Obj(
                "PullRequestReview",
                {
                    "id": item.id,
                    "state": item.state,
                    "body": item.body,
                    "url": f"{url}#pullrequestreview-{int(hashlib.sha1(item.id.encode()).hexdigest()[:8], 16)}",
                    "submittedAt": _iso(item.submitted_at),
                    "createdAt": _iso(item.submitted_at),
                    "author": self._actor(item.author),
                },
            )

        def commit(item: CommitData) -> _Obj:
            git_actor = _Obj(
                "GitActor",
                {
                    "name": item.author_name,
                    "email": item.author_email,
                    "date": _iso(item.authored_at),
                    "user": self._user(item.author_login) if item.author_login else None,
                },
            )
            headline, _, rest = item.message.partition("\n")
            inner = _Obj(
                "Commit",
                {
                    "id": node_id("C", item.oid),
                    "oid": item.oid,
                    "url": f"https://github.com/{full_name}/commit/{item.oid}",
                    "message": item.message,
                    "messageHeadline": headline,
                    "messageBody": rest.strip(),
                    "authoredDate": _iso(item.authored_at),
                    "committedDate": _iso(item.authored_at),
                    "author": git_actor,
                    "committer": git_actor,
                },
            )
            return _Obj(
                "PullRequestCommit",
                {"id": node_id("PURC", full_name, item.oid), "url": f"{url}/commits/{item.oid}", "commit": inner},
            )

        return _Obj(
            "PullRequest",
            {
                "id": pr.id,
                "number": pr.number,
                "url": url,
                "title": pr.title,
                "body": pr.body,
                "state": pr.state,
                "isDraft": pr.is_draft,
                "merged": pr.state == "MERGED",
                "closed": pr.state != "OPEN",
                "createdAt": _iso(pr.created_at),
                "updatedAt": _iso(pr.updated_at),
                "mergedAt": _iso(pr.merged_at),
                "closedAt": _iso(pr.closed_at),
                "additions": pr.additions,
                "deletions": pr.deletions,
                "changedFiles": pr.changed_files,
                "headRefName": pr.head_ref,
                "baseRefName": pr.base_ref,
                "author": self._actor(pr.author),
                "repository": lambda _args, _ctx: self._repo_obj(state),
                "labels": nested(lambda args, _ctx: _list_connection("Label", pr.labels, args, label)),
                "reviews": nested(lambda args, _ctx: _list_connection("PullRequestReview", pr.reviews, args, review)),
                "commits": nested(lambda args, _ctx: _list_connection("PullRequestCommit", pr.commits, args, commit)),
            },
        )


# The in-process transports, under the names they had before they were shared with the Groq fake.
FakeGitHubTransport = FakeTransport
FakeGitHubSyncTransport = FakeSyncTransport
