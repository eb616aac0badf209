"""The GitHub client: token check, repo listing, and (inherited) PR counts and pages.

Layers, each in its module: ``transport`` (requests, limits, retries, errors), ``pull_requests``
(counts, pages, searches, follow-ups), and here what a person's token can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tformance.core.dates import parse_github_datetime
from tformance.core.github import queries as q
from tformance.core.github.pull_requests import PullRequestQueries

REQUIRED_SCOPES = ("repo", "read:org")
SCOPED_KINDS = ("classic", "oauth")  # the only kinds with OAuth scopes (x-oauth-scopes)


@dataclass(frozen=True)
class TokenInfo:
    login: str
    name: str | None
    scopes: tuple[str, ...] | None  # None: GitHub sent no x-oauth-scopes (fine-grained and app tokens)
    rate_limit_remaining: int | None
    rate_limit_limit: int | None
    rate_limit_reset: datetime | None
    kind: str = "unknown"  # from the prefix: classic, fine-grained, oauth, user-to-server, ...

    @property
    def is_fine_grained(self) -> bool:
        return self.kind == "fine-grained" or (self.kind == "unknown" and self.scopes is None)

    def missing_scopes(self) -> list[str]:
        """Classic scopes we need that this token lacks (``repo`` also covers ``read:org``'s repos).
        Only classic and OAuth tokens have scopes: the others are never told they lack one."""
        if self.scopes is None or self.kind not in (*SCOPED_KINDS, "unknown"):
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


class GitHubClient(PullRequestQueries):
    """One client per token. Use as an async context manager, or call ``aclose``."""

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
            kind=self.token_kind,
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


def sso_hidden_note(organization_ids: set[str]) -> str:
    """What to tell a person when GitHub left some organisations' repos out (SSO not authorised)."""
    ids = ", ".join(sorted(organization_ids))
    count = len(organization_ids)
    which = "1 organisation" if count == 1 else f"{count} organisations"
    return (
        f"Repositories of {which} (GitHub organisation ID {ids}) are hidden until this token is authorised "
        "for their SAML SSO: GitHub's token settings, Configure SSO."
    )
