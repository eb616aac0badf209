"""The test data builders, one home for each: GitHub PR records, and PR rows for the metrics.

``pr_record`` builds what the GitHub client hands the store; ``add_repo`` and ``add_pr`` write
rows straight into an open database, and the ``seed_*`` functions fill it with known teams.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tformance.core.github.records import CommitRecord, PullRequestRecord, ReviewRecord
from tformance.core.store.models import PullRequest, Repository, SyncStatus

# --- PR records, as the GitHub client gives them ------------------------------------------------

REPO = "acme/api"
RECORDS_END = datetime(2025, 5, 1, tzinfo=UTC)  # by default PR n is created n hours before this


def pr_record(
    number: int,
    *,
    repo: str = REPO,
    url: str | None = None,
    title: str | None = None,
    body: str = "",
    author: str = "dev",
    created: datetime | None = None,
    merged_after: timedelta | None = timedelta(0),
    additions: int = 3,
    deletions: int = 1,
    changed_files: int = 1,
    labels: tuple[str, ...] = (),
    head_ref: str | None = None,
    commit: str | None = None,
    commits: tuple[CommitRecord, ...] | None = None,
    commit_count: int | None = None,
    reviews: tuple[ReviewRecord, ...] = (),
) -> PullRequestRecord:
    """A PR by a human, merged (and closed, and last updated) ``merged_after`` its creation, or open
    when that is None. Without ``commits`` it has one commit, whose message is ``commit``;
    ``commit_count`` defaults to the commits given, ``review_count`` is the reviews given."""
    at = RECORDS_END - timedelta(hours=number) if created is None else created
    merged = None if merged_after is None else at + merged_after
    if commits is None:
        commits = (
            CommitRecord(
                oid=f"{number:040x}",
                message=commit or f"fix case {number}",
                authored_at=at,
                author_name="Dev",
                author_email="dev@corp.example",
                author_login="dev",
            ),
        )
    return PullRequestRecord(
        github_id=f"PR_{number}",
        number=number,
        url=f"https://github.com/{repo}/pull/{number}" if url is None else url,
        title=f"fix: handle case {number}" if title is None else title,
        body=body,
        author_login=author,
        author_is_bot=False,
        state="MERGED" if merged else "OPEN",
        is_draft=False,
        created_at=at,
        updated_at=merged or at,
        merged_at=merged,
        closed_at=merged,
        additions=additions,
        deletions=deletions,
        changed_files=changed_files,
        labels=labels,
        head_ref=f"fix-{number}" if head_ref is None else head_ref,
        base_ref="main",
        commit_count=len(commits) if commit_count is None else commit_count,
        review_count=len(reviews),
        reviews=reviews,
        commits=commits,
    )


# --- PR rows in the database, for the metrics -------------------------------------------------

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)
SYNCED = datetime(2025, 3, 31, 12, tzinfo=UTC)
NOW = datetime(2025, 4, 1, 8, tzinfo=UTC)


def add_repo(full_name: str, **fields: object) -> Repository:
    owner, name = full_name.split("/")
    defaults = {"sync_status": SyncStatus.COMPLETED, "last_synced_at": SYNCED}
    return Repository.create(full_name=full_name, owner=owner, name=name, **{**defaults, **fields})


def add_pr(
    repo: Repository,
    number: int,
    *,
    author: str | None = "alice",
    bot: bool = False,
    created: datetime = T0,
    merged_after: float | None = None,
    closed_after: float | None = None,
    review_after: float | None = None,
    size: int = 10,
    reviews: int = 0,
    ai: bool | None = False,
    signatures: tuple[str, ...] = (),
    tools: tuple[str, ...] = (),
    enrichment: str | None = None,
    title: str = "A change",
) -> PullRequest:
    """A PR whose times are given in hours after its creation."""
    merged = created + timedelta(hours=merged_after) if merged_after is not None else None
    closed = created + timedelta(hours=closed_after) if closed_after is not None else merged
    return PullRequest.create(
        repo=repo,
        number=number,
        github_id=f"PR_{repo.name}_{number}",
        url=f"https://github.com/{repo.full_name}/pull/{number}",
        title=title,
        body="body " * 100,
        author_login=author,
        author_is_bot=bot,
        state="MERGED" if merged else ("CLOSED" if closed else "OPEN"),
        created_at=created,
        updated_at=closed or created,
        merged_at=merged,
        closed_at=closed,
        first_review_at=created + timedelta(hours=review_after) if review_after is not None else None,
        additions=size - size // 3,
        deletions=size // 3,
        review_count=reviews,
        is_ai_assisted=ai,
        signature_tools=list(signatures),
        ai_tools_detected=list(tools),
        enrichment_status=enrichment or ("pending" if ai is None else "done"),
    )


def seed_team() -> None:
    """The team whose figures tests/core/metrics/test_report.py works out by hand (tabled there)."""
    web = add_repo("acme/web", history_start=datetime(2025, 1, 1, tzinfo=UTC))
    api = add_repo("acme/api", history_start=datetime(2025, 2, 1, tzinfo=UTC))
    add_repo("acme/old", sync_status=SyncStatus.FAILED, sync_error="GitHub said 404", last_synced_at=None)
    day = timedelta(days=1)
    add_pr(web, 1, merged_after=2, review_after=1, size=5, reviews=1, ai=True, tools=("claude_code",))
    add_pr(web, 2, created=T0 + day, merged_after=10, review_after=4, size=50, reviews=2)
    add_pr(web, 3, author="bob", created=T0 + 2 * day, merged_after=4, size=150, ai=None, signatures=("copilot",))
    add_pr(
        api,
        1,
        author="bob",
        created=T0 + 7 * day,
        merged_after=30,
        review_after=2,
        size=600,
        reviews=3,
    )
    add_pr(api, 2, author="carol", created=T0 + 8 * day, closed_after=5, review_after=6, size=1500, ai=None)
    add_pr(api, 3, author="carol", created=T0 + 9 * day, size=99, ai=True, signatures=("copilot",), tools=("cursor",))
    add_pr(web, 4, author="dependabot", bot=True, created=T0 + 10 * day, merged_after=1, size=2)
    add_pr(
        web,
        5,
        author="copilot-swe-agent",
        bot=True,
        created=T0 + 14 * day,
        merged_after=8,
        review_after=3,
        size=300,
        reviews=1,
        ai=True,
        tools=("copilot",),
    )


LOGINS = ("alice", "Bob", "bob", "carol", "dave", None, "dependabot", "copilot-swe-agent")
BOTS = {"dependabot", "copilot-swe-agent"}


def seed_random_team(prs: int = 260, seed: int = 11) -> None:
    """PRs with every case the queries tell apart: deleted and case-variant authors, bots,
    LLM verdicts set or not, signatures, open and closed PRs, reviews before and after the
    merge or never, clock skew, equal values, sub-second times, failed enrichment."""
    rng = random.Random(seed)
    repos = [add_repo(f"acme/r{index}") for index in range(4)]
    for number in range(1, prs + 1):
        author = rng.choice(LOGINS)
        created = T0 + timedelta(seconds=rng.randrange(0, 110 * 86400), microseconds=rng.randrange(0, 10**6, 250))
        roll = rng.random()
        merged_after = rng.choice([rng.lognormvariate(2, 1.5), 1.0, 2.0]) if roll < 0.6 else None
        closed_after = rng.uniform(1, 300) if 0.6 <= roll < 0.8 else None
        review_after = rng.choice([None, -0.0005, 0.5, rng.lognormvariate(1, 1.2)]) if rng.random() < 0.8 else None
        ai = None if author == "copilot-swe-agent" and rng.random() < 0.3 else rng.choice([None, True, False])
        add_pr(
            rng.choice(repos),
            number,
            author=author,
            bot=author in BOTS,
            created=created,
            merged_after=merged_after,
            closed_after=closed_after,
            review_after=review_after,
            size=rng.choice([0, 3, 3, 10, 99, 100, rng.randrange(0, 3000)]),
            reviews=rng.randrange(0, 4),
            ai=ai,
            signatures=tuple(rng.sample(["copilot", "cursor", "claude_code"], rng.choice([0, 0, 1, 2]))),
            tools=tuple(rng.sample(["copilot", "cursor", "aider"], rng.choice([0, 1]))) if ai else (),
            enrichment=rng.choice(["pending", "done", "failed"]) if ai is None else "done",
        )


def seed_comparison(ai_hours: float, human_hours: float, seed: int) -> None:
    """40 AI-assisted and 50 human merged PRs with log-normal cycle times around the given medians,
    plus automation bots' instant merges, which must change nothing."""
    rng = random.Random(seed)
    repo = add_repo("acme/web")
    for number in range(1, 91):
        ai = number <= 40
        median = ai_hours if ai else human_hours
        add_pr(repo, number, author="alice" if ai else "bob", merged_after=median * rng.lognormvariate(0, 0.8), ai=ai)
    for number in range(91, 111):
        add_pr(repo, number, author="dependabot", bot=True, merged_after=0.02)
