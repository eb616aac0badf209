"""The fake GitHub's GraphQL resolvers: ``viewer``, ``repository``, ``node``, ``search`` and ``rateLimit``.

``GraphResolvers`` is the part of ``FakeGitHub`` that turns its repositories into the object graph
``graphql_execute`` walks: users and bots, repositories, pull requests with their labels, reviews
and commits, keyset pages, the issue search (capped at 1,000 results, lagging or stopping early on
demand) and organisations enforcing SAML SSO. Only the fields asked for are resolved.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from tformance.fakes.demo_model import Actor, CommitData, DemoOrg, PullRequestData, RepoData, ReviewData, node_id
from tformance.fakes.github_cursors import (
    _connection_obj,
    _iso,
    _keyset_cursor,
    _keyset_page,
    _list_connection,
    _page_info,
    _sort_key,
)
from tformance.fakes.github_faults import SAML_MESSAGE
from tformance.fakes.github_search import _parse_search
from tformance.fakes.graphql_execute import _Context, _FieldError, _Obj

SEARCH_RESULT_CAP = 1000  # GitHub's search serves at most 1,000 results of any query


class HeavyPage(Exception):
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


class RepoState:
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


class GraphResolvers:
    """The object graph over the fake's repositories; mixed into ``FakeGitHub``, whose ``__init__``
    sets the attributes below."""

    org: DemoOrg
    viewer_login: str
    viewer_name: str | None
    rate_limit: int
    sso_orgs: dict[str, int]
    heavy_prs: set[tuple[str, int]]
    search_hidden: dict[str, int]
    search_stop_after: dict[str, int]
    _used: int
    _reset_at: float | None
    _sequence: int
    _response_headers: dict[str, str]
    _repos: dict[str, RepoState]
    _nodes: dict[str, tuple[str, int | None]]

    def _sso_blocked(self, owner: str) -> bool:
        return owner.lower() in self.sso_orgs

    def _sso_required(self, owner: str) -> None:
        url = f"https://github.com/orgs/{owner}/sso?authorization_request=A1B2C3{self._sequence:04d}"
        self._response_headers["x-github-sso"] = f"required; url={url}"

    def _sso_partial(self, owners: Iterable[str]) -> None:
        ids = sorted({self.sso_orgs[owner.lower()] for owner in owners if self._sso_blocked(owner)})
        if ids:
            self._response_headers["x-github-sso"] = "partial-results; organizations=" + ",".join(map(str, ids))

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
        found: list[tuple[RepoState, PullRequestData]] = []
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
        page: list[tuple[RepoState, PullRequestData]] = []
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

            def sort_key(state: RepoState) -> str:
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

    def _repo_obj(self, state: RepoState) -> _Obj:
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

    def _pull_requests(self, state: RepoState, args: dict[str, Any], ctx: _Context) -> _Obj:
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

    def _pr_obj(self, state: RepoState, pr: PullRequestData, ctx: _Context, listed: bool = False) -> _Obj:
        full_name = state.data.full_name
        url = f"https://github.com/{full_name}/pull/{pr.number}"
        heavy = listed and (full_name.lower(), pr.number) in self.heavy_prs

        def nested(make: Callable[[dict[str, Any], _Context], _Obj]) -> Callable[[dict[str, Any], _Context], _Obj]:
            def resolve(args: dict[str, Any], ctx: _Context) -> _Obj:
                if heavy:
                    raise HeavyPage  # this PR's nested data is what times out at GitHub's edge
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
