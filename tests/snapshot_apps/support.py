"""Apps on the fakes with time and data fixed: the same door (``make_app``) as production and ``--demo``."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tformance.core.database import close_database, open_database
from tformance.core.fakes import DEMO_TOKEN, DemoOrg, FakeGitHub, build_demo_org
from tformance.core.fakes.groq_fake import FakeGroq
from tformance.core.llm_client import LLMClient
from tformance.core.models import EnrichmentStatus, PullRequest, Repository
from tformance.core.pr_store import DatabaseThread
from tformance.core.services import Services
from tformance.core.settings import DEFAULT_LLM_MODEL, Settings
from tformance.core.sync_service import SyncService
from tformance.tui.app import TformanceApp, make_app
from tformance.tui.enrichment import LLMFactory

TODAY = date(2025, 6, 30)
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
GOOD_TOKEN = "ghp_" + "a" * 36
SUMMARY = "Adds retry with backoff to the telemetry uploader so flaky networks stop dropping batches."


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
    return Services(
        settings,
        transport=fake.transport(),
        demo_fake=fake if demo else None,
        today=TODAY,
        backoff_base=0.01,
        _token=DEMO_TOKEN if demo else None,
    )


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


def mark_enriched(database: Path, every: int = 1) -> None:
    """Pretend the LLM judged every ``every``-th PR (1: all of them), as the enricher would."""
    open_database(database)
    try:
        for pr in PullRequest.select().order_by(PullRequest.id):
            if pr.id % every:
                continue
            pr.enrichment_status = EnrichmentStatus.DONE
            pr.is_ai_assisted = bool(pr.signature_tools)
            pr.ai_tools_detected = list(pr.signature_tools)
            pr.llm_summary = SUMMARY
            pr.save()
    finally:
        close_database()


def copy_database(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target
