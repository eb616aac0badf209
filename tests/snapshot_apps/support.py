"""Apps on the fakes with time and data fixed: the same door (``make_app``) as production and ``--demo``."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tformance.core.enrichment.live import Enricher
from tformance.core.llm.client import LLMClient
from tformance.core.settings import DEFAULT_LLM_MODEL, Settings
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import EnrichmentStatus, PullRequest, Repository
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.service import SyncService
from tformance.core.workspace import LLMFactory, Services
from tformance.fakes.demo import demo_services
from tformance.fakes.demo_model import DemoOrg
from tformance.fakes.demo_org import build_demo_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub
from tformance.fakes.groq_fake import FakeGroq
from tformance.tui.app import TformanceApp, make_app

TODAY = date(2025, 6, 30)
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
GOOD_TOKEN = "ghp_" + "a" * 36


def fake_github(org: DemoOrg | None = None, **options: object) -> FakeGitHub:
    """The fake GitHub over ``org`` (the demo organisation), its clock fixed at ``NOW``."""
    return FakeGitHub(org or build_demo_org(TODAY), clock=lambda: NOW.timestamp(), **options)  # type: ignore[arg-type]


def services_for(
    database: Path,
    fake: FakeGitHub,
    *,
    demo: bool = True,
    env_token: str | None = None,
    months: int = 12,
) -> Services:
    """Services wired to ``fake``: demo mode uses the demo token; otherwise ``env_token`` plays GITHUB_TOKEN."""
    settings = Settings(database=str(database), demo=demo, github_token=env_token, history_months=months)
    if demo:
        return demo_services(settings, fake, today=TODAY, backoff_base=0.01)
    return Services(settings, transport=fake.transport(), today=TODAY, backoff_base=0.01)


def no_llm() -> LLMClient | None:
    """No GROQ_API_KEY: the AI summaries are skipped and PRs stay pending."""
    return None


def fast_llm(groq: FakeGroq) -> LLMFactory:
    """The real LLM client on the fake Groq, without latency."""
    return lambda: LLMClient(groq.client, DEFAULT_LLM_MODEL, backoff_base=0.01)


def app_for(services: Services, *, llm_factory: LLMFactory = no_llm) -> TformanceApp:
    return make_app(services, clock=lambda: NOW, llm_factory=llm_factory)


def sync_into(database: Path, fake: FakeGitHub, repos: list[str] | None = None, months: int = 12) -> None:
    """Fill ``database`` with a real sync against ``fake`` (no UI), then date it 3 hours before ``NOW``."""

    async def run() -> None:
        services = services_for(database, fake, months=months)
        db = DatabaseThread()
        try:
            async with services.github(DEMO_TOKEN) as github:
                names = repos or [repo.full_name for repo in fake.org.repos]
                await SyncService(github, db=db, today=TODAY).run(names, months)
            await db.run(close_database)  # the sync's connection lives on the database thread
        finally:
            db.close()

    open_database(database)
    try:
        asyncio.run(run())
        Repository.update(last_synced_at=NOW - timedelta(hours=3)).execute()
    finally:
        close_database()


def enrich(database: Path, every: int = 1) -> None:
    """Run the real ``Enricher`` (the real LLM client on the fake Groq) over ``database``.

    Only every ``every``-th PR by id is enriched (1: all of them); the others stay pending, exactly
    as the sync left them. The fake Groq judges each PR on its own fields, so the result is the
    same on every run, whatever order the requests finish in.
    """

    async def run() -> None:
        db = DatabaseThread()
        try:
            llm = fast_llm(FakeGroq())()
            try:
                summary = await Enricher(llm, db).run()
            finally:
                await llm.close()
            await db.run(close_database)
        finally:
            db.close()
        if summary.stopped or summary.failed:
            raise AssertionError(f"the fake Groq should answer every PR: {summary.describe()}")

    open_database(database)
    try:
        # The enricher takes pending PRs only: hide the ones to leave pending, then bring them back.
        skipped = [pr_id for (pr_id,) in PullRequest.select(PullRequest.id).tuples() if pr_id % every]
        _set_status(skipped, EnrichmentStatus.FAILED)
        asyncio.run(run())
        _set_status(skipped, EnrichmentStatus.PENDING)
    finally:
        close_database()


def _set_status(ids: list[int], status: str) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        PullRequest.update(enrichment_status=status).where(PullRequest.id.in_(chunk)).execute()


def copy_database(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target
