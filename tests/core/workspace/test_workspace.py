"""The facade end to end on the demo's offline GitHub and LLM: the same calls the app and the CLI make."""

from __future__ import annotations

from pathlib import Path

from tests.sync_helpers import TODAY, expected_in_range, make_fake
from tformance.core.events import EnrichmentProgress, SyncEvent, SyncStarted
from tformance.core.settings import Settings
from tformance.core.workspace import Services, Workspace
from tformance.fakes.demo import demo_services

DOCS = "acme-robotics/docs"


def _workspace(tmp_path: Path, **settings: object) -> tuple[Workspace, object]:
    fake = make_fake()
    services = demo_services(
        Settings(database=str(tmp_path / "t.db"), demo=True, **settings), fake, today=TODAY, backoff_base=0.01
    )
    services.set_demo_speed(500)  # the demo's pace, briskly
    return Workspace(services), fake


async def test_sync_with_enrichment_then_overview_report_and_detail(tmp_path: Path) -> None:
    workspace, fake = _workspace(tmp_path)
    events: list[SyncEvent] = []
    signed_in = []
    async with workspace:
        outcome = await workspace.sync(
            workspace.find_token().value, [DOCS], sink=events.append, on_signed_in=signed_in.append
        )
        assert outcome.finished.ok and signed_in, "the token's owner is known before the pre-flight"
        assert outcome.enrichment is not None and outcome.enrichment.pending == 0
        assert any(isinstance(event, SyncStarted) for event in events)
        assert any(isinstance(event, EnrichmentProgress) for event in events), "the LLM stage ran beside the fetch"

        overview = await workspace.overview()
        assert overview.repos == (DOCS,) and overview.pull_requests == len(expected_in_range(fake, DOCS))
        [tracked] = await workspace.tracked_repositories()
        assert tracked.full_name == DOCS and tracked.status == "completed"
        assert await workspace.pending_enrichment() == 0

        report = await workspace.report()
        assert report.totals.prs == overview.pull_requests
        [first, *_] = await workspace.pull_requests()
        detail = await workspace.pull_request(first.repo, first.number)
        assert detail is not None and detail.number == first.number
        assert await workspace.pull_request(DOCS, 999_999) is None

        assert await workspace.remove_repository(DOCS) == overview.pull_requests
        assert await workspace.tracked_names() == []


async def test_the_estimate_follows_the_settings_page_size_and_concurrency(tmp_path: Path) -> None:
    small = Workspace(Services(Settings(database=str(tmp_path / "a.db"), page_size=10, max_in_flight=3)))
    large = Workspace(Services(Settings(database=str(tmp_path / "b.db"), page_size=100, max_in_flight=3)))
    assert small.pace().page_size == 10 and small.pace().concurrency == 3
    assert small.estimate([200]).api_points > large.estimate([200]).api_points
    assert small.estimate([200, None]).unknown == 1


async def test_the_sync_honours_max_in_flight(tmp_path: Path) -> None:
    workspace, _ = _workspace(tmp_path, max_in_flight=2)
    service = workspace.services.sync_service(workspace.services.github("t"), db=None)  # type: ignore[arg-type]
    assert service.max_concurrent_repos == 2 and service.page_size == workspace.settings.page_size


async def test_without_named_repos_the_demo_syncs_its_whole_organisation(tmp_path: Path) -> None:
    workspace, fake = _workspace(tmp_path)
    async with workspace:
        assert await workspace.default_repos() == [repo.full_name for repo in fake.org.repos]
