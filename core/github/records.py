"""Plain records parsed from GitHub's PR nodes: what the store writes and the detector reads.

Text fields pass through ``text_values.without_nul``: PostgreSQL refuses NUL, so neither backend stores it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tformance.core.dates import parse_github_datetime
from tformance.core.text_values import without_nul

# "Co-authored-by: Name <email>" trailers; GitHub matches the key case-insensitively.
_CO_AUTHOR = re.compile(r"^co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ReviewRecord:
    github_id: str
    author_login: str | None
    author_is_bot: bool
    state: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class CommitRecord:
    oid: str
    message: str
    authored_at: datetime | None
    author_name: str | None
    author_email: str | None
    author_login: str | None
    co_authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PullRequestRecord:
    github_id: str
    number: int
    url: str
    title: str
    body: str
    author_login: str | None
    author_is_bot: bool
    state: str
    is_draft: bool
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    additions: int
    deletions: int
    changed_files: int
    labels: tuple[str, ...]
    head_ref: str
    base_ref: str
    commit_count: int
    review_count: int
    reviews: tuple[ReviewRecord, ...] = ()
    commits: tuple[CommitRecord, ...] = ()
    # Where the nested pages stopped, when a PR has more than the list query holds.
    more_reviews_after: str | None = field(default=None, compare=False)
    more_commits_after: str | None = field(default=None, compare=False)

    @property
    def first_review_at(self) -> datetime | None:
        """The first review by someone other than the author; bots do not count."""
        times = [
            review.submitted_at
            for review in self.reviews
            if review.submitted_at is not None
            and not review.author_is_bot
            and review.state != "PENDING"
            and (review.author_login is None or review.author_login != self.author_login)
        ]
        return min(times, default=None)


def parse_co_authors(message: str) -> tuple[str, ...]:
    return tuple(match.group(1) for match in _CO_AUTHOR.finditer(message or ""))


def _author(node: dict[str, Any] | None) -> tuple[str | None, bool]:
    if not node:
        return None, False  # a deleted account: GitHub shows it as "ghost"
    return without_nul(node.get("login")), node.get("__typename") == "Bot"


def review_from_node(node: dict[str, Any]) -> ReviewRecord:
    login, is_bot = _author(node.get("author"))
    return ReviewRecord(
        github_id=node["id"],
        author_login=login,
        author_is_bot=is_bot,
        state=node.get("state") or "COMMENTED",
        submitted_at=parse_github_datetime(node.get("submittedAt")),
    )


def commit_from_node(node: dict[str, Any]) -> CommitRecord:
    commit = node["commit"]
    author = commit.get("author") or {}
    user = author.get("user") or {}
    message = without_nul(commit.get("message") or "")
    return CommitRecord(
        oid=commit["oid"],
        message=message,
        authored_at=parse_github_datetime(commit.get("authoredDate")),
        author_name=without_nul(author.get("name")),
        author_email=without_nul(author.get("email")),
        author_login=without_nul(user.get("login")),
        co_authors=parse_co_authors(message),
    )


def _more_after(connection: dict[str, Any]) -> str | None:
    page = connection.get("pageInfo") or {}
    return page.get("endCursor") if page.get("hasNextPage") else None


def record_from_node(node: dict[str, Any]) -> PullRequestRecord:
    """Turn one ``PullRequestFields`` node into a record (nested pages as far as they go)."""
    login, is_bot = _author(node.get("author"))
    reviews = node.get("reviews") or {}
    commits = node.get("commits") or {}
    created_at = parse_github_datetime(node["createdAt"])
    updated_at = parse_github_datetime(node.get("updatedAt")) or created_at
    assert created_at is not None and updated_at is not None
    return PullRequestRecord(
        github_id=node["id"],
        number=int(node["number"]),
        url=node.get("url") or "",
        title=without_nul(node.get("title") or ""),
        body=without_nul(node.get("body") or ""),
        author_login=login,
        author_is_bot=is_bot,
        state=node.get("state") or "OPEN",
        is_draft=bool(node.get("isDraft")),
        created_at=created_at,
        updated_at=updated_at,
        merged_at=parse_github_datetime(node.get("mergedAt")),
        closed_at=parse_github_datetime(node.get("closedAt")),
        additions=int(node.get("additions") or 0),
        deletions=int(node.get("deletions") or 0),
        changed_files=int(node.get("changedFiles") or 0),
        labels=tuple(without_nul(label["name"]) for label in (node.get("labels") or {}).get("nodes") or [] if label),
        head_ref=without_nul(node.get("headRefName") or ""),
        base_ref=without_nul(node.get("baseRefName") or ""),
        commit_count=int(commits.get("totalCount") or 0),
        review_count=int(reviews.get("totalCount") or 0),
        reviews=tuple(review_from_node(n) for n in reviews.get("nodes") or [] if n),
        commits=tuple(commit_from_node(n) for n in commits.get("nodes") or [] if n),
        more_reviews_after=_more_after(reviews),
        more_commits_after=_more_after(commits),
    )
