"""The fake GitHub's schema miniature, query analysis (validation, `first` limits, GitHub's cost) and executor.

Execution runs over plain ``_Obj`` values: each field maps to a value or to ``f(args, ctx)``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tformance.fakes.graphql_parse import _Document, _Field, _Inline, _location, _Operation, _Var

if TYPE_CHECKING:
    from tformance.fakes.github_faults import Fault

MAX_PAGE = 100

# A miniature of GitHub's schema: the types and fields the fake can answer, each field mapped to the
# type it returns ("" for a scalar). A query asking for anything else fails as GitHub's would.


def _fields(scalars: str, **objects: str) -> dict[str, str]:
    return {**dict.fromkeys(scalars.split(), ""), **objects}


_TYPES: dict[str, dict[str, str]] = {
    "Query": _fields(
        "",
        viewer="User",
        repository="Repository",
        search="SearchResultItemConnection",
        node="Node",
        rateLimit="RateLimit",
    ),
    "RateLimit": _fields("limit cost remaining resetAt used"),
    "PageInfo": _fields("hasNextPage hasPreviousPage startCursor endCursor"),
    "Node": _fields("id"),
    "Actor": _fields("login url avatarUrl"),
    "RepositoryOwner": _fields("id login url avatarUrl"),
    "User": _fields("id login name url avatarUrl", repositories="RepositoryConnection"),
    "Bot": _fields("id login url avatarUrl"),
    "Organization": _fields("id login name url avatarUrl"),
    "Repository": _fields(
        "id name nameWithOwner description url isPrivate isArchived isFork createdAt pushedAt",
        owner="RepositoryOwner",
        pullRequests="PullRequestConnection",
    ),
    "PullRequest": _fields(
        "id number url title body state isDraft merged closed createdAt updatedAt mergedAt closedAt additions "
        "deletions changedFiles headRefName baseRefName",
        author="Actor",
        repository="Repository",
        labels="LabelConnection",
        reviews="PullRequestReviewConnection",
        commits="PullRequestCommitConnection",
    ),
    "Label": _fields("id name color"),
    "PullRequestReview": _fields("id state body url submittedAt createdAt", author="Actor"),
    "PullRequestCommit": _fields("id url", commit="Commit"),
    "Commit": _fields(
        "id oid url message messageHeadline messageBody authoredDate committedDate",
        author="GitActor",
        committer="GitActor",
    ),
    "GitActor": _fields("name email date", user="User"),
    "SearchResultItemConnection": _fields("issueCount", pageInfo="PageInfo", nodes="SearchResultItem"),
    "SearchResultItem": {},  # a union: its members' fields come through `... on PullRequest`
}
for _node in ("Repository", "PullRequest", "Label", "PullRequestReview", "PullRequestCommit"):
    _TYPES[f"{_node}Connection"] = _fields("totalCount", pageInfo="PageInfo", nodes=_node, edges=f"{_node}Edge")
    _TYPES[f"{_node}Edge"] = _fields("cursor", node=_node)

_POSSIBLE: dict[str, frozenset[str]] = {
    "Node": frozenset({"User", "Bot", "Organization", "Repository", "PullRequest", "PullRequestReview", "Commit"}),
    "Actor": frozenset({"User", "Bot", "Organization"}),
    "RepositoryOwner": frozenset({"User", "Organization"}),
    "SearchResultItem": frozenset({"PullRequest", "Repository", "User", "Organization"}),
}
_ENUMS: dict[str, frozenset[str]] = {
    "IssueOrderField": frozenset({"CREATED_AT", "UPDATED_AT", "COMMENTS"}),
    "OrderDirection": frozenset({"ASC", "DESC"}),
    "SearchType": frozenset({"ISSUE", "REPOSITORY", "USER", "DISCUSSION"}),
    "PullRequestState": frozenset({"OPEN", "CLOSED", "MERGED"}),
}


def _applies(condition: str | None, typename: str) -> bool:
    return condition is None or condition == typename or typename in _POSSIBLE.get(condition, ())


def _spreadable(condition: str, parent: str) -> bool:
    return condition in _TYPES and (condition == parent or condition in _POSSIBLE.get(parent, ()))


def _resolve(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, _Var):
        return variables.get(value.name)
    if isinstance(value, list):
        return [_resolve(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, variables) for key, item in value.items()}
    return value


def _skipped(selection: Any, variables: dict[str, Any]) -> bool:
    for name, args in selection.directives:
        condition = _resolve(args.get("if"), variables)
        if (name == "skip" and condition) or (name == "include" and not condition):
            return True
    return False


class _Analysis:
    """Validates an operation against the mini schema, checks `first`, and counts GitHub's cost."""

    def __init__(self, document: _Document, operation: _Operation, variables: dict[str, Any]) -> None:
        self.document = document
        self.variables = variables
        self.label = f"{operation.kind} {operation.name}" if operation.name else operation.kind
        self.errors: list[dict[str, Any]] = []  # validation: the query is wrong
        self.limits: list[dict[str, Any]] = []  # pagination arguments out of range
        self.requests = 0  # GitHub's "requests needed to fill the connections"
        self.max_first: dict[str, int] = {}  # connection field -> the largest `first` asked
        self.walk("Query", operation.selections, [], 1, 0)

    @property
    def cost(self) -> int:
        # GitHub divides by 100 and rounds to the nearest whole number, with a minimum of 1.
        return max(1, math.floor(self.requests / 100 + 0.5))

    def invalid(self, pos: int, message: str, path: list[str] | None = None, **extra: Any) -> None:
        located = {"path": [self.label, *path]} if path is not None else {}
        self.errors.append({**located, **extra, "locations": [_location(self.document.text, pos)], "message": message})

    def limit(self, kind: str, pos: int, path: list[str], message: str) -> None:
        location = [_location(self.document.text, pos)]
        self.limits.append({"type": kind, "path": path, "locations": location, "message": message})

    def walk(self, type_name: str, selections: list[Any], path: list[str], multiplier: int, depth: int) -> None:
        if depth > 30:
            return  # a fragment cycle: GitHub rejects it, we merely stop
        for selection in selections:
            if _skipped(selection, self.variables):
                continue
            if isinstance(selection, _Field):
                self.field(type_name, selection, path, multiplier, depth)
                continue
            if isinstance(selection, _Inline):
                on, inner = selection.on or type_name, selection.selections
                what = f"Fragment on {on}"
            else:
                fragment = self.document.fragments.get(selection.name)
                if fragment is None:
                    self.invalid(selection.pos, f"Fragment {selection.name} was used, but not defined")
                    continue
                (on, inner), what = fragment, f"Fragment {selection.name} on {fragment[0]}"
            if not _spreadable(on, type_name):
                self.invalid(selection.pos, f"{what} can't be spread inside {type_name}")
                continue
            self.walk(on, inner, path, multiplier, depth + 1)

    def field(self, type_name: str, selection: _Field, path: list[str], multiplier: int, depth: int) -> None:
        name, pos = selection.name, selection.pos
        if name == "__typename":
            return
        returns = _TYPES[type_name].get(name)
        path = [*path, selection.key]
        if returns is None:
            extensions = {"code": "undefinedField", "typeName": type_name, "fieldName": name}
            self.invalid(pos, f"Field '{name}' doesn't exist on type '{type_name}'", path, extensions=extensions)
            return
        if not returns:
            if selection.selections:
                self.invalid(pos, f"Selections can't be made on scalars (field '{name}' has selections)", path)
            return
        if not selection.selections:
            message = (
                f"Field must have selections (field '{name}' returns {returns} but has no selections. "
                f"Did you mean '{name} {{ ... }}'?)"
            )
            self.invalid(pos, message, path)
            return
        if returns.endswith("Connection"):
            args = _resolve(selection.args, self.variables)
            first = args.get("first")
            if args.get("last") is not None:
                self.limit("UNSUPPORTED", pos, path, "The fake GitHub pages forward only (`first` and `after`).")
            elif first is None:
                message = f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
                self.limit("MISSING_PAGINATION_BOUNDARIES", pos, path, message)
            elif first > MAX_PAGE:
                message = (
                    f"Requesting {first} records on the `{name}` connection exceeds the `first` limit of "
                    f"{MAX_PAGE} records."
                )
                self.limit("EXCESSIVE_PAGINATION", pos, path, message)
            elif first < 0:
                message = f"`first` on the `{name}` connection cannot be less than zero."
                self.limit("INVALID_PAGINATION", pos, path, message)
            else:
                # One request fills this connection for each parent; its children multiply by `first`.
                self.requests += multiplier
                multiplier *= first
                self.max_first[name] = max(first, self.max_first.get(name, 0))
        self.walk(returns, selection.selections, path, multiplier, depth + 1)


def _variable_errors(document: _Document, operation: _Operation, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """GitHub's answer to a missing or mistyped variable, before anything runs."""
    errors = []
    for name, definition in operation.variables.items():
        value = variables.get(name, definition.default)
        base = definition.type.rstrip("!")
        problem = None
        if value is None:
            if definition.non_null:
                problem = "Expected value to not be null"
        elif base in ("Int",) and (not isinstance(value, int) or isinstance(value, bool)):
            problem = f"Could not coerce value {json.dumps(value)} to Int"
        elif base in ("String", "ID") and not isinstance(value, str):
            problem = f"Could not coerce value {json.dumps(value)} to {base}"
        elif base in _ENUMS and value not in _ENUMS[base]:
            choices = ", ".join(sorted(_ENUMS[base]))
            problem = f"Expected {json.dumps(value)} to be one of: {choices}"
        if problem:
            errors.append(
                {
                    "extensions": {"value": value, "problems": [{"path": [], "explanation": problem}]},
                    "locations": [_location(document.text, definition.pos)],
                    "message": f"Variable ${name} of type {definition.type} was provided invalid value",
                }
            )
    return errors


# Execution over plain objects: ``_Obj.values`` maps a field to a value or to ``f(args, ctx)``.


class _Obj:
    __slots__ = ("typename", "values")

    def __init__(self, typename: str, values: dict[str, Any]) -> None:
        self.typename = typename
        self.values = values


class _FieldError(Exception):
    def __init__(self, message: str, type_: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.type = type_
        self.extra = extra


@dataclass
class _Context:
    document: _Document
    variables: dict[str, Any]
    cost: int
    fault: Fault | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    pr_nodes: int = 0


def _execute(obj: _Obj, selections: list[Any], ctx: _Context, path: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for selection in selections:
        if _skipped(selection, ctx.variables):
            continue
        if isinstance(selection, _Field):
            key = selection.key
            if selection.name == "__typename":
                out[key] = obj.typename
                continue
            value = obj.values[selection.name]
            if callable(value):
                try:
                    value = value(_resolve(selection.args, ctx.variables), ctx)
                except _FieldError as error:
                    payload: dict[str, Any] = {}
                    if error.type:
                        payload["type"] = error.type
                    payload["path"] = [*path, key]
                    payload.update(error.extra)
                    payload["locations"] = [_location(ctx.document.text, selection.pos)]
                    payload["message"] = str(error)
                    ctx.errors.append(payload)
                    out[key] = None
                    continue
            out[key] = _complete(value, selection, ctx, [*path, key])
        elif isinstance(selection, _Inline):
            if _applies(selection.on, obj.typename):
                _merge(out, _execute(obj, selection.selections, ctx, path))
        else:
            on, fragment_selections = ctx.document.fragments[selection.name]
            if _applies(on, obj.typename):
                _merge(out, _execute(obj, fragment_selections, ctx, path))
    return out


def _complete(value: Any, selection: _Field, ctx: _Context, path: list[Any]) -> Any:
    if isinstance(value, _Obj):
        return _execute(value, selection.selections, ctx, path)
    if isinstance(value, list):
        return [_complete(item, selection, ctx, [*path, index]) for index, item in enumerate(value)]
    return value


def _merge(out: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            _merge(out[key], value)
        else:
            out[key] = value
