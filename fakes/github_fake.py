"""A local fake of GitHub's GraphQL API, answering with GitHub's real shapes, pagination, limits and errors.

It parses each document with a small GraphQL parser, checks it against a miniature of GitHub's schema
(the types and fields our client uses), and executes it over a ``DemoOrg``: so it answers exactly the
fields asked, with aliases and fragments, and a query drifting from what the fake knows fails loudly.
Costs follow GitHub's rule; faults (401, 403, 502, rate limits, timeouts, dropped connections) are
injected at run time with ``FakeGitHub.inject``.

``FakeGitHub.handle`` is the synchronous core; ``transport()`` serves it in-process to httpx and
``github_server.serve_in_thread`` over a real socket. This module holds the fake's state, the changes
tests make to its data, and the route of a request (authentication, limits, parsing, validation,
cost, execution); the resolvers are in ``github_graph``, the faults and the point budget in
``github_faults``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from tformance.fakes.demo_model import (
    Actor,
    CommitData,
    DemoOrg,
    PullRequestData,
    ReviewData,
    pr_node_id,
    review_node_id,
)
from tformance.fakes.github_faults import DOCS_URL, Fault, GitHubFaultsAndLimits
from tformance.fakes.github_graph import GraphResolvers, HeavyPage, RepoState
from tformance.fakes.github_limits import SecondaryLimits
from tformance.fakes.graphql_execute import _Analysis, _Context, _execute, _variable_errors
from tformance.fakes.graphql_parse import _OPERATION_RE, _Document, _location, _Operation, _parse, _SyntaxError
from tformance.fakes.http_serving import CountsInFlight, FakeResponse, FakeSyncTransport, FakeTransport

log = logging.getLogger(__name__)

DEMO_TOKEN = "demo-token"  # the only token the demo's fake GitHub accepts


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


def _token_hash(token: str) -> str:
    # Tokens are kept only as hashes: nothing the fake holds or records can leak one.
    return hashlib.sha256(token.encode()).hexdigest()


class FakeGitHub(GraphResolvers, GitHubFaultsAndLimits, CountsInFlight):
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
        self._repos: dict[str, RepoState] = {repo.full_name.lower(): RepoState(repo) for repo in org.repos}
        self._nodes: dict[str, tuple[str, int | None]] = {}
        for key, state in self._repos.items():
            self._nodes[state.data.id] = (key, None)
            for number, pr in state.prs.items():
                self._nodes[pr.id] = (key, number)

    # Configuration at run time (faults and the point budget: ``GitHubFaultsAndLimits``)

    def add_token(self, token: str) -> None:
        with self._lock:
            self._token_hashes.add(_token_hash(token))

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._token_hashes.discard(_token_hash(token))

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

    def _store(self, state: RepoState, pr: PullRequestData) -> None:
        state.prs[pr.number] = pr
        state.pushed_at = max(state.pushed_at, pr.updated_at)
        state.changed()

    def _state(self, repo: str) -> RepoState:
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
            return self._secondary_limited(Fault("secondary_rate_limit", retry_after=retry_after), now)

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
        except HeavyPage:
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
