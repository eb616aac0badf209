"""Shared set-up for sync tests: a fake GitHub with the demo org, a database, and the real client."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from tformance.core.dates import calculate_sync_date_range, start_of_day_utc, utc_now
from tformance.core.events import SyncFinished
from tformance.core.github.client import GitHubClient
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.service import SyncService
from tformance.fakes.demo_org import build_demo_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub

TODAY = utc_now().date()
DOCS = "acme-robotics/docs"  # the demo organisation's smallest repository


def make_fake(today: date = TODAY) -> FakeGitHub:
    return FakeGitHub(build_demo_org(today))


def awkward_fake() -> FakeGitHub:
    """The demo org, plus what GitHub really serves: NUL in a body and a commit message, and a
    PR open for 300 days (its cycle time in seconds needs more than single precision)."""
    org = build_demo_org(TODAY)
    repo = org.repo(DOCS)
    newest = max(repo.pull_requests, key=lambda pr: pr.created_at)
    merged = newest.created_at + timedelta(days=1)
    commit = replace(newest.commits[0], message="Fix parser\x00\x00 (binary output pasted)\n\nSigned-off-by: A <a@x>")
    awkward = replace(
        newest,
        body="Before the NUL\x00after it: kept.",
        created_at=merged - timedelta(days=300, seconds=7),
        merged_at=merged,
        closed_at=merged,
        updated_at=merged,
        state="MERGED",
        commits=(commit, *newest.commits[1:]),
    )
    repo.pull_requests[repo.pull_requests.index(newest)] = awkward
    fake = FakeGitHub(org)
    fake.awkward_number = awkward.number  # type: ignore[attr-defined]
    return fake


def expected_in_range(fake: FakeGitHub, repo: str, months: int = 12, today: date = TODAY) -> set[int]:
    """The PR numbers a sync of ``months`` months must store, straight from the fake's own data."""
    since = start_of_day_utc(calculate_sync_date_range(months, today)[0])
    return {pr.number for pr in fake.org.repo(repo).pull_requests if pr.created_at >= since}


async def no_sleep(_seconds: float) -> None:
    """Waits are asserted through events, not by sleeping in tests."""


def client(
    fake: FakeGitHub, *, token: str = DEMO_TOKEN, sleeps: list[float] | None = None, **kwargs: Any
) -> GitHubClient:
    async def record_sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return GitHubClient(token, transport=fake.transport(), sleep=record_sleep, backoff_base=0.01, **kwargs)


async def run_sync(
    fake: FakeGitHub, repos: list[str], *, months: int = 12, events: list[Any] | None = None, **kwargs: Any
) -> SyncFinished:
    sink = events.append if events is not None else (lambda event: None)
    db = DatabaseThread()
    try:
        async with client(fake, sleeps=kwargs.pop("sleeps", None)) as github:
            service = SyncService(github, db, sink=sink, today=TODAY, **kwargs)
            return await service.run(repos, months)
    finally:
        db.close()


def cli_env(github_url: str, groq_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a `tformance` subprocess syncing from the served fakes (Groq too if given)."""
    from tformance.fakes.groq_fake import DEMO_GROQ_KEY

    env = {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": github_url, **extra}
    if groq_url is not None:
        env.update(GROQ_API_KEY=DEMO_GROQ_KEY, GROQ_BASE_URL=groq_url)
    return env


@contextmanager
def lock_held_by_another_process(database: object) -> Iterator[subprocess.Popen[str]]:
    """Another process holds this database's sync lock (as a running sync would) until the block ends."""
    script = (
        "import sys, time\nfrom tformance.core.store.sync_lock import SyncLock\n"
        "SyncLock(sys.argv[1]).acquire()\nprint('held', flush=True)\ntime.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=10)
