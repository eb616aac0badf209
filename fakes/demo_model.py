"""The demo data's shapes: what the fake GitHub serves, as plain frozen records.

``DemoOrg`` holds repositories, their pull requests, reviews and commits as GitHub's GraphQL shows
them; ``demo_org`` builds them and ``github_fake`` serves them. The ids are GitHub-looking and stable
for the same inputs, so cursors and node ids survive a restart of the fake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """An account as GraphQL shows it: bot logins come without the REST ``[bot]`` suffix."""

    login: str
    is_bot: bool = False

    @property
    def typename(self) -> str:
        return "Bot" if self.is_bot else "User"


@dataclass(frozen=True, slots=True)
class ReviewData:
    id: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    submitted_at: datetime
    author: Actor | None
    body: str = ""


@dataclass(frozen=True, slots=True)
class CommitData:
    oid: str
    message: str
    authored_at: datetime
    author_name: str
    author_email: str
    author_login: str | None  # None: the email is linked to no user account (bots included)


@dataclass(frozen=True, slots=True)
class PullRequestData:
    number: int
    id: str
    title: str
    body: str
    state: str  # OPEN, CLOSED, MERGED
    is_draft: bool
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    additions: int
    deletions: int
    changed_files: int
    head_ref: str
    base_ref: str
    author: Actor | None  # None: a deleted account ("ghost")
    labels: tuple[str, ...] = ()
    reviews: tuple[ReviewData, ...] = ()
    commits: tuple[CommitData, ...] = ()
    ai_tools: tuple[str, ...] = ()  # ground truth for detection tests; never served


@dataclass(slots=True)
class RepoData:
    owner: str
    name: str
    id: str
    database_id: int
    description: str
    is_private: bool
    is_archived: bool
    pushed_at: datetime
    created_at: datetime
    pull_requests: list[PullRequestData] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(slots=True)
class DemoOrg:
    """A whole account's worth of data: what the fake serves."""

    login: str
    today: date
    repos: list[RepoData]
    people: dict[str, str] = field(default_factory=dict)  # human login -> display name

    def repo(self, full_name: str) -> RepoData:
        for repo in self.repos:
            if repo.full_name.lower() == full_name.lower():
                return repo
        raise KeyError(full_name)

    def pull_requests(self) -> Iterator[tuple[RepoData, PullRequestData]]:
        for repo in self.repos:
            for pr in repo.pull_requests:
                yield repo, pr


def node_id(prefix: str, *parts: object) -> str:
    """A GitHub-looking global id (``PR_kwDO...``), stable for the same parts."""
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()
    return f"{prefix}_kwDO{digest[:14].upper()}"


def pr_node_id(repo_database_id: int, number: int) -> str:
    return f"PR_kwDO{repo_database_id:08X}{number:06X}"


def review_node_id(repo_database_id: int, number: int, index: int) -> str:
    return f"PRR_kwDO{repo_database_id:08X}{number:06X}{index:04X}"


def stable_database_id(*parts: object) -> int:
    """A GitHub-looking ``databaseId``, stable for the same parts."""
    return int(hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 2_000_000_000
